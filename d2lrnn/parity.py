"""Cross-backend parity: the four tabs of the book compute the same thing.

Every check starts all backends from the same weights (NumPy, canonical names) and the same
batches, and compares each with the NumPy reference (float64) and with the others.

Tolerances, and why they have the size they have (float32 everywhere but the reference):
* one step (logits, loss, gradients, clipped gradients, parameters after SGD): relative 2e-4 of
  the largest magnitude of the quantity. float32 has a 6e-8 unit round-off; a gradient is a sum
  over 1024 x 32 positions and 32 steps of backpropagation, accumulated in a different order by
  each framework (and by oneDNN / XLA / Eigen kernels), so 1e-5..1e-4 relative is expected and
  anything wrong (no clipping, summed loss, swapped axes) is off by 1e-2 or far more.
* the 50-step trajectory: each loss within 1e-3 relative of the reference. Round-off grows
  step after step in a chaotic system; over 50 steps it stays ~1e-5..1e-4.
* after real training: final perplexities within 3% of each other (float32 trajectories drift
  apart over hundreds of steps without being wrong) and below a ceiling.

Run ``python -m d2lrnn.parity`` for the report table.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from d2lrnn import BACKENDS, load_backend
from d2lrnn.core import TimeMachine as NumpyTimeMachine
from d2lrnn.core import family as families

STEP_RTOL = 2e-4        # one step: relative to the largest magnitude of each quantity
TRAJECTORY_RTOL = 1e-3  # 50 SGD steps: each loss, relative
PPL_BAND = 0.03         # after training: final perplexities within 3% of their mean
QUANTITIES = ("logits", "loss", "grads", "clipped", "params")


@dataclass
class Case:
    """One parity case: initial weights, one batch and the hyperparameters."""

    seed: int = 0
    batch_size: int = 1024
    num_steps: int = 32
    num_hiddens: int = 32
    lr: float = 1.0
    clip: float = 1.0
    params: dict[str, np.ndarray] = field(default_factory=dict)
    X: np.ndarray | None = None
    Y: np.ndarray | None = None
    vocab_size: int = 28
    family: str = families.RNN_LM_SCRATCH.name

    @property
    def ref(self) -> Any:
        """The family's NumPy reference."""
        return families.get(self.family).reference


def make_case(seed: int = 0, batch_size: int = 1024, num_steps: int = 32,
              num_hiddens: int = 32, lr: float = 1.0, clip: float | None = None,
              sigma: float = 0.1, family: str = families.RNN_LM_SCRATCH.name) -> Case:
    """Weights from N(0, sigma) (larger than the book's 0.01, so the gradients are not tiny and
    every term matters) and one batch of training windows. ``clip=None`` picks half the
    reference gradient norm, so clipping is active and its absence shows."""
    ref = families.get(family).reference  # the family's oracle
    data = NumpyTimeMachine(batch_size=batch_size, num_steps=num_steps, seed=seed)
    rng = np.random.default_rng(seed)
    V = len(data.vocab)
    params = ref.init_params(V, num_hiddens, sigma, rng)
    idx = rng.permutation(data.num_train)[:batch_size]
    X, Y = data.X[idx], data.Y[idx]
    if clip is None:
        clip = 0.5 * ref.grad_norm(ref.loss_and_grads(params, X, Y)[1])
    return Case(seed, batch_size, num_steps, num_hiddens, lr, clip, params, X, Y, V, family)


def reference_step(case: Case) -> dict[str, Any]:
    ref = case.ref  # the family's oracle
    loss, grads = ref.loss_and_grads(case.params, case.X, case.Y)
    clipped = ref.clip_gradients(grads, case.clip) if case.clip > 0 else grads
    return {"logits": ref.forward(case.params, case.X), "loss": loss, "grads": grads,
            "clipped": clipped, "params": ref.sgd_step(case.params, clipped, case.lr),
            "grad_norm": ref.grad_norm(grads)}


def build(backend: str, case: Case, max_epochs: int = 1) -> tuple[Any, Any, Any, Any]:
    """The backend's data, model and trainer for ``case``, set up and given its weights."""
    d2l = load_backend(backend)
    d2l.seed(case.seed)
    data = d2l.TimeMachine(batch_size=case.batch_size, num_steps=case.num_steps,
                           seed=case.seed)
    model = families.get(case.family).build(
        d2l, len(data.vocab), {"num_hiddens": case.num_hiddens, "lr": case.lr})
    trainer = d2l.Trainer(max_epochs=max_epochs, gradient_clip_val=case.clip)
    trainer.setup(model, data)
    trainer.set_params(case.params)
    return d2l, data, model, trainer


def backend_step(backend: str, case: Case) -> dict[str, Any]:
    """Probe one batch on ``backend``, then take one real training step (the Trainer's own
    compiled step where it has one) and read the parameters back."""
    _, data, _, trainer = build(backend, case)
    batch = trainer.prepare_batch((data.to_tensor(case.X), data.to_tensor(case.Y)))
    out = trainer.probe(batch)
    trainer.fit_batch(batch)
    out["params"] = trainer.get_params()
    return out


def deviation(got: Any, want: Any) -> tuple[float, float]:
    """(max absolute deviation, that divided by the largest magnitude of ``want``)."""
    if isinstance(want, dict):
        devs = [deviation(got[k], want[k]) for k in want]
        return max(d[0] for d in devs), max(d[1] for d in devs)
    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    if got.shape != want.shape:
        return math.inf, math.inf
    err = float(np.max(np.abs(got - want))) if got.size else 0.0
    scale = float(np.max(np.abs(want))) if want.size else 0.0
    return err, err / scale if scale else err


def compare_step(got: dict[str, Any], want: dict[str, Any]) -> dict[str, tuple[float, float]]:
    return {q: deviation(got[q], want[q]) for q in QUANTITIES}


def assert_step_parity(backend: str, case: Case | None = None) -> dict[str, tuple[float, float]]:
    """Raise AssertionError naming every quantity of ``backend``'s step that is off."""
    case = case or make_case()
    devs = compare_step(backend_step(backend, case), reference_step(case))
    bad = {q: d for q, d in devs.items() if not d[1] <= STEP_RTOL}
    assert not bad, (f"{backend} differs from the NumPy reference (relative tolerance "
                     f"{STEP_RTOL}): " + ", ".join(f"{q}: max abs {a:.3g}, rel {r:.3g}"
                                                   for q, (a, r) in bad.items()))
    return devs


def trajectory(backend: str, case: Case, steps: int = 50) -> list[float]:
    """Losses of ``steps`` training steps from the case's weights over the case's seeded batch
    order (the shared NumPy shuffle), through the backend's real Trainer step."""
    _, data, _, trainer = build(backend, case)
    losses: list[Any] = []
    while len(losses) < steps:
        for batch in trainer.train_dataloader:
            losses.append(trainer.fit_batch(trainer.prepare_batch(batch)))
            trainer.train_batch_idx += 1
            if len(losses) == steps:
                break
    return [float(v) for v in losses]


def reference_trajectory(case: Case, steps: int = 50) -> list[float]:
    return reference_training(case, steps)[0]


def reference_training(case: Case, steps: int = 50) -> tuple[list[float], dict[str, Any]]:
    """The reference's losses over ``steps`` steps of the case, and its final parameters."""
    data = NumpyTimeMachine(batch_size=case.batch_size, num_steps=case.num_steps,
                            seed=case.seed)
    params, losses = case.params, []
    while len(losses) < steps:
        for X, Y in data.train_dataloader():
            loss, params = case.ref.train_step(params, X, Y, case.lr, case.clip)
            losses.append(loss)
            if len(losses) == steps:
                break
    return losses, params


def greedy(backend: str, case: Case, prefix: str = "it has", num_preds: int = 20) -> str:
    _, data, model, _ = build(backend, case)
    return model.predict(prefix, num_preds, data.vocab)


def train_run(backend: str, epochs: int, seed: int = 0,
              family: str = families.RNN_LM_SCRATCH.name) -> dict[str, float]:
    """The book's run (batch 1024, 32 steps, 32 hidden, lr 1, clip 1) from one seed."""
    d2l = load_backend(backend)
    d2l.seed(seed)
    data = d2l.TimeMachine(batch_size=1024, num_steps=32)
    model = families.get(family).build(d2l, len(data.vocab), {"num_hiddens": 32, "lr": 1})
    trainer = d2l.Trainer(max_epochs=epochs, gradient_clip_val=1)
    start = time.perf_counter()
    trainer.fit(model, data)
    seconds = time.perf_counter() - start
    last = trainer.metrics[-1]
    return {"train_ppl": last["train_ppl"], "val_ppl": last["val_ppl"],
            "s_per_epoch": seconds / len(trainer.metrics)}


def available() -> list[str]:
    out = []
    for name in BACKENDS:
        try:
            load_backend(name)
        except ImportError:
            continue
        out.append(name)
    return out


def report(backends: list[str], epochs: int, out: Any = sys.stdout) -> None:
    case = make_case()
    want = reference_step(case)
    print(f"parity report: seed {case.seed}, batch {case.batch_size} x {case.num_steps} steps, "
          f"{case.num_hiddens} hidden, lr {case.lr}, clip {case.clip:.4g} "
          f"(reference gradient norm {want['grad_norm']:.4g})", file=out)
    print("one step vs the NumPy float64 reference: max abs deviation / relative to the "
          f"largest magnitude (tolerance {STEP_RTOL} relative)", file=out)
    print("| backend | " + " | ".join(QUANTITIES) + " |", file=out)
    print("|---" * (len(QUANTITIES) + 1) + "|", file=out)
    for b in backends:
        devs = compare_step(backend_step(b, case), want)
        print(f"| {b} | " + " | ".join(f"{a:.1e} / {r:.1e}" for a, r in devs.values()) + " |",
              file=out)
    ref_traj, trained = reference_training(case)
    # greedy decoding from the reference's weights after those 50 steps
    after = Case(**{**case.__dict__, "params": {k: v.astype(np.float32)
                                                 for k, v in trained.items()}})
    print(f"\n50 training steps: max relative loss deviation from the reference (tolerance "
          f"{TRAJECTORY_RTOL}); greedy 'it has' + 20 from the reference's weights after "
          "them", file=out)
    print("| backend | trajectory | greedy text |\n|---|---|---|", file=out)
    text_ref = case.ref.predict(after.params, "it has", 20, NumpyTimeMachine(1, 1).vocab)
    for b in backends:
        traj = trajectory(b, case)
        dev = max(abs(a - r) / abs(r) for a, r in zip(traj, ref_traj, strict=True))
        print(f"| {b} | {dev:.1e} | {greedy(b, after)!r} |", file=out)
    print(f"| reference | 0 | {text_ref!r} |", file=out)
    if epochs:
        print(f"\nthe book's run for {epochs} epochs from seed 0", file=out)
        print("| backend | train ppl | val ppl | s/epoch |\n|---|---|---|---|", file=out)
        for b in backends:
            r = train_run(b, epochs)
            print(f"| {b} | {r['train_ppl']:.3f} | {r['val_ppl']:.3f} | "
                  f"{r['s_per_epoch']:.3f} |", file=out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m d2lrnn.parity",
                                     description="Cross-backend parity report")
    parser.add_argument("--backends", nargs="+", choices=BACKENDS, default=None)
    parser.add_argument("--epochs", type=int, default=10,
                        help="epochs of the book's run to compare (0: skip)")
    args = parser.parse_args(argv)
    report(args.backends or available(), args.epochs)


if __name__ == "__main__":
    main()

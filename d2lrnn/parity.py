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
from d2lrnn.core import layer_map
from d2lrnn.core import models as families

STEP_RTOL = 2e-4        # one step: relative to the largest magnitude of each quantity
TRAJECTORY_RTOL = 1e-3  # 50 SGD steps: each loss, relative
PPL_BAND = 0.03         # after training: final perplexities within 3% of their mean
QUANTITIES = ("logits", "loss", "grads", "clipped", "params")
BOOK = families.book_run("rnn-scratch")  # the section's run: batch, steps, hiddens, lr, clip


@dataclass
class Case:
    """One parity case: initial weights, one batch and the hyperparameters."""

    seed: int = 0
    batch_size: int = BOOK.batch_size
    num_steps: int = BOOK.num_steps
    num_hiddens: int = BOOK.num_hiddens
    lr: float = BOOK.lr
    clip: float = BOOK.clip
    params: dict[str, np.ndarray] = field(default_factory=dict)
    X: np.ndarray | None = None
    Y: np.ndarray | None = None
    vocab_size: int = 28
    family: str = families.RNN_LM_SCRATCH.name

    def family_for(self, concise: bool = False) -> families.Family:
        """The case's model family, or the concise LM's (same canonical parameters)."""
        return families.get(families.RNN_LM_CONCISE.name if concise else self.family)

    @property
    def ref(self) -> Any:
        """The family's NumPy reference."""
        return families.get(self.family).reference


def make_case(seed: int = 0, batch_size: int = BOOK.batch_size,
              num_steps: int = BOOK.num_steps, num_hiddens: int = BOOK.num_hiddens,
              lr: float = BOOK.lr, clip: float | None = None,
              sigma: float = 0.1, family: str = families.RNN_LM_SCRATCH.name) -> Case:
    """Weights from N(0, sigma) (larger than the book's 0.01, so the gradients are not tiny and
    every term matters) and one batch of training windows. ``clip=None`` picks half the
    reference gradient norm, so clipping is active and its absence shows."""
    model_family = families.get(family)
    ref = model_family.reference  # the family's oracle
    data = NumpyTimeMachine(batch_size=batch_size, num_steps=num_steps, seed=seed)
    rng = np.random.default_rng(seed)
    V = len(data.vocab)
    # the family's declared parameters, drawn in the book's order
    params = model_family.init_params(V, {"num_hiddens": num_hiddens}, sigma, rng)
    idx = rng.permutation(data.num_train)[:batch_size]
    X, Y = data.X[idx], data.Y[idx]
    if clip is None:
        clip = 0.5 * ref.grad_norm(ref.loss_and_grads(params, X, Y)[1])
    return Case(seed, batch_size, num_steps, num_hiddens, lr, clip, params, X, Y, V, family)


def layer_table(backend: str, concise: bool, case: Case | None = None) -> layer_map.LayerMap:
    """The backend's layer map for its concise model (framework weights <-> canonical names);
    empty for the scratch model, whose parameters are the canonical ones."""
    load_backend(backend)  # a backend registers its layer maps when it is imported
    return (case or Case()).family_for(concise).layer_table(backend)


def mapped_step(params: dict[str, Any], X: np.ndarray, Y: np.ndarray, lr: float, clip: float,
                table: layer_map.LayerMap = (), ref: Any = families.RNN_LM_SCRATCH.reference
                ) -> dict[str, Any]:
    """The reference's step as a model whose weights are laid out by ``table`` takes it: the
    forward pass and gradients are the book's; clipping and SGD act on the framework's own
    parameters, where a split b_h is two copies each receiving dL/db_h (so the norm counts it
    twice and b_h moves by 2 lr g). With an empty table this is exactly the book's step."""
    loss, grads = ref.loss_and_grads(params, X, Y)
    expanded = layer_map.expand_grads(grads, table)
    clipped = ref.clip_gradients(expanded, clip) if clip > 0 else expanded
    stepped = ref.sgd_step(layer_map.expand_params(params, table), clipped, lr)
    return {"loss": loss, "grads": grads, "clipped": layer_map.collapse(clipped, "primary"),
            "params": layer_map.collapse(stepped, "sum"), "grad_norm": ref.grad_norm(grads)}


def reference_step(case: Case, table: layer_map.LayerMap = ()) -> dict[str, Any]:
    out = mapped_step(case.params, case.X, case.Y, case.lr, case.clip, table, case.ref)
    return {"logits": case.ref.logits(case.params, case.X), **out}


def build_model(d2l: Any, vocab_size: int, num_hiddens: int, lr: float,
                concise: bool = False) -> Any:
    """The book's scratch LM, or its concise one (d2l.RNNLM over d2l.RNN: the framework's RNN
    layer), as its model family builds it."""
    return Case().family_for(concise).build(d2l, vocab_size, {"num_hiddens": num_hiddens,
                                                             "lr": lr})


#: what ``build`` gives: (d2l, data, model, trainer)
Built = tuple[Any, Any, Any, Any]


def build(backend: str, case: Case, max_epochs: int = 1, concise: bool = False) -> Built:
    """The backend's data, model and trainer for ``case``, set up and given its weights."""
    d2l = load_backend(backend)
    d2l.seed(case.seed)
    data = d2l.TimeMachine(batch_size=case.batch_size, num_steps=case.num_steps,
                           seed=case.seed)
    model = case.family_for(concise).build(
        d2l, len(data.vocab), {"num_hiddens": case.num_hiddens, "lr": case.lr})
    model.board.display = False  # parity runs are measured, not watched: no live plots
    trainer = d2l.Trainer(max_epochs=max_epochs, gradient_clip_val=case.clip)
    trainer.setup(model, data)
    trainer.set_params(case.params)
    return d2l, data, model, trainer


def rebuild(backend: str, case: Case, concise: bool = False, built: Built | None = None
            ) -> Built:
    """``build(backend, case)``, or ``built`` (what ``build`` gave for a case of the same
    model) given the case's weights again: one model and one compiled step can serve a step,
    a trajectory and a text, each from the weights it needs."""
    if built is None:
        return build(backend, case, concise=concise)
    built[3].set_params(case.params)
    return built


def backend_step(backend: str, case: Case, concise: bool = False, built: Built | None = None
                 ) -> dict[str, Any]:
    """Probe one batch on ``backend``, then take one real training step (the Trainer's own
    compiled step where it has one) and read the parameters back."""
    _, data, _, trainer = rebuild(backend, case, concise, built)
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


def assert_step_parity(backend: str, case: Case | None = None, concise: bool = False
                       ) -> dict[str, tuple[float, float]]:
    """Raise AssertionError naming every quantity of ``backend``'s step that is off."""
    case = case or make_case()
    return assert_step_matches(f"{backend} (concise)" if concise else backend,
                               backend_step(backend, case, concise),
                               reference_step(case, layer_table(backend, concise, case)))


def assert_step_matches(what: str, got: dict[str, Any], want: dict[str, Any]
                        ) -> dict[str, tuple[float, float]]:
    """Raise AssertionError naming every quantity of a step (``backend_step``'s) that is off
    the reference's (``reference_step``'s) by more than STEP_RTOL."""
    devs = compare_step(got, want)
    bad = {q: d for q, d in devs.items() if not d[1] <= STEP_RTOL}
    assert not bad, (f"{what} differs from the NumPy reference (relative tolerance "
                     f"{STEP_RTOL}): " + ", ".join(f"{q}: max abs {a:.3g}, rel {r:.3g}"
                                                   for q, (a, r) in bad.items()))
    return devs


def trajectory(backend: str, case: Case, steps: int = 50, concise: bool = False,
               built: Built | None = None) -> list[float]:
    """Losses of ``steps`` training steps from the case's weights over the case's seeded batch
    order (the shared NumPy shuffle), through the backend's real Trainer step."""
    _, data, _, trainer = rebuild(backend, case, concise, built)
    losses: list[Any] = []
    while len(losses) < steps:
        for batch in trainer.train_dataloader:
            losses.append(trainer.fit_batch(trainer.prepare_batch(batch)))
            trainer.train_batch_idx += 1
            if len(losses) == steps:
                break
    return [float(v) for v in losses]


def reference_trajectory(case: Case, steps: int = 50, table: layer_map.LayerMap = ()
                         ) -> list[float]:
    return reference_training(case, steps, table)[0]


def reference_training(case: Case, steps: int = 50, table: layer_map.LayerMap = ()
                       ) -> tuple[list[float], dict[str, Any]]:
    """The reference's losses over ``steps`` steps of the case, and its final parameters
    (stepping as a model laid out by ``table`` steps, see ``mapped_step``)."""
    data = NumpyTimeMachine(batch_size=case.batch_size, num_steps=case.num_steps,
                            seed=case.seed)
    params, losses = case.params, []
    # in the framework's parameter space (split biases as their copies), collapsed to compute
    expanded = layer_map.expand_params(params, table)
    while len(losses) < steps:
        for X, Y in data.train_dataloader():
            params = layer_map.collapse(expanded, "sum")
            loss, grads = case.ref.loss_and_grads(params, X, Y)
            grads = layer_map.expand_grads(grads, table)
            if case.clip > 0:
                grads = case.ref.clip_gradients(grads, case.clip)
            expanded = case.ref.sgd_step(expanded, grads, case.lr)
            losses.append(loss)
            if len(losses) == steps:
                break
    return losses, layer_map.collapse(expanded, "sum")


def greedy(backend: str, case: Case, prefix: str = "it has", num_preds: int = 20,
           concise: bool = False, built: Built | None = None) -> str:
    """The backend's greedy continuation of ``prefix`` from the case's weights."""
    _, data, model, _ = rebuild(backend, case, concise, built)
    return model.predict(prefix, num_preds, data.vocab)


def train_run(backend: str, epochs: int, seed: int = 0,
              family: str = families.RNN_LM_SCRATCH.name) -> dict[str, float]:
    """The book's run (``BOOK``: batch 1024, 32 steps, 32 hidden, lr 1, clip 1) from one
    seed."""
    d2l = load_backend(backend)
    d2l.seed(seed)
    data = d2l.TimeMachine(batch_size=BOOK.batch_size, num_steps=BOOK.num_steps)
    model = families.get(family).build(d2l, len(data.vocab), {"num_hiddens": BOOK.num_hiddens,
                                                              "lr": BOOK.lr})
    trainer = d2l.Trainer(max_epochs=epochs, gradient_clip_val=BOOK.clip)
    start = time.perf_counter()
    trainer.fit(model, data)
    seconds = time.perf_counter() - start
    last = trainer.metrics[-1]
    return {"train_ppl": last["train_ppl"], "val_ppl": last["val_ppl"],
            "s_per_epoch": seconds / len(trainer.metrics)}


def available(out: Any = None) -> list[str]:
    """The backends that import; each one that does not is named on ``out`` (default: standard
    error) with its error (a framework not installed, or a broken install), never silently
    dropped."""
    out = sys.stderr if out is None else out
    ok = []
    for name in BACKENDS:
        try:
            load_backend(name)
        except ImportError as err:
            print(f"parity: backend {name} skipped: it does not import ({err})", file=out)
            continue
        ok.append(name)
    return ok


def report(backends: list[str], epochs: int, out: Any = sys.stdout, concise: bool = False
           ) -> None:
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
    for b in backends if concise else ():
        # d2l.RNNLM over the framework's RNN layer, through the backend's LAYER_MAP
        devs = compare_step(backend_step(b, case, concise=True),
                            reference_step(case, layer_table(b, True)))
        print(f"| {b} concise | " + " | ".join(f"{a:.1e} / {r:.1e}" for a, r in devs.values())
              + " |", file=out)
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
    parser.add_argument("--concise", action="store_true",
                        help="also check the concise models (d2l.RNNLM over each framework's "
                             "RNN layer) against the reference")
    args = parser.parse_args(argv)
    report(args.backends or available(), args.epochs, concise=args.concise)


if __name__ == "__main__":
    main()

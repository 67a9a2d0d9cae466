"""Concise vs scratch RNN LM, per framework: the Trainer's real training step (batch 1024,
32 steps, 32 hidden, clip 1), in the context ``fit`` runs it in (``trainer.fitting()``: torch's
thread count), timed in alternating rounds in one process; the ratio is the
median of the per-round ratios (this shared machine is noisy; ratios hold better than times).

    python benchmarks/concise.py [--backends torch mxnet tensorflow jax] [--rounds 5] [--plain]

``--plain`` adds a row with no d2lrnn in the step: the same comparison written in plain torch
(``nn.RNN`` + ``nn.Linear`` against a Python loop of the same cell and output layer, both with
``F.one_hot`` and ``F.cross_entropy``, forward and backward only: no clipping, no update), with
the Trainer's thread count: what torch's RNN layer itself gives against a loop on this machine.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from d2lrnn import BACKENDS, load_backend, parity


def trainer_for(backend: str, concise: bool):
    case = parity.make_case(clip=1.0)
    _, data, _, trainer = parity.build(backend, case, concise=concise)
    batch = trainer.prepare_batch((data.to_tensor(case.X), data.to_tensor(case.Y)))
    return trainer, batch


def ms_per_step(trainer, batch, steps: int) -> float:
    last = None
    start = time.perf_counter()
    for _ in range(steps):
        last = trainer.fit_batch(batch)
    float(last)  # wait for the device
    return (time.perf_counter() - start) / steps * 1e3


def plain_torch_steps() -> dict[bool, Any]:
    """{concise: step} in plain torch, from one seeded batch of the benchmark's shape."""
    import torch
    from torch import nn
    from torch.nn import functional as F

    case = parity.make_case(clip=1.0)
    X, Y = torch.from_numpy(case.X).long(), torch.from_numpy(case.Y).long()
    V, H = case.vocab_size, case.num_hiddens
    labels = Y.T.reshape(-1)  # time-major, as the logits
    torch.manual_seed(0)
    rnn, linear = nn.RNN(V, H), nn.Linear(H, V)
    W_xh, W_hh, W_hq = (nn.Parameter(torch.randn(*s) * 0.01) for s in ((V, H), (H, H), (H, V)))
    b_h, b_q = nn.Parameter(torch.zeros(H)), nn.Parameter(torch.zeros(V))
    layer_params = [*rnn.parameters(), *linear.parameters()]
    loop_params = [W_xh, W_hh, b_h, W_hq, b_q]

    def layer_step() -> torch.Tensor:
        for p in layer_params:
            p.grad = None
        outputs, _ = rnn(F.one_hot(X.T, V).float())  # (steps, batch, hiddens)
        loss = F.cross_entropy(linear(outputs).reshape(-1, V), labels)
        loss.backward()
        return loss

    def loop_step() -> torch.Tensor:
        for p in loop_params:
            p.grad = None
        state, outputs = torch.zeros(X.shape[0], H), []
        for x in F.one_hot(X.T, V).float():  # x (batch, vocab)
            state = torch.tanh(x @ W_xh + state @ W_hh + b_h)
            outputs.append(state @ W_hq + b_q)
        loss = F.cross_entropy(torch.cat(outputs), labels)  # (steps * batch, vocab)
        loss.backward()
        return loss

    return {False: loop_step, True: layer_step}


class _Plain:
    """A step function dressed as the (trainer, batch) pair ``ms_per_step`` times."""

    def __init__(self, step: Any) -> None:
        self.fit_batch = lambda _: step().detach()


def compare(runs: dict[bool, tuple[Any, Any]], fitting: Any, rounds: int, steps: int
            ) -> tuple[float, float, float]:
    """Median scratch and concise ms/step and the median per-round scratch/concise ratio."""
    times: dict[bool, list[float]] = {False: [], True: []}
    with fitting:  # as fit runs (torch: its thread count)
        for t, b in runs.values():  # compile / warm up
            ms_per_step(t, b, 2)
        for _ in range(rounds):
            for c in (False, True):
                times[c].append(ms_per_step(*runs[c], steps))
    ratios = [s / c for s, c in zip(times[False], times[True], strict=True)]
    return (statistics.median(times[False]), statistics.median(times[True]),
            statistics.median(ratios))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backends", nargs="+", choices=BACKENDS, default=list(BACKENDS))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--plain", action="store_true",
                        help="add the comparison in plain torch, no d2lrnn (see above)")
    args = parser.parse_args()
    print("| backend | scratch ms/step | concise ms/step | scratch/concise (median of rounds) |")
    print("|---|---|---|---|")
    rows = [(b, False) for b in args.backends] + ([("torch", True)] if args.plain else [])
    for backend, plain in rows:
        d2l = load_backend(backend)
        if plain:  # plain torch, in the Trainer's context (its thread count)
            runs = {c: (_Plain(step), None) for c, step in plain_torch_steps().items()}
            fitting = d2l.Trainer(max_epochs=1).fitting()
        else:
            runs = {c: trainer_for(backend, c) for c in (False, True)}
            fitting = runs[False][0].fitting()
        scratch, concise, ratio = compare(runs, fitting, args.rounds, args.steps)
        name = f"{backend} (plain, no d2lrnn)" if plain else backend
        print(f"| {name} | {scratch:.1f} | {concise:.1f} | {ratio:.2f} |", flush=True)


if __name__ == "__main__":
    main()

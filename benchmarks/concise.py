"""Concise vs scratch RNN LM, per framework: the Trainer's real training step (batch 1024,
32 steps, 32 hidden, clip 1), in the context ``fit`` runs it in (``trainer.fitting()``: torch's
thread count), timed in alternating rounds in one process; the ratio is the
median of the per-round ratios (this shared machine is noisy; ratios hold better than times).

    python benchmarks/concise.py [--backends torch mxnet tensorflow jax] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import time

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backends", nargs="+", choices=BACKENDS, default=list(BACKENDS))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=10)
    args = parser.parse_args()
    print("| backend | scratch ms/step | concise ms/step | scratch/concise (median of rounds) |")
    print("|---|---|---|---|")
    for backend in args.backends:
        load_backend(backend)
        runs = {c: trainer_for(backend, c) for c in (False, True)}
        times = {False: [], True: []}
        with runs[False][0].fitting():  # as fit runs (torch: its thread count)
            for t, b in runs.values():  # compile / warm up
                ms_per_step(t, b, 2)
            for _ in range(args.rounds):
                for c in (False, True):
                    times[c].append(ms_per_step(*runs[c], args.steps))
        ratios = [s / c for s, c in zip(times[False], times[True], strict=True)]
        print(f"| {backend} | {statistics.median(times[False]):.1f} | "
              f"{statistics.median(times[True]):.1f} | {statistics.median(ratios):.2f} |",
              flush=True)


if __name__ == "__main__":
    main()

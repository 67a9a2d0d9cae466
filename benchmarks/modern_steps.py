"""The modern chapter's language models, one Trainer step per framework: d2l.RNNLM over each
framework's own GRU, LSTM and two-layer GRU (the families gru-lm-concise, lstm-lm-concise,
gru-lm-deep) at the book's sizes (batch 1024, 32 steps, 32 hidden, clip 1), in the context
``fit`` runs it in (``trainer.fitting()``: torch's thread count), the backends timed in
alternating rounds in one process; each framework's time over torch's is the median of the
per-round ratios (this shared machine is noisy; ratios hold better than times).

    python benchmarks/modern_steps.py [--families gru-lm-concise lstm-lm-concise gru-lm-deep]
                                      [--backends torch mxnet tensorflow jax] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
from typing import Any

from concise import ms_per_step

from d2lrnn import BACKENDS, parity

FAMILIES = ("gru-lm-concise", "lstm-lm-concise", "gru-lm-deep")


def trainer_for(backend: str, family: str) -> tuple[Any, Any]:
    case = parity.make_case(clip=1.0, family=family)
    _, data, _, trainer = parity.build(backend, case)
    batch = trainer.prepare_batch((data.to_tensor(case.X), data.to_tensor(case.Y)))
    return trainer, batch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", nargs="+", choices=FAMILIES, default=list(FAMILIES))
    parser.add_argument("--backends", nargs="+", choices=BACKENDS, default=list(BACKENDS))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=5)
    args = parser.parse_args()
    print("| family | backend | ms/step (median) | time / torch's (median of rounds) |")
    print("|---|---|---|---|")
    for family in args.families:
        runs = {b: trainer_for(b, family) for b in args.backends}
        times: dict[str, list[float]] = {b: [] for b in args.backends}
        for trainer, batch in runs.values():  # compile / warm up
            with trainer.fitting():
                ms_per_step(trainer, batch, 2)
        for _ in range(args.rounds):
            for b, (trainer, batch) in runs.items():
                with trainer.fitting():
                    times[b].append(ms_per_step(trainer, batch, args.steps))
        for b in args.backends:
            ratio = (statistics.median(t / r for t, r in zip(times[b], times["torch"],
                                                               strict=True))
                     if "torch" in times else float("nan"))
            print(f"| {family} | {b} | {statistics.median(times[b]):.1f} | {ratio:.2f} |",
                  flush=True)


if __name__ == "__main__":
    main()

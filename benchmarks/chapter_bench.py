"""The chapter's sequence model (the book's ``LinearRegression`` on the noisy sine, section
"Working with Sequences"), per framework: the section's own cells (``tests/book/sequence_<tab>.py``,
only the import changed) in a fresh process per run; ``trainer.fit`` wall time, its steady epoch
time and the final training / validation loss. Rounds run the frameworks in turn (the order
rotates each round); the table gives medians over rounds.

    python benchmarks/chapter_bench.py [--backends torch mxnet tensorflow jax] [--rounds 3]
                                       [--epochs 5] [--json out.json]

Side by side with the book's own library (d2l 1.0.3): ``benchmarks/side_by_side.py`` (branch
``bench``) runs a tab file in both libraries; pointing it at ``tests/book/sequence_<tab>.py``
gives the ratio (left to the lead; not measured here).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TABS = {"torch": "pytorch", "mxnet": "mxnet", "tensorflow": "tensorflow", "jax": "jax"}

RUNNER = """
import contextlib, io, json, runpy, sys, time
script = sys.argv[1]
import importlib
d2l = importlib.import_module("d2lrnn." + sys.argv[2])
fit = d2l.Trainer.fit
times = {}
def timed_fit(self, *a, **k):
    start = time.perf_counter()
    try:
        return fit(self, *a, **k)
    finally:
        times["fit_s"] = time.perf_counter() - start
d2l.Trainer.fit = timed_fit
start = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()):
    ns = runpy.run_path(script, run_name="__main__")
wall = time.perf_counter() - start
metrics = ns["trainer"].metrics
steady = sorted(m["seconds"] for m in metrics[1:]) or [metrics[0]["seconds"]]
print(json.dumps({"wall_s": wall, "fit_s": times["fit_s"], "epochs": len(metrics),
                  "steady_epoch_s": steady[len(steady) // 2],
                  "train_loss": metrics[-1]["loss"], "val_loss": metrics[-1]["val_loss"]}))
"""


def run_once(backend: str, epochs: int) -> dict:
    script = os.path.join(ROOT, "tests", "book", f"sequence_{TABS[backend]}.py")
    env = {**os.environ, "D2LRNN_MAX_EPOCHS": str(epochs), "MPLBACKEND": "Agg",
           "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONPATH": ROOT}
    with tempfile.TemporaryDirectory() as cwd:
        proc = subprocess.run([sys.executable, "-c", RUNNER, script, backend],
                              capture_output=True, text=True, cwd=cwd, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"{backend}: {proc.stderr.strip()[-500:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--backends", nargs="+", default=list(TABS), choices=list(TABS))
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--epochs", type=int, default=5, help="the book trains 5 epochs")
    p.add_argument("--json", help="also write the runs here")
    args = p.parse_args()
    runs: dict[str, list[dict]] = {b: [] for b in args.backends}
    for r in range(args.rounds):
        order = args.backends[r % len(args.backends):] + args.backends[:r % len(args.backends)]
        for backend in order:
            runs[backend].append(run_once(backend, args.epochs))
    print(f"sequence model (LinearRegression, sine data, {args.epochs} epochs), medians of "
          f"{args.rounds} rounds")
    print("| framework | fit s | steady s/epoch | process wall s | train loss | val loss |")
    print("|---|---|---|---|---|---|")
    for backend, rs in runs.items():
        med = lambda k: statistics.median(x[k] for x in rs)  # noqa: B023
        print(f"| {backend} | {med('fit_s'):.3f} | {med('steady_epoch_s'):.4f} | "
              f"{med('wall_s'):.1f} | {med('train_loss'):.4f} | {med('val_loss'):.4f} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(runs, f, indent=1)


if __name__ == "__main__":
    main()

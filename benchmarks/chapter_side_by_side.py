"""The sequence section ("Working with Sequences": LinearRegression on the noisy sine, 5 epochs)
on the book's own library (d2l 1.0.3) and on d2lrnn, side by side, in alternating rounds.

    python benchmarks/chapter_side_by_side.py [--rounds 3] [--preload-dynamo]
                                              [--backends torch mxnet tensorflow jax]

Needs ``benchmarks/side_by_side.py`` (the book's library in a private folder and the patches
it needs on today's stack, ``import_book``). Both libraries run the section's own cells
(``tests/book/sequence_<tab>.py``; for the book's library the import line goes back to
``from d2l import <fw> as d2l``), each run in a fresh process. ``--preload-dynamo`` imports
``torch._dynamo`` before timing in both: ``torch.optim.SGD`` imports it on first use (~3 s,
paid by both libraries once per process).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TABS = {"torch": "pytorch", "mxnet": "mxnet", "tensorflow": "tensorflow", "jax": "jax"}


def child(lib: str, backend: str, preload_dynamo: bool) -> None:
    sys.path.insert(0, HERE)
    import side_by_side as sbs
    if lib == "book":
        d2l, patches = sbs.import_book(backend)
    else:
        sys.path.insert(0, ROOT)
        d2l, patches = importlib.import_module(f"d2lrnn.{backend}"), []
    if preload_dynamo:
        import torch._dynamo  # noqa: F401
    times = {}
    fit = d2l.Trainer.fit

    def timed_fit(self, *a, **k):
        start = time.perf_counter()
        try:
            return fit(self, *a, **k)
        finally:
            times["fit"] = time.perf_counter() - start
    d2l.Trainer.fit = timed_fit
    with open(os.path.join(ROOT, "tests", "book", f"sequence_{TABS[backend]}.py")) as f:
        src = f.read()
    if lib == "book":
        src = src.replace(f"from d2lrnn import {backend} as d2l",
                          f"from d2l import {backend} as d2l")
    ns = {"__name__": "__main__"}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(sbs.compile_cells(src, f"sequence_{TABS[backend]}.py ({lib})"), ns)
    board = ns["model"].board
    val = board.last("val_loss") if hasattr(board, "last") else board.data["val_loss"][-1].y
    print(json.dumps({"fit": times["fit"], "val_loss": float(val), "patches": patches}))


def run(lib: str, backend: str, preload_dynamo: bool) -> dict:
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": "", "CUDA_VISIBLE_DEVICES": "",
           "JAX_PLATFORMS": "cpu", "TF_CPP_MIN_LOG_LEVEL": "2"}
    env.pop("D2LRNN_MAX_EPOCHS", None)
    args = [sys.executable, __file__, "--child", lib, backend] + (
        ["--preload-dynamo"] if preload_dynamo else [])
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(args, capture_output=True, text=True, cwd=tmp, env=env)
    if proc.returncode:
        raise RuntimeError(f"{lib} {backend}: {proc.stderr.strip()[-800:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--preload-dynamo", action="store_true")
    p.add_argument("--backends", nargs="+", default=list(TABS), choices=list(TABS))
    args = p.parse_args()
    if args.child:
        return child(*args.child, args.preload_dynamo)
    print("| framework | book fit s | d2lrnn fit s | ratio (median, range) | book val loss | "
          "d2lrnn val loss | book patches |")
    print("|---|---|---|---|---|---|---|")
    for backend in args.backends:
        rounds = []
        for r in range(args.rounds):
            order = ("book", "d2lrnn") if r % 2 == 0 else ("d2lrnn", "book")
            rounds.append({lib: run(lib, backend, args.preload_dynamo) for lib in order})
        ratios = [x["book"]["fit"] / x["d2lrnn"]["fit"] for x in rounds]
        med = lambda lib, k: statistics.median(x[lib][k] for x in rounds)  # noqa: B023
        print(f"| {backend} | {med('book', 'fit'):.3f} | {med('d2lrnn', 'fit'):.3f} | "
              f"{statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f}) | "
              f"{med('book', 'val_loss'):.4f} | {med('d2lrnn', 'val_loss'):.4f} | "
              f"{', '.join(rounds[0]['book']['patches'])} |", flush=True)


if __name__ == "__main__":
    main()

"""The book section's own code, tab by tab (``tests/book/<tab>_tab.py``: the reader's cells with
only the import line changed), run in full: 100 epochs unless ``--epochs`` caps them through
``D2LRNN_MAX_EPOCHS``. Each tab runs in a fresh process; prints wall time, seconds per epoch of
``trainer.fit``, the last epoch's perplexities and the tab's own ``predict`` output.

    python benchmarks/book_tabs.py [--backends mxnet torch] [--epochs 100]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TABS = {"torch": "pytorch_tab.py", "mxnet": "mxnet_tab.py", "tensorflow": "tensorflow_tab.py",
        "jax": "jax_tab.py"}

RUNNER = """
import contextlib, io, json, runpy, sys, time
out = io.StringIO()
start = time.perf_counter()
with contextlib.redirect_stdout(out):
    ns = runpy.run_path(sys.argv[1], run_name="__main__")
wall = time.perf_counter() - start
metrics = ns["trainer"].metrics
print(json.dumps({"wall_s": wall, "epochs": len(metrics),
                  "fit_s_per_epoch": sum(m["seconds"] for m in metrics) / len(metrics),
                  "train_ppl": metrics[-1].get("train_ppl"), "val_ppl": metrics[-1]["val_ppl"],
                  "printed": out.getvalue().strip().splitlines()[-1]}))
"""


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--backends", nargs="+", default=list(TABS), choices=list(TABS))
    p.add_argument("--epochs", type=int, default=100)
    args = p.parse_args()
    print("| tab | epochs | wall s | fit s/epoch | train ppl | val ppl | last line printed |")
    print("|---|---|---|---|---|---|---|")
    for backend in args.backends:
        with tempfile.TemporaryDirectory() as cwd:  # the tab may write files; keep them out
            env = {**os.environ, "D2LRNN_MAX_EPOCHS": str(args.epochs), "MPLBACKEND": "Agg"}
            proc = subprocess.run([sys.executable, "-c", RUNNER,
                                   os.path.join(ROOT, "tests", "book", TABS[backend])],
                                  capture_output=True, text=True, cwd=cwd, env=env)
        if proc.returncode != 0:
            print(f"| {backend} | failed: {proc.stderr.strip().splitlines()[-1]} |||||")
            continue
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        print(f"| {backend} | {r['epochs']} | {r['wall_s']:.1f} | {r['fit_s_per_epoch']:.3f} | "
              f"{r['train_ppl']:.3f} | {r['val_ppl']:.3f} | {r['printed']} |")


if __name__ == "__main__":
    main()

"""The modern chapter's full runs, as the book runs them: each section's transcribed cells
(tests/book/modern/<section>_<tab>.py, only the import line changed) with the book's epochs,
from d2l.seed(SEED), on each framework; one fresh process per run. Prints a markdown table of
every fit's last epoch and what the section prints last (the prediction, or the translations).

    python benchmarks/modern_runs.py [--sections lstm gru deep_rnn seq2seq]
                                     [--backends torch mxnet tensorflow jax] [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODERN = ROOT / "tests" / "book" / "modern"
TABS = {"torch": "pytorch", "mxnet": "mxnet", "tensorflow": "tensorflow", "jax": "jax"}

RUNNER = """
import importlib, json, runpy, sys
sys.path.insert(0, {book!r})
from run_section import record_fits
fits = record_fits()
importlib.import_module('d2lrnn.{backend}').seed({seed})
runpy.run_path({script!r}, run_name='__main__')
print('FITS ' + json.dumps(fits))
"""


def run(section: str, backend: str, seed: int) -> dict:
    script = MODERN / f"{section}_{TABS[backend]}.py"
    code = RUNNER.format(book=str(ROOT / "tests" / "book"), backend=backend, seed=seed,
                         script=str(script))
    env = {**os.environ, "MPLBACKEND": "Agg", "TF_CPP_MIN_LOG_LEVEL": "2",
           "PYTHONPATH": str(ROOT)}
    env.pop("D2LRNN_MAX_EPOCHS", None)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, cwd=ROOT / "runs" if (ROOT / "runs").is_dir() else ROOT)
    seconds = time.perf_counter() - start
    if proc.returncode:
        return {"error": proc.stderr.strip().splitlines()[-1], "seconds": seconds}
    lines = proc.stdout.strip().splitlines()
    fits = json.loads(lines[-1][len("FITS "):])
    shown = [line for line in lines[:-1] if line.strip()]
    return {"fits": [fit[-1] for fit in fits if fit], "shown": shown, "seconds": seconds}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sections", nargs="+", default=["lstm", "gru", "deep_rnn", "seq2seq"])
    p.add_argument("--backends", nargs="+", default=list(TABS), choices=list(TABS))
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    print("| section | backend | fits: last epoch (train / val) | last output | s |")
    print("|---|---|---|---|---|")
    for section in args.sections:
        for backend in args.backends:
            r = run(section, backend, args.seed)
            if "error" in r:
                print(f"| {section} | {backend} | error: {r['error']} | | {r['seconds']:.0f} |")
                continue
            fits = "; ".join(
                " / ".join(f"{f[k]:.3f}" for k in (f"train_{m}", f"val_{m}") if k in f)
                + f" ({m})" for f in r["fits"]
                for m in (["ppl"] if "train_ppl" in f else ["loss"]))
            shown = " ".join(r["shown"][-4:]) if section == "seq2seq" else (
                r["shown"][-1] if r["shown"] else "")
            print(f"| {section} | {backend} | {fits} | {shown} | {r['seconds']:.0f} |",
                  flush=True)


if __name__ == "__main__":
    main()

"""The older edition's seq2seq section at the book's 300 epochs, over seeds: its four
translations and their BLEU, with the edition's library (d2l 0.17.6) and with d2lrnn.classic.

    pip install --no-deps --target /tmp/d2l0176 d2l==0.17.6     # never into the project env
    python benchmarks/classic_seq2seq_bleu.py --seeds 0 1 2 3 4               # torch: both
    python benchmarks/classic_seq2seq_bleu.py --framework jax --seeds 0 1 2   # d2lrnn alone

The section's tab (tests/book/classic/seq2seq_<tab>.py) runs as classic_modern_bench.py runs it:
its cells with ``d2l`` bound to the library under test, the library's ``Seq2SeqEncoder`` and
``train_seq2seq``, the section's own decoder; then the section's last cells (its
``predict_seq2seq`` and the four sentences; d2lrnn's ``bleu``, which gives 0 where the book's
divides by zero, for a translation shorter than k words), as the reader runs them. Each run starts
from ``seed``: Python's, NumPy's and the framework's generators (torch: ``torch.manual_seed``,
for both libraries; the other frameworks: ``d2lrnn.classic.<fw>.seed``). Prints one line per
run and each library's mean BLEU over its runs (the book's printed PyTorch run: 0.86).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import re
import statistics
import sys
import tempfile
from typing import Any

import classic_bench as cb  # benchmarks/ is sys.path[0] when this file is run
import classic_modern_bench as cmb
import numpy as np

EPOCHS = 300
TRANSLATION = re.compile(r"^(.+) => (.*), bleu ([\d.]+)$", re.M)


def seeded(framework: str, ours: Any, seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    if framework == "torch":
        import torch
        torch.manual_seed(seed)
    else:
        ours.seed(seed)


def translate(tab: cmb.Tab, bleu: Any) -> list[tuple[str, str, float]]:
    """The section's cells after its training cell (its predict_seq2seq, the sentences), with
    ``bleu`` for the cell's own (the book's divides by zero when a translation is shorter
    than k words)."""
    _, cells = cmb.tab_cells(tab.path)
    last = cmb.MODELS["seq2seq"][1]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for n in sorted(c for c in cells if c > last):
            exec(compile(cells[n], tab.path, "exec"), tab.ns)
            tab.ns["bleu"] = bleu
    return [(eng, fra, float(b)) for eng, fra, b in TRANSLATION.findall(out.getvalue())]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lib", default="/tmp/d2l0176", help="folder d2l 0.17.6 is in")
    parser.add_argument("--framework", choices=list(cb.TABS), default="torch")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    args = parser.parse_args()
    os.environ.pop("D2LRNN_MAX_EPOCHS", None)
    sys.path.insert(0, cb.ROOT)
    import importlib
    ours = importlib.import_module(f"d2lrnn.classic.{args.framework}")
    os.chdir(tempfile.mkdtemp(prefix="classic_seq2seq_bleu_"))
    os.makedirs("run")
    os.chdir("run")  # the library's and the tab's ../data
    libraries: dict[str, Any] = {"d2lrnn": None}
    if args.framework in ("torch", "mxnet") and os.path.isdir(args.lib):
        lib = cb.import_library(args.lib, args.framework)
        cmb.serve_fra_eng_to_library(lib)
        libraries = {"library": lib, "d2lrnn": None}
        print("patches to the library:", *cb.PATCHES, sep="\n  ")
    print(f"{args.framework}: {args.epochs} epochs per run, seeds {args.seeds}", flush=True)
    tabs = {name: cmb.Tab("seq2seq", args.framework, lib) for name, lib in libraries.items()}
    means: dict[str, list[float]] = {name: [] for name in tabs}
    for seed in args.seeds:
        for name, tab in tabs.items():
            seeded(args.framework, ours, seed)
            seconds, speed, loss = tab.run(args.epochs)
            got = translate(tab, ours.bleu)
            mean = statistics.mean(b for _, _, b in got)
            means[name].append(mean)
            print(f"{name:8s} seed {seed}: loss {loss:.3f}, {seconds:.0f} s; " + "; ".join(
                f"{eng} => {fra} {b:.3f}" for eng, fra, b in got) + f"; mean BLEU {mean:.2f}",
                flush=True)
    for name, values in means.items():
        print(f"{name}: mean BLEU over seeds {statistics.mean(values):.2f} (runs: "
              f"{', '.join(f'{v:.2f}' for v in values)}; at least 0.86: "
              f"{sum(v >= 0.86 for v in values)} of {len(values)})")


if __name__ == "__main__":
    main()

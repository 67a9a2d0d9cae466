"""The older edition's chapter 9 (Modern RNNs) side by side with the edition's library d2l 0.17.6.

    pip install --no-deps --target /tmp/d2l0176 d2l==0.17.6     # never into the project env
    python benchmarks/classic_modern_bench.py [--lib /tmp/d2l0176] [--backend torch|mxnet]
        [--models gru lstm gru-scratch lstm-scratch seq2seq] [--epochs 3] [--rounds 3]
    python benchmarks/classic_modern_bench.py --frameworks [torch mxnet tensorflow jax]
        [--models ...] [--epochs 3] [--rounds 3]

Each model is its section's tab as transcribed under ``tests/book/classic/`` (``gru_pytorch.py``,
``lstm_pytorch.py``, ``seq2seq_pytorch.py``, ...), its cells run with ``d2l`` bound to the
library under test (the tab's own ``from d2lrnn.classic import ... as d2l`` line dropped):
- gru / lstm: cell 6, ``d2l.RNNModel(nn.GRU(len(vocab), 256), len(vocab))`` (``nn.LSTM``) on
  ``d2l.load_data_time_machine(32, 35)``, ``d2l.train_ch8(..., lr 1, ...)``;
- gru-scratch / lstm-scratch: cell 5, the section's ``get_params``, ``init_gru_state`` /
  ``init_lstm_state`` and ``gru`` / ``lstm`` (cells 2-4) through ``d2l.RNNModelScratch``;
- seq2seq: cell 12 (embed 32, 32 hidden, 2 layers, dropout 0.1, batch 64, 10 steps, lr 0.005)
  with the library's ``load_data_nmt``, ``Seq2SeqEncoder``, ``EncoderDecoder`` and
  ``train_seq2seq`` and the section's own ``Seq2SeqDecoder`` (cell 5).
The set-up (the cells before, the data) runs once per library and model; each run builds a
fresh model and trains it for ``--epochs`` (the book's 500 / 300 replaced), libraries in
alternating order per round in this one process, after a 1-epoch warm-up of each.

Timed: the whole ``train_ch8`` / ``train_seq2seq`` call (wall seconds: the predictions and
the Animator's figure every 10th epoch, drawn with matplotlib's Agg backend as readers run
it, are in it), and the tokens/s each prints, which is of the last epoch alone: for
``train_ch8`` in both libraries and for d2lrnn's ``train_seq2seq`` that excludes the figure;
the library's ``train_seq2seq`` stops its timer after ``animator.add``, so its last epoch
includes a figure when the epoch count is a multiple of 10. Not timed: imports, data, models'
construction. Printed: each run, medians, and the median per-round ratio d2lrnn / library of
tokens/s (>1: d2lrnn faster) and of wall time (library s / d2lrnn s).

``--backend mxnet``: the library's ``d2l/mxnet.py`` against d2lrnn.classic.mxnet from the
mxnet tabs, all five models (MXNet 1.9.1 imports under numpy 2 through d2lrnn's import hook,
installed in the project env; no patch beyond the ones below).

``--frameworks``: d2lrnn.classic's own ``train_ch8`` / ``train_seq2seq`` on each framework
from its tab (``d2l.Seq2SeqEncoder`` / ``d2l.train_seq2seq`` in place of the tab's cells' own),
each run in a fresh process, frameworks in rotating order per round; a table of tokens/s
(median) and time vs torch (the goal: TensorFlow and JAX within 1.5x of PyTorch's time).

The library's patches (printed at start): classic_bench's (stub ``torchvision`` / ``pandas``,
the Time Machine in its cache ``../data``), and its ``download_extract`` replaced by one that
returns ``../data/fra-eng`` holding the bundled ``fra.txt`` (SHA-1 checked, written by
d2lrnn.classic's ``download_extract('fra-eng')``): the book's sha1 is of a zip no public copy
matches, and nothing may touch the network.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import json
import os
import re
import statistics
import sys
import tempfile
import time
import types
from typing import Any

import classic_bench as cb  # benchmarks/ is sys.path[0] when this file is run

SCRIPT = os.path.abspath(__file__)
#: model -> (section, the cell that builds and trains it)
MODELS = {"gru": ("gru", 6), "lstm": ("lstm", 6), "gru-scratch": ("gru", 5),
          "lstm-scratch": ("lstm", 5), "seq2seq": ("seq2seq", 12)}
TRAIN_LINE = re.compile(r"^(_show\(\()?(d2l\.)?train_(ch8|seq2seq)\(.*$", re.M)
OWN_IMPORT = re.compile(r"^from d2lrnn\.classic import \w+ as d2l$", re.M)
PRINTED = re.compile(r"(perplexity|loss) ([\d.]+), ([\d.]+) tokens/sec")


def tab_cells(path: str) -> tuple[str, dict[int, str]]:
    """A transcribed tab: the text before its first cell, and cell number -> source."""
    with open(path, encoding="utf-8") as f:
        parts = re.split(r"^# %% cell (\d+)\n", f.read(), flags=re.M)
    return parts[0], {int(n): body for n, body in zip(parts[1::2], parts[2::2], strict=True)}


class Tab:
    """A model's section tab run with ``d2l`` bound to one library (None: the tab's own,
    d2lrnn.classic): the set-up cells once, then per ``run`` a fresh model and its training."""

    def __init__(self, model: str, framework: str, d2l: Any = None) -> None:
        section, cell = MODELS[model]
        self.path = os.path.join(cb.ROOT, "tests", "book", "classic",
                                 f"{section}_{cb.TABS[framework]}.py")
        preamble, cells = tab_cells(self.path)
        lines = cells[cell].splitlines(keepends=True)
        train = next(i for i, line in enumerate(lines) if TRAIN_LINE.match(line))
        data = max((i + 1 for i, line in enumerate(lines[:train]) if "load_data" in line),
                   default=0)
        setup = preamble + "".join(TRAIN_LINE.sub("", cells[n]) for n in range(1, cell))
        setup += "".join(lines[:data])
        module = types.ModuleType(f"bench_{section}_{framework}_{id(self)}")
        sys.modules[module.__name__] = module  # Flax's dataclasses look their module up
        self.ns: dict[str, Any] = module.__dict__
        if d2l is not None:
            self.ns["d2l"] = d2l
            setup = OWN_IMPORT.sub("", setup)
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(setup, self.path, "exec"), self.ns)
        assert d2l is None or self.ns["d2l"] is d2l, "the tab rebound d2l"
        d2l = self.ns["d2l"]
        for name in ("Seq2SeqEncoder", "train_seq2seq"):  # the library's, not the cells' own
            if name in self.ns:
                self.ns[name] = getattr(d2l, name)
        self.build = compile("".join(lines[data:train]), self.path, "exec")
        self.train = compile(lines[train], self.path, "exec")

    def run(self, epochs: int) -> tuple[float, float, float]:
        """A fresh model trained ``epochs`` epochs: (seconds, tokens/s printed, perplexity or
        loss printed)."""
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(self.build, self.ns)
            self.ns["num_epochs"] = epochs
            start = time.perf_counter()
            exec(self.train, self.ns)
            seconds = time.perf_counter() - start
        found = PRINTED.search(out.getvalue())
        if found is None:
            raise RuntimeError(f"{self.path}: no 'tokens/sec' line in {out.getvalue()!r}")
        return seconds, float(found.group(3)), float(found.group(2))


def serve_fra_eng_to_library(lib: Any) -> None:
    """The library's download_extract('fra-eng') checks the sha1 of the book's zip; give it
    ../data/fra-eng holding the bundled, checked fra.txt instead."""
    from d2lrnn.classic import nmt
    folder = os.path.abspath(nmt.download_extract("fra-eng"))

    def download_extract(name: str, folder_: str | None = None) -> str:
        assert name == "fra-eng", name
        return folder
    lib.download_extract = download_extract
    cb.PATCHES.append(f"download_extract('fra-eng') returns {folder} (the bundled fra.txt, "
                      "SHA-1 checked; no zip, no network)")


def side_by_side(args: argparse.Namespace) -> None:
    sys.path.insert(0, cb.ROOT)
    fw = args.backend
    ours = importlib.import_module(f"d2lrnn.classic.{fw}")
    lib = cb.import_library(args.lib, fw)
    cb.serve_corpus_to_library(tempfile.mkdtemp(prefix="classic_modern_bench_"))
    if "seq2seq" in args.models:
        serve_fra_eng_to_library(lib)
    print("patches to the library:", *cb.PATCHES, sep="\n  ")
    if fw == "torch":
        import torch
        print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; ", end="")
    print(f"{args.epochs} epochs per run, {args.rounds} rounds, alternating order", flush=True)
    for model in args.models:
        tabs = {"library": Tab(model, fw, lib), "d2lrnn": Tab(model, fw, ours)}
        for tab in tabs.values():
            tab.run(1)  # warm-up
        speeds: dict[str, list[float]] = {name: [] for name in tabs}
        walls: dict[str, list[float]] = {name: [] for name in tabs}
        speed_ratios, wall_ratios = [], []
        for r in range(args.rounds):
            order = list(tabs) if r % 2 == 0 else list(tabs)[::-1]
            for name in order:
                seconds, speed, value = tabs[name].run(args.epochs)
                speeds[name].append(speed)
                walls[name].append(seconds)
                print(f"  {model} round {r + 1} {name:8s}: {seconds:6.2f} s, "
                      f"{'loss' if model == 'seq2seq' else 'perplexity'} {value:g}, "
                      f"{speed:.1f} tokens/sec", flush=True)
            speed_ratios.append(speeds["d2lrnn"][-1] / speeds["library"][-1])
            wall_ratios.append(walls["library"][-1] / walls["d2lrnn"][-1])
        for name in tabs:
            print(f"{model} {name:8s}: median {statistics.median(speeds[name]):.1f} tokens/sec, "
                  f"{statistics.median(walls[name]):.2f} s per run")
        print(f"{model}: d2lrnn / library speed, median per-round ratio: tokens/s "
              f"{statistics.median(speed_ratios):.2f} (rounds: "
              f"{', '.join(f'{x:.2f}' for x in speed_ratios)}), wall time "
              f"{statistics.median(wall_ratios):.2f} (rounds: "
              f"{', '.join(f'{x:.2f}' for x in wall_ratios)})", flush=True)


def child(framework: str, model: str, epochs: int) -> None:
    """One run of d2lrnn.classic on one framework, in this fresh process; a JSON line."""
    sys.path.insert(0, cb.ROOT)
    seconds, speed, value = Tab(model, framework).run(epochs)
    print(json.dumps({"seconds": seconds, "speed": speed, "value": value}))


def frameworks_table(frameworks: list[str], models: list[str], epochs: int,
                     rounds: int) -> None:
    os.chdir(tempfile.mkdtemp(prefix="classic_modern_bench_"))  # the children write nothing here
    print(f"d2lrnn.classic on each framework from its tab, {epochs} epochs per run, a fresh "
          f"process each, {rounds} rounds in rotating order; tokens/s of the last epoch",
          flush=True)
    rows = []
    for model in models:
        speeds: dict[str, list[float]] = {fw: [] for fw in frameworks}
        walls: dict[str, list[float]] = {fw: [] for fw in frameworks}
        for r in range(rounds):
            order = frameworks[r % len(frameworks):] + frameworks[:r % len(frameworks)]
            for fw in order:
                got = cb.run_child(SCRIPT, fw, model, str(epochs))
                speeds[fw].append(got["speed"])
                walls[fw].append(got["seconds"])
                print(f"  {model} round {r + 1} {fw:10s}: {got['seconds']:6.2f} s, "
                      f"{'loss' if model == 'seq2seq' else 'perplexity'} {got['value']:g}, "
                      f"{got['speed']:.1f} tokens/sec", flush=True)
        base = statistics.median(speeds["torch"]) if "torch" in speeds else None
        for fw in frameworks:
            med = statistics.median(speeds[fw])
            vs = f"{base / med:.2f}x" if base else "-"
            rows.append(f"| {model} | {fw} | {med:,.0f} | {statistics.median(walls[fw]):.2f} "
                        f"| {vs} |")
    print("| model | framework | tokens/s (median) | s per run (median) | time vs torch |")
    print("|---|---|---|---|---|")
    print(*rows, sep="\n")


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        return child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    os.environ.pop("D2LRNN_MAX_EPOCHS", None)  # the runs' own epoch counts, uncapped
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lib", default="/tmp/d2l0176", help="folder d2l 0.17.6 is in")
    parser.add_argument("--backend", choices=["torch", "mxnet"], default="torch",
                        help="the library's module to compare, on that framework's tabs")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--models", nargs="+", choices=list(MODELS), default=list(MODELS))
    parser.add_argument("--frameworks", nargs="*", choices=list(cb.TABS),
                        help="time d2lrnn.classic on these frameworks instead (none named: "
                             "all four)")
    args = parser.parse_args()
    if args.frameworks is not None:
        return frameworks_table(args.frameworks or list(cb.TABS), args.models, args.epochs,
                                args.rounds)
    side_by_side(args)


if __name__ == "__main__":
    main()

"""The older edition's ``train_ch8`` side by side with the edition's own library (d2l 0.17.6).

    pip install --no-deps --target /tmp/d2l0176 d2l==0.17.6     # never into the project env
    python benchmarks/classic_bench.py --lib /tmp/d2l0176 [--epochs 3] [--rounds 3]

Runs the book's from-scratch model (the rnn-scratch cells' get_params / init_rnn_state / rnn,
512 hidden units, batch 32, 35 steps, sequential partitioning, max_tokens=10000) and the
concise model (nn.RNN with 256 hidden units) with each library's ``RNNModelScratch`` /
``RNNModel``, ``load_data_time_machine`` and ``train_ch8`` on PyTorch, in alternating rounds
within this one process, and prints tokens/s the way ``train_ch8`` prints them, the median
per-round ratio, the achieved GFLOP/s of the step's arithmetic and what a plain GEMM of the
recurrent shape (32x512 @ 512x512) reaches on this machine.

The library needs these patches to import and run on today's stack (printed at start): stub
modules for ``torchvision`` and ``pandas`` (not installed; the chapter never uses them), and its
``download`` finds the Time Machine in its cache folder ``../data`` (a copy of the bundled
file, same SHA-1), so it never touches the network.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.machinery
import io
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
import types

os.environ.setdefault("MPLBACKEND", "Agg")

PATCHES: list[str] = []


def import_library(path: str):
    for name in ("torchvision", "pandas"):
        try:
            __import__(name)
        except ImportError:
            stub = types.ModuleType(name)
            stub.__spec__ = importlib.machinery.ModuleSpec(name, None)
            if name == "torchvision":
                stub.transforms = types.ModuleType("torchvision.transforms")
                stub.transforms.__spec__ = importlib.machinery.ModuleSpec(
                    "torchvision.transforms", None)
                sys.modules["torchvision.transforms"] = stub.transforms
            sys.modules[name] = stub
            PATCHES.append(f"stub module {name!r} (not installed; unused by chapter 8)")
    sys.path.insert(0, path)
    from d2l import torch as lib
    sys.path.remove(path)
    return lib


def serve_corpus_to_library(workdir: str) -> None:
    """The library's download(name) looks in ../data first (SHA-1 checked there)."""
    from d2lrnn.core.text import bundled_corpus_path
    os.makedirs(os.path.join(workdir, "data"), exist_ok=True)
    os.makedirs(os.path.join(workdir, "run"), exist_ok=True)
    shutil.copy(bundled_corpus_path(), os.path.join(workdir, "data", "timemachine.txt"))
    os.chdir(os.path.join(workdir, "run"))
    PATCHES.append("the Time Machine placed in the library's cache ../data (no network)")


def book_scratch_fns(torch, d2l):
    """The rnn-scratch section's pytorch cells (get_params, init_rnn_state, rnn)."""
    def get_params(vocab_size, num_hiddens, device):
        num_inputs = num_outputs = vocab_size

        def normal(shape):
            return torch.randn(size=shape, device=device) * 0.01
        W_xh = normal((num_inputs, num_hiddens))
        W_hh = normal((num_hiddens, num_hiddens))
        b_h = torch.zeros(num_hiddens, device=device)
        W_hq = normal((num_hiddens, num_outputs))
        b_q = torch.zeros(num_outputs, device=device)
        params = [W_xh, W_hh, b_h, W_hq, b_q]
        for param in params:
            param.requires_grad_(True)
        return params

    def init_rnn_state(batch_size, num_hiddens, device):
        return (torch.zeros((batch_size, num_hiddens), device=device), )

    def rnn(inputs, state, params):
        W_xh, W_hh, b_h, W_hq, b_q = params
        H, = state
        outputs = []
        for X in inputs:
            H = torch.tanh(torch.mm(X, W_xh) + torch.mm(H, W_hh) + b_h)
            Y = torch.mm(H, W_hq) + b_q
            outputs.append(Y)
        return torch.cat(outputs, dim=0), (H,)
    return get_params, init_rnn_state, rnn


def run(d2l, torch, model: str, epochs: int) -> tuple[float, float, float]:
    """train_ch8 for ``epochs``; returns (seconds, tokens/s printed, perplexity printed)."""
    train_iter, vocab = d2l.load_data_time_machine(32, 35)
    device = d2l.try_gpu()
    if model == "scratch":
        get_params, init_rnn_state, rnn = book_scratch_fns(torch, d2l)
        net = d2l.RNNModelScratch(len(vocab), 512, device, get_params, init_rnn_state, rnn)
    else:
        net = d2l.RNNModel(torch.nn.RNN(len(vocab), 256), vocab_size=len(vocab)).to(device)
    out = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out):
        d2l.train_ch8(net, train_iter, vocab, 1, epochs, device)
    seconds = time.perf_counter() - start
    ppl, speed = re.search(r"perplexity ([\d.]+), ([\d.]+) tokens/sec", out.getvalue()).groups()
    return seconds, float(speed), float(ppl)


def flops_per_token(model: str, V: int = 28) -> float:
    H = 512 if model == "scratch" else 256
    return 3 * (2 * V * H + 2 * H * H + 2 * H * V)  # forward GEMMs; backward ~2x forward


def gemm_gflops(torch) -> float:
    A, W = torch.randn(32, 512), torch.randn(512, 512)
    for _ in range(50):
        torch.mm(A, W)
    n, start = 2000, time.perf_counter()
    for _ in range(n):
        torch.mm(A, W)
    return 2 * 32 * 512 * 512 * n / (time.perf_counter() - start) / 1e9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lib", default="/tmp/d2l0176", help="folder d2l 0.17.6 is in")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--models", nargs="+", default=["scratch", "concise"])
    args = parser.parse_args()
    import torch

    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from d2lrnn.classic import torch as ours
    lib = import_library(args.lib)
    serve_corpus_to_library(tempfile.mkdtemp(prefix="classic_bench_"))
    print("patches to the library:", *PATCHES, sep="\n  ")
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; "
          f"{args.epochs} epochs per run, {args.rounds} rounds, alternating order")
    gemm = gemm_gflops(torch)
    print(f"plain GEMM 32x512 @ 512x512: {gemm:.1f} GFLOP/s")
    for model in args.models:
        ratios, speeds = [], {"library": [], "d2lrnn": []}
        run(lib, torch, model, 1), run(ours, torch, model, 1)  # warm-up
        for r in range(args.rounds):
            order = [("library", lib), ("d2lrnn", ours)]
            if r % 2:
                order.reverse()
            result = {}
            for name, d2l in order:
                seconds, speed, ppl = run(d2l, torch, model, args.epochs)
                result[name] = speed
                speeds[name].append(speed)
                print(f"  {model} round {r + 1} {name:8s}: {seconds:6.2f} s, perplexity "
                      f"{ppl:.1f}, {speed:.1f} tokens/sec on {d2l.try_gpu()}")
            ratios.append(result["d2lrnn"] / result["library"])
        for name, values in speeds.items():
            med = statistics.median(values)
            print(f"{model} {name:8s}: median {med:.1f} tokens/sec, "
                  f"{med * flops_per_token(model) / 1e9:.1f} GFLOP/s")
        print(f"{model}: d2lrnn / library speed, median per-round ratio "
              f"{statistics.median(ratios):.2f} (rounds: "
              f"{', '.join(f'{x:.2f}' for x in ratios)})")


if __name__ == "__main__":
    main()

"""The older edition's ``train_ch8`` side by side with the edition's own library (d2l 0.17.6).

    pip install --no-deps --target /tmp/d2l0176 d2l==0.17.6     # never into the project env
    python benchmarks/classic_bench.py --lib /tmp/d2l0176 [--epochs 3] [--rounds 3]
    python benchmarks/classic_bench.py --frameworks [torch mxnet tensorflow jax] [--epochs 3]

Runs the book's from-scratch model (the rnn-scratch cells' get_params / init_rnn_state / rnn,
512 hidden units, batch 32, 35 steps, sequential partitioning, max_tokens=10000) and the
concise model (nn.RNN with 256 hidden units) with each library's ``RNNModelScratch`` /
``RNNModel``, ``load_data_time_machine`` and ``train_ch8`` on PyTorch, in alternating rounds
within this one process, and prints tokens/s the way ``train_ch8`` prints them, the median
per-round ratio, the achieved GFLOP/s of the step's arithmetic and what a plain GEMM of the
recurrent shape (32x512 @ 512x512) reaches on this machine.

``--frameworks``: d2lrnn.classic's own ``train_ch8`` on each framework for the book's
from-scratch model, each framework's tab as the transcriptions under ``tests/book/classic/``
write it (their cells up to ``RNNModelScratch``: data, ``get_params``, ``init_rnn_state``,
``rnn``; JAX: the project's JAX version), each run in a fresh process, frameworks in rotating
order per round; prints tokens/s of the last epoch the way ``train_ch8`` prints them and the
ratio to PyTorch's (the goal: TensorFlow and JAX within 1.5x of PyTorch's time).

The library needs these patches to import and run on today's stack (printed at start): stub
modules for ``torchvision`` and ``pandas`` (not installed; the chapter never uses them), and its
``download`` finds the Time Machine in its cache folder ``../data`` (a copy of the bundled
file, same SHA-1), so it never touches the network.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.machinery
import io
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import types

os.environ.setdefault("MPLBACKEND", "Agg")

PATCHES: list[str] = []


def import_library(path: str, backend: str = "torch"):
    """The library's ``d2l.<backend>`` module from ``path``, with stubs for what is missing."""
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
            PATCHES.append(f"stub module {name!r} (not installed; unused by chapters 8 and 9)")
    sys.path.insert(0, path)
    lib = importlib.import_module(f"d2l.{backend}")
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


# The book's run: batch 32, 35 steps, max_tokens=10000 -> 8 minibatches an epoch (sequential)
BATCH_SIZE, NUM_STEPS, BATCHES_PER_EPOCH = 32, 35, 8
TOKENS_PER_EPOCH = BATCH_SIZE * NUM_STEPS * BATCHES_PER_EPOCH  # 8,960

TABS = {"torch": "pytorch", "mxnet": "mxnet", "tensorflow": "tensorflow", "jax": "jax"}
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def framework_child(framework: str, epochs: int) -> None:
    """One framework's train_ch8 on the book's from-scratch model; prints a JSON line."""
    sys.path.insert(0, ROOT)
    path = os.path.join(ROOT, "tests", "book", "classic", f"rnn_scratch_{TABS[framework]}.py")
    with open(path, encoding="utf-8") as f:
        source = f.read()
    cut = source.index("class RNNModelScratch")  # the cells before the model class
    ns: dict = {"__name__": "__bench__"}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(source[:source.rindex("# %% cell", 0, cut)], path, "exec"), ns)
    d2l, vocab = ns["d2l"], ns["vocab"]
    if framework == "tensorflow":  # the TF tab's signatures: no device, a strategy
        import tensorflow as tf
        strategy = tf.distribute.OneDeviceStrategy(d2l.try_gpu()._device_name)
        with strategy.scope():
            net = d2l.RNNModelScratch(len(vocab), 512, ns["init_rnn_state"], ns["rnn"],
                                      ns["get_params"])
        where = strategy
    else:
        where = d2l.try_gpu()
        net = d2l.RNNModelScratch(len(vocab), 512, where, ns["get_params"],
                                  ns["init_rnn_state"], ns["rnn"])
    out = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out):
        d2l.train_ch8(net, ns["train_iter"], vocab, 1, epochs, where)
    seconds = time.perf_counter() - start
    ppl, speed = re.search(r"perplexity ([\d.]+), ([\d.]+) tokens/sec", out.getvalue()).groups()
    print(json.dumps({"seconds": seconds, "speed": float(speed), "ppl": float(ppl)}))


def child_env() -> dict[str, str]:
    """The children's environment: CPU only, headless, the whole run (no epoch cap)."""
    env = {**os.environ, "MPLBACKEND": "Agg", "CUDA_VISIBLE_DEVICES": "",
           "JAX_PLATFORMS": "cpu", "TF_CPP_MIN_LOG_LEVEL": "2"}
    env.pop("D2LRNN_MAX_EPOCHS", None)
    return env


def run_child(script: str, *args: str) -> dict:
    """``script --child *args`` in a fresh process; its last line of output, a JSON object."""
    proc = subprocess.run([sys.executable, script, "--child", *args], capture_output=True,
                          text=True, env=child_env())
    if proc.returncode:
        raise RuntimeError(f"{args[0]}: {proc.stderr.strip()[-800:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def frameworks_table(frameworks: list[str], epochs: int, rounds: int) -> None:
    speeds: dict[str, list[float]] = {f: [] for f in frameworks}
    ppls: dict[str, list[float]] = {f: [] for f in frameworks}
    print(f"d2lrnn.classic train_ch8, the book's from-scratch model (512 hidden, batch 32, "
          f"35 steps, sequential), {epochs} epochs per run, tokens/s of the last epoch")
    for r in range(rounds):
        order = frameworks[r % len(frameworks):] + frameworks[:r % len(frameworks)]
        for fw in order:
            got = run_child(os.path.abspath(__file__), fw, str(epochs))
            speeds[fw].append(got["speed"])
            ppls[fw].append(got["ppl"])
            print(f"  round {r + 1} {fw:10s}: perplexity {got['ppl']:.1f}, "
                  f"{got['speed']:.1f} tokens/sec ({got['seconds']:.1f} s with set-up)",
                  flush=True)
    base = statistics.median(speeds["torch"]) if "torch" in speeds else None
    print(f"| framework | tokens/s (median) | s/epoch ({TOKENS_PER_EPOCH:,} tokens) | GFLOP/s | "
          "time vs torch |")
    print("|---|---|---|---|---|")
    for fw in frameworks:
        med = statistics.median(speeds[fw])
        vs = f"{base / med:.2f}x" if base else "-"
        print(f"| {fw} | {med:,.0f} | {TOKENS_PER_EPOCH / med:.3f} | "
              f"{med * flops_per_token('scratch') / 1e9:.1f} | {vs} |")


def gemm_floor_s_per_epoch(torch, threads: int, B: int = BATCH_SIZE, V: int = 28,
                           H: int = 512,
                           steps_per_epoch: int = BATCHES_PER_EPOCH * NUM_STEPS) -> float:
    """Seconds an epoch's GEMMs alone take with ``threads`` threads: per time step, the
    reader's ``rnn`` does three (X W_xh, H W_hh, H W_hq) and autograd five for their
    gradients (dH from W_hq and W_hh; dW_hq, dW_hh, dW_xh). No library that runs the reader's
    per-step code through autograd can take less; the rest of a step is element-wise work,
    autograd's accumulation of each weight's 35 per-step gradients and per-op overhead."""
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        X, Hs, dZ, dY = (torch.randn(B, V), torch.randn(B, H), torch.randn(B, H),
                         torch.randn(B, V))
        W_xh, W_hh, W_hq = torch.randn(V, H), torch.randn(H, H), torch.randn(H, V)

        def one_step() -> None:
            torch.mm(X, W_xh), torch.mm(Hs, W_hh), torch.mm(Hs, W_hq)            # forward
            torch.mm(dY, W_hq.t()), torch.mm(dZ, W_hh.t())                       # dH
            torch.mm(Hs.t(), dY), torch.mm(Hs.t(), dZ), torch.mm(X.t(), dZ)      # dW
        for _ in range(30):
            one_step()
        best = math.inf
        for _ in range(5):  # the best of 5 repeats of 100 steps: the machine's floor
            start = time.perf_counter()
            for _ in range(100):
                one_step()
            best = min(best, (time.perf_counter() - start) / 100)
        return best * steps_per_epoch
    finally:
        torch.set_num_threads(before)


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        return framework_child(sys.argv[2], int(sys.argv[3]))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lib", default="/tmp/d2l0176", help="folder d2l 0.17.6 is in")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--models", nargs="+", default=["scratch", "concise"])
    parser.add_argument("--frameworks", nargs="*", choices=list(TABS),
                        help="time d2lrnn.classic's train_ch8 on these frameworks instead "
                             "(none named: all four)")
    args = parser.parse_args()
    if args.frameworks is not None:
        return frameworks_table(args.frameworks or list(TABS), args.epochs, args.rounds)
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
    threads = torch.get_num_threads()  # both libraries' train_ch8 run with torch's count
    floors = {n: gemm_floor_s_per_epoch(torch, n) for n in sorted({1, threads})}
    print("from-scratch model, the epoch's GEMMs alone (8 per time step, 280 steps): " + ", ".join(
        f"{sec:.3f} s with {n} thread(s)" for n, sec in floors.items()))
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
        if model == "scratch":
            lib_epoch = TOKENS_PER_EPOCH / statistics.median(speeds["library"])
            print(f"scratch: the library's epoch {lib_epoch:.3f} s; d2lrnn's GEMM floor "
                  f"{floors[threads]:.3f} s: no library running the reader's rnn can be "
                  f"more than {lib_epoch / floors[threads]:.2f}x faster here")
        print(f"{model}: d2lrnn / library speed, median per-round ratio "
              f"{statistics.median(ratios):.2f} (rounds: "
              f"{', '.join(f'{x:.2f}' for x in ratios)})")


if __name__ == "__main__":
    main()

"""The two MXNet 1.9 CPU kernels behind ``d2lrnn.mxnet.fast``, timed side by side in one run.

At the section's shape, (batch 1024, 32 hidden) float32, forward + backward under
``autograd.record()``, median microseconds:

  tanh:      np.tanh (libm, element by element)  vs  npx.activation tanh (oneDNN)
  bias add:  Z + b (backward: MXNet's reduce)    vs  Z + ones @ b[None] (backward: a GEMM)
  for scale: Z + Z (same-shape add), Z.sum(axis=0), ones @ Z

    python benchmarks/mxnet_kernels.py [--rows 1024] [--cols 32]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

# isort: off
import d2lrnn.mxnet  # noqa: F401  (the numpy 2 compatibility step, before mxnet)
from mxnet import autograd, np, npx
# isort: on


def median_us(fn: Callable[[], Any], backward: bool, rounds: int = 7, n: int = 50) -> float:
    def once() -> None:
        with autograd.record():
            y = fn()
        if backward:
            y.backward()

    for _ in range(10):
        once()
    npx.waitall()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(n):
            once()
        npx.waitall()
        times.append((time.perf_counter() - start) / n)
    return 1e6 * statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1024)
    parser.add_argument("--cols", type=int, default=32)
    args = parser.parse_args()
    n, m = args.rows, args.cols
    Z, b = np.random.normal(size=(n, m)), np.random.normal(size=(m,))
    for a in (Z, b):
        a.attach_grad()
    ones_col, ones_row = np.ones((n, 1)), np.ones((1, n))
    cases = {
        "np.tanh": lambda: np.tanh(Z),
        "oneDNN tanh (d2l.tanh)": lambda: npx.activation(Z, act_type="tanh"),
        "Z + b": lambda: Z + b,
        "Z + ones @ b[None] (d2lrnn)": lambda: Z + np.dot(ones_col, b.reshape(1, m)),
        "Z + Z": lambda: Z + Z,
        "Z.sum(axis=0)": lambda: Z.sum(axis=0),
        "ones @ Z": lambda: np.dot(ones_row, Z),
    }
    print(f"| ({n}, {m}) float32 | forward us | forward + backward us |")
    print("|---|---|---|")
    for name, fn in cases.items():
        print(f"| {name} | {median_us(fn, False):.0f} | {median_us(fn, True):.0f} |")


if __name__ == "__main__":
    main()

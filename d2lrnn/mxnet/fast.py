"""Two MXNet 1.9 CPU kernels the section leans on are slow; each has a fast twin that computes
the same values. Measured on (1024, 32) float32 arrays, forward + backward, on the 2-core CI class
(``python benchmarks/mxnet_kernels.py``):

* ``tanh``: ``np.tanh`` runs libm's scalar ``tanhf`` element by element (~0.7 ms); oneDNN's
  eltwise tanh, ``npx.activation(x, act_type="tanh")``, takes ~0.1 ms and agrees with it to
  1 ulp (float32 tanh is not correctly rounded in either library). ``d2l.tanh`` is the oneDNN
  one (the book's RNNScratch calls ``d2l.tanh``); ``np.tanh`` itself is unchanged.

* the gradient of a bias added by broadcasting, ``Z + b`` with ``Z`` (n, m) and ``b`` (m,):
  MXNet sums the incoming gradient over the n rows with its generic reduce kernel, ~6 ns per
  element (~0.53 ms for the add forward + backward); written as ``Z + ones((n, 1)) @ b[None]``,
  the same sum is a GEMM, ``ones((1, n)) @ g`` (~0.15 ms in all). The forward values are
  bit-identical (every element of the outer product is ``1.0 * b_j``, exact) and ``b``'s
  gradient is the same sum of the same n terms, in BLAS's order.

The second needs ``+`` itself to change, which only the Trainer may do: ``gemm_bias_grads()``
swaps ``mxnet.numpy.ndarray.__add__`` while a training step is recorded, for
CPU float arrays of matching dtype and a 2-D + 1-D broadcast over rows, and only while autograd
is recording on the calling thread; every other add goes to MXNet's own method. MXNet's own
method is back when the last step leaves, exceptions included. ``D2LRNN_MXNET_GEMM_BIAS=0``
turns it off.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

import numpy as onp
from mxnet import autograd, np, npx  # d2lrnn.mxnet.__init__ ran the compat step first

from d2lrnn import config

_FLOATS = (onp.dtype(onp.float32), onp.dtype(onp.float64))


def tanh(x: Any) -> Any:
    """tanh(x); oneDNN's kernel for float arrays (1 ulp from ``np.tanh``, ~6x faster)."""
    if isinstance(x, np.ndarray) and x.dtype in _FLOATS:
        return npx.activation(x, act_type="tanh")
    return np.tanh(x)


_ndarray = np.ndarray
_book_add = _ndarray.__add__
_ones: dict[tuple[int, Any, Any], Any] = {}  # (rows, ctx, dtype) -> ones((rows, 1))
_lock = threading.Lock()
_depth = 0


def _rows_plus_bias(Z: Any, b: Any) -> Any:
    """Z + b for Z (n, m), b (m,) on the CPU with the bias gradient as a GEMM, else None."""
    if not (isinstance(b, _ndarray) and b.ndim == 1 and Z.ndim == 2):
        return None
    n, m = Z.shape
    dtype = Z.dtype  # each attribute read is a call into MXNet: read once
    if n < 2 or b.shape[0] != m or dtype not in _FLOATS or b.dtype != dtype:
        return None
    ctx = Z.ctx
    if ctx.device_type != "cpu" or b.ctx != ctx or not autograd.is_recording():
        return None
    key = (n, ctx, dtype)
    ones = _ones.get(key)
    if ones is None:
        if len(_ones) > 32:
            _ones.clear()
        ones = _ones[key] = np.ones((n, 1), dtype=dtype, ctx=ctx)
    # (n, 1) @ (1, m) -> (n, m): b in every row, exactly; its backward is ones^T @ g
    return _book_add(Z, np.dot(ones, b.reshape(1, m)))


def _add(self: Any, other: Any) -> Any:
    # Z + b or b + Z (the same values: IEEE addition commutes)
    out = _rows_plus_bias(self, other)
    if out is None and isinstance(other, _ndarray):
        out = _rows_plus_bias(other, self)
    return _book_add(self, other) if out is None else out


def enabled() -> bool:
    """``D2LRNN_MXNET_GEMM_BIAS``: unset or ``1`` (on, the default) or ``0`` (off)."""
    return config.mxnet_gemm_bias()


@contextlib.contextmanager
def gemm_bias_grads() -> Iterator[None]:
    """While inside (any thread, nested or not), recorded CPU ``Z + b`` bias adds take their
    gradient by GEMM; MXNet's own ``__add__`` is back when the outermost one leaves."""
    global _depth
    if not enabled():
        yield
        return
    with _lock:
        if _depth == 0:
            _ndarray.__add__ = _add
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                _ndarray.__add__ = _book_add

"""The book's tensor aliases on MXNet's numpy interface (``npx.set_np()`` is in force). Random
initial values come from d2lrnn's seeded NumPy weight stream."""

from __future__ import annotations

from typing import Any

import numpy as onp

from d2lrnn.core import random as _random
from d2lrnn.mxnet.compat import import_mxnet

mx = import_mxnet()
from mxnet import np, npx  # noqa: E402

from d2lrnn.mxnet.fast import tanh  # noqa: E402, F401  (oneDNN's; see fast.py)

npx.set_np()

ones, zeros, tensor, arange = np.ones, np.zeros, np.array, np.arange
exp, log, sin, cos = np.exp, np.log, np.sin, np.cos
sigmoid = npx.sigmoid  # the modern chapter's gates
matmul, stack, concat, eye, abs = np.dot, np.stack, np.concatenate, np.eye, np.abs
linspace, meshgrid = np.linspace, np.meshgrid
int32, int64, float32 = onp.int32, onp.int64, onp.float32
argmax = lambda x, *args, **kwargs: x.argmax(*args, **kwargs)
reshape = lambda x, *args, **kwargs: x.reshape(*args, **kwargs)
reduce_sum = lambda x, *args, **kwargs: x.sum(*args, **kwargs)
reduce_mean = lambda x, *args, **kwargs: x.mean(*args, **kwargs)
astype = lambda x, *args, **kwargs: x.astype(*args, **kwargs)
transpose = lambda x, *args, **kwargs: x.T
swapaxes = lambda x, *args, **kwargs: np.swapaxes(x, *args, **kwargs)
expand_dims = np.expand_dims
size = lambda x, *args, **kwargs: x.size
numpy = lambda x, *args, **kwargs: x.asnumpy(*args, **kwargs)
to = lambda x, *args, **kwargs: x.as_in_ctx(*args, **kwargs)  # the seq2seq tab's d2l.to


def randn(*size: Any, ctx: Any = None, dtype: Any = onp.float32) -> Any:
    """Standard normal samples from the shared seeded NumPy stream."""
    return np.array(_random.randn(*size), dtype=dtype, ctx=ctx)


def normal(loc: float = 0.0, scale: float = 1.0, size: Any = None, ctx: Any = None) -> Any:
    return randn(size, ctx=ctx) * scale + loc


def rand(*size: Any, ctx: Any = None) -> Any:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    return np.array(_random.weights_rng().random(size).astype(onp.float32), ctx=ctx)

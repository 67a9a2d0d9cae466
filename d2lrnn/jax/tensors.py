"""The book's tensor aliases on JAX, and ``get_key``."""

from __future__ import annotations

from typing import Any

import jax
import numpy as np
from jax import numpy as jnp

from d2lrnn.core import random as _random

ones, zeros, tensor, arange = jnp.ones, jnp.zeros, jnp.array, jnp.arange
tanh, exp, log, sin, cos = jnp.tanh, jnp.exp, jnp.log, jnp.sin, jnp.cos
sigmoid = jax.nn.sigmoid  # the modern chapter's gates
matmul, stack, concat, eye, abs = jnp.matmul, jnp.stack, jnp.concatenate, jnp.eye, jnp.abs
linspace, meshgrid = jnp.linspace, jnp.meshgrid
int32, int64, float32 = jnp.int32, jnp.int64, jnp.float32
argmax = lambda x, *args, **kwargs: jnp.argmax(x, *args, **kwargs)
reduce_sum = lambda x, *args, **kwargs: x.sum(*args, **kwargs)
reduce_mean = lambda x, *args, **kwargs: x.mean(*args, **kwargs)
astype = lambda x, *args, **kwargs: x.astype(*args, **kwargs)
transpose = lambda x, *args, **kwargs: x.T
swapaxes = lambda x, *args, **kwargs: jnp.swapaxes(x, *args, **kwargs)
expand_dims = jnp.expand_dims
size = lambda x: x.size
numpy = lambda x, *args, **kwargs: np.asarray(x, *args, **kwargs)


def reshape(x: Any, *shape: Any) -> jax.Array:
    """``x.reshape(shape)``. One difference, so that the book's ``int(d2l.reshape(t, 1))``
    works: reshaping a one-element array to the bare integer 1 gives a 0-d array (JAX and
    numpy 2 refuse ``int()`` of a 1-element vector, which torch and MXNet allow)."""
    if len(shape) == 1 and isinstance(shape[0], int) and shape[0] == 1 and jnp.size(x) == 1:
        return jnp.reshape(x, ())
    return jnp.reshape(x, shape[0] if len(shape) == 1 else shape)


def normal_init(sigma: float):
    """A Flax initializer drawing N(0, sigma) from d2lrnn's seeded NumPy weight stream (so one
    seed gives the same weights as the other backends; the JAX key is not used)."""
    def init(key: Any, shape: Any, dtype: Any = jnp.float32) -> jax.Array:
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        return jnp.asarray(_random.randn(*shape), dtype) * jnp.asarray(sigma, dtype)
    return init


_key: list[Any] = []


def reset_key(seed: int) -> None:
    _key[:] = [jax.random.key(seed)]


def get_key() -> jax.Array:
    """A fresh PRNG key (split from one seeded by ``d2l.seed``)."""
    if not _key:
        reset_key(_random.framework_seed())
    _key[0], sub = jax.random.split(_key[0])
    return sub


def randn(*shape: Any, dtype: Any = jnp.float32) -> jax.Array:
    """Standard normal samples from the shared seeded NumPy stream (as ``d2l.randn`` on the
    other backends; no key needed)."""
    return jnp.asarray(_random.randn(*shape), dtype)


def rand(*shape: Any, dtype: Any = jnp.float32) -> jax.Array:
    """Uniform [0, 1) samples from the shared seeded NumPy stream."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return jnp.asarray(_random.weights_rng().random(shape), dtype)


def normal(shape: Any, mean: float = 0.0, stddev: float = 1.0,
           dtype: Any = jnp.float32) -> jax.Array:
    """Normal samples of ``shape`` (TensorFlow's argument order), from the shared stream."""
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    return jnp.asarray(_random.randn(*shape) * np.float32(stddev) + np.float32(mean), dtype)

"""The older edition's JAX tensor functions that differ from the current edition's aliases:
``normal(mean, std, shape)`` in PyTorch's argument order, ``randn`` and ``rand``, all from
d2lrnn's shared seeded NumPy stream."""

from __future__ import annotations

from typing import Any

import jax
import numpy as np
from jax import numpy as jnp

from d2lrnn.core.random import randn as _randn


def normal(mean: float, std: float, shape: Any) -> jax.Array:
    """N(mean, std) samples of ``shape`` from the shared seeded NumPy stream (so one seed
    gives the same weights as on the other frameworks)."""
    return jnp.asarray(_randn(shape)) * std + mean


def randn(*shape: Any) -> jax.Array:
    return jnp.asarray(_randn(*shape))


def rand(*shape: Any) -> jax.Array:
    from d2lrnn.core.random import weights_rng
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return jnp.asarray(weights_rng().random(shape).astype(np.float32))

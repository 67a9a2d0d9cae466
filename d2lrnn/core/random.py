"""One seed for every backend.

``seed(s)`` fixes two NumPy streams: the one initial weights are drawn from (``d2l.randn`` /
``d2l.normal`` on torch, MXNet and TensorFlow, and the initialisers of d2lrnn's JAX models) and
the one that shuffles training batches. Because both are NumPy, the same seed gives the same
weights and the same batch order on all four frameworks. Without a call to ``seed`` the streams
are seeded from the operating system, as the book's runs are.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

_state: dict[str, np.random.Generator] = {}
_seed: list[int | None] = [None]


def seed(s: int | None) -> None:
    """Reset the weight and data streams from ``s`` (an int), or from the OS when ``None``."""
    if s is not None and (not isinstance(s, (int, np.integer)) or isinstance(s, bool) or s < 0):
        raise TypeError(f"seed must be a non-negative integer or None; got {s!r}")
    _seed[0] = None if s is None else int(s)
    ss = np.random.SeedSequence(s)
    weights, data, framework = ss.spawn(3)
    _state["weights"] = np.random.Generator(np.random.PCG64(weights))
    _state["data"] = np.random.Generator(np.random.PCG64(data))
    _state["framework"] = np.random.Generator(np.random.PCG64(framework))


def backend_seed(reseed_framework: Callable[[int], Any], what: str) -> Callable[[int | None], None]:
    """A backend's ``d2l.seed``: reset the shared streams, then the framework's own generator
    (``reseed_framework`` receives a 31-bit integer drawn from the seed)."""
    def seed_backend(s: int | None) -> None:
        seed(s)
        reseed_framework(framework_seed())
    seed_backend.__name__ = "seed"
    seed_backend.__doc__ = f"One seed for initial weights, batch order and {what}."
    return seed_backend


def current_seed() -> int | None:
    return _seed[0]


def weights_rng() -> np.random.Generator:
    """The stream initial weights come from."""
    if "weights" not in _state:
        seed(None)
    return _state["weights"]


def data_rng() -> np.random.Generator:
    """The stream each new DataModule's shuffling generator is spawned from."""
    if "data" not in _state:
        seed(None)
    return _state["data"]


def framework_seed() -> int:
    """A 31-bit integer for a framework's own generator (dropout-free models barely use it)."""
    if "framework" not in _state:
        seed(None)
    return int(_state["framework"].integers(2**31 - 1))


def randn(*shape: int) -> np.ndarray:
    """Standard normal float32 samples from the weight stream, ``shape`` as ints or one tuple."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return weights_rng().standard_normal(shape).astype(np.float32)

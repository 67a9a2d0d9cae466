"""Devices on JAX: ``Trainer(num_gpus=1)`` on a machine without a GPU trains on the CPU."""

from __future__ import annotations

import jax


def cpu() -> jax.Device:
    return jax.devices("cpu")[0]


def _gpus() -> list[jax.Device]:
    try:
        return jax.devices("gpu")
    except RuntimeError:  # no GPU backend in this jaxlib
        return []


def gpu(i: int = 0) -> jax.Device:
    gpus = _gpus()
    if i >= len(gpus):
        raise ValueError(f"gpu({i}): this machine has {len(gpus)} GPU(s) JAX can use")
    return gpus[i]


def num_gpus() -> int:
    return len(_gpus())


def try_gpu(i: int = 0) -> jax.Device:
    """GPU i if it exists, else the CPU."""
    gpus = _gpus()
    return gpus[i] if i < len(gpus) else cpu()


def try_all_gpus() -> list[jax.Device]:
    return _gpus()

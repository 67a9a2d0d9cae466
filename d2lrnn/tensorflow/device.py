"""Devices on TensorFlow: device scopes (``with d2l.try_gpu(): ...``), as the book's tab uses
them; ``Trainer(num_gpus=1)`` on a machine without a GPU trains on the CPU."""

from __future__ import annotations

from typing import Any

import tensorflow as tf


def num_gpus() -> int:
    return len(tf.config.list_physical_devices("GPU"))


def cpu() -> Any:
    return tf.device("/CPU:0")


def gpu(i: int = 0) -> Any:
    return tf.device(f"/GPU:{i}")


def try_gpu(i: int = 0) -> Any:
    """A device scope: ``with d2l.try_gpu(): ...`` (GPU i if it exists, else the CPU)."""
    return gpu(i) if num_gpus() >= i + 1 else cpu()


def try_all_gpus() -> list[Any]:
    return [gpu(i) for i in range(num_gpus())]

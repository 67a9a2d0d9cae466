"""Devices on MXNet: ``Trainer(num_gpus=1)`` on a machine without a GPU trains on the CPU."""

from __future__ import annotations

from typing import Any

from d2lrnn.mxnet.tensors import mx


def cpu() -> Any:
    return mx.cpu()


def gpu(i: int = 0) -> Any:
    return mx.gpu(i)


def num_gpus() -> int:
    try:
        return mx.context.num_gpus()
    except mx.base.MXNetError:  # a CPU-only build
        return 0


def try_gpu(i: int = 0) -> Any:
    """GPU i if it exists, else the CPU."""
    return gpu(i) if num_gpus() >= i + 1 else cpu()


def try_all_gpus() -> list[Any]:
    return [gpu(i) for i in range(num_gpus())]

"""Devices: ``Trainer(num_gpus=1)`` on a machine without a GPU trains on the CPU."""

from __future__ import annotations

import torch


def cpu() -> torch.device:
    return torch.device("cpu")


def gpu(i: int = 0) -> torch.device:
    return torch.device(f"cuda:{i}")


def num_gpus() -> int:
    return torch.cuda.device_count()


def try_gpu(i: int = 0) -> torch.device:
    """GPU i if it exists, else the CPU."""
    return gpu(i) if num_gpus() >= i + 1 else cpu()


def try_all_gpus() -> list[torch.device]:
    return [gpu(i) for i in range(num_gpus())]

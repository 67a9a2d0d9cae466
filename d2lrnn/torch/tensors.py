"""The book's tensor aliases on PyTorch. Random initial values come from d2lrnn's seeded NumPy
weight stream, so one seed gives the same weights on every backend."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from d2lrnn.core import random as _random

ones, zeros, tensor, arange = torch.ones, torch.zeros, torch.tensor, torch.arange
tanh, exp, log, sin, cos = torch.tanh, torch.exp, torch.log, torch.sin, torch.cos
sigmoid = torch.sigmoid  # the modern chapter's gates
matmul, stack, concat, eye, abs = torch.matmul, torch.stack, torch.cat, torch.eye, torch.abs
linspace, meshgrid = torch.linspace, torch.meshgrid
int32, int64, float32 = torch.int32, torch.int64, torch.float32

argmax = lambda x, *args, **kwargs: x.argmax(*args, **kwargs)
reshape = lambda x, *args, **kwargs: x.reshape(*args, **kwargs)
reduce_sum = lambda x, *args, **kwargs: x.sum(*args, **kwargs)
reduce_mean = lambda x, *args, **kwargs: x.mean(*args, **kwargs)
astype = lambda x, *args, **kwargs: x.type(*args, **kwargs)
transpose = lambda x, *args, **kwargs: x.t(*args, **kwargs)
expand_dims = lambda x, *args, **kwargs: x.unsqueeze(*args, **kwargs)
size = lambda x, *args, **kwargs: x.numel(*args, **kwargs)
numpy = lambda x, *args, **kwargs: x.detach().cpu().numpy(*args, **kwargs)
to = lambda x, *args, **kwargs: x.to(*args, **kwargs)
swapaxes = lambda x, *args, **kwargs: x.swapaxes(*args, **kwargs)


def randn(*size: Any, device: Any = None, dtype: Any = torch.float32) -> torch.Tensor:
    """Standard normal samples, drawn from the shared seeded NumPy stream."""
    return torch.from_numpy(_random.randn(*size)).to(device=device, dtype=dtype)


def normal(mean: float, std: float, size: Any, **kwargs: Any) -> torch.Tensor:
    """``torch.normal(mean, std, size)`` from the shared stream."""
    return randn(size, **kwargs) * std + mean


def rand(*size: Any, device: Any = None, dtype: Any = torch.float32) -> torch.Tensor:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    values = _random.weights_rng().random(size).astype(np.float32)
    return torch.from_numpy(values).to(device=device, dtype=dtype)


def one_hot_float(indices: torch.Tensor, num_classes: int) -> torch.Tensor:
    """``F.one_hot(indices, num_classes).type(torch.float32)``, written straight into float32
    (no int64 one-hot and no copy: ~3x faster for the book's (32, 1024) batch)."""
    idx = indices.long().unsqueeze(-1)
    out = torch.zeros(idx.shape[:-1] + (num_classes,), device=indices.device)
    return out.scatter_(-1, idx, 1.0)

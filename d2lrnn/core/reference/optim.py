"""Gradient clipping and optimisers on dicts of arrays {name: array}, float64. None of them
changes its arguments."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from d2lrnn.core.reference.cells import Params


def grad_norm(grads: Params) -> float:
    """||g||: the L2 norm over all parameters together."""
    return math.sqrt(sum(float((g ** 2).sum()) for g in grads.values()))


def clip_gradients(grads: Params, grad_clip_val: float) -> Params:
    """The book's rule: g <- min(1, theta / ||g||) g, with ||g|| over all parameters."""
    norm = grad_norm(grads)
    if norm > grad_clip_val:
        return {k: g * (grad_clip_val / norm) for k, g in grads.items()}
    return dict(grads)


def sgd_step(params: Params, grads: Params, lr: float) -> Params:
    """p <- p - lr g (the book's SGD), as float64."""
    return {k: np.asarray(params[k], np.float64) - lr * grads[k] for k in params}


def adam_init(params: Params) -> dict[str, Any]:
    """Adam's state: the step count and the first and second moments, zero."""
    zeros = {k: np.zeros(np.shape(v)) for k, v in params.items()}
    return {"step": 0, "m": zeros, "v": {k: z.copy() for k, z in zeros.items()}}


def adam_step(params: Params, grads: Params, state: dict[str, Any], lr: float,
              b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8
              ) -> tuple[Params, dict[str, Any]]:
    """One step of Adam with bias correction, torch.optim.Adam's and optax.adam's defaults:
    m <- b1 m + (1 - b1) g,  v <- b2 v + (1 - b2) g^2,  t <- t + 1,
    p <- p - lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps).  Returns (params, state)."""
    t = state["step"] + 1
    m = {k: b1 * state["m"][k] + (1 - b1) * grads[k] for k in params}
    v = {k: b2 * state["v"][k] + (1 - b2) * grads[k] ** 2 for k in params}
    new = {k: np.asarray(params[k], np.float64)
           - lr * (m[k] / (1 - b1 ** t)) / (np.sqrt(v[k] / (1 - b2 ** t)) + eps)
           for k in params}
    return new, {"step": t, "m": m, "v": v}

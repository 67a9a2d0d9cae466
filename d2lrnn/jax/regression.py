"""The book's concise ``LinearRegression`` on JAX: a Flax ``nn.Dense(1)`` (kernel from
N(0, 0.01)), the mean of ``optax.l2_loss`` (a plain scalar loss, no aux) and ``optax.sgd``."""

from __future__ import annotations

from typing import Any

import optax
from flax import linen as nn

from d2lrnn.jax.module import Module


class LinearRegression(Module):
    """The linear regression model implemented with high-level APIs."""

    lr: float

    def setup(self) -> None:
        self.net = nn.Dense(1, kernel_init=nn.initializers.normal(0.01))

    def forward(self, X: Any) -> Any:
        return self.net(X)

    def loss(self, params: Any, X: Any, y: Any, state: Any) -> Any:
        y_hat = state.apply_fn({"params": params}, *X)
        return optax.l2_loss(y_hat, y).mean()

    def get_w_b(self, state: Any) -> tuple[Any, Any]:
        net = state.params["net"]
        return net["kernel"], net["bias"]

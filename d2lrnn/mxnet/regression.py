"""The book's concise ``LinearRegression`` on MXNet: ``gluon.nn.Dense(1)`` initialised from
N(0, 0.01), ``gluon.loss.L2Loss`` averaged, and ``gluon.Trainer`` with SGD."""

from __future__ import annotations

from typing import Any

from mxnet import gluon, init  # d2lrnn.mxnet.__init__ ran the compat step first

from d2lrnn.core.checks import positive_number
from d2lrnn.mxnet.module import Module


class LinearRegression(Module):
    """The linear regression model implemented with high-level APIs."""

    def __init__(self, lr: float) -> None:
        positive_number("lr", lr)
        super().__init__()
        self.save_hyperparameters()
        self.net = gluon.nn.Dense(1)
        self.net.initialize(init.Normal(sigma=0.01))

    def forward(self, X: Any) -> Any:
        return self.net(X)

    def loss(self, y_hat: Any, y: Any) -> Any:
        return gluon.loss.L2Loss()(y_hat, y).mean()

    def configure_optimizers(self) -> gluon.Trainer:
        return gluon.Trainer(self.collect_params(), "sgd", {"learning_rate": self.lr})

    def get_w_b(self) -> tuple[Any, Any]:
        return (self.net.weight.data(), self.net.bias.data())

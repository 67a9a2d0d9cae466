"""The book's concise ``LinearRegression`` on PyTorch: ``nn.LazyLinear(1)`` (weights from
N(0, 0.01), bias 0, set when the layer learns its input size), ``nn.MSELoss`` and
SGD (``torch.optim.SGD``'s update)."""

from __future__ import annotations

import torch
from torch import nn

from d2lrnn.core.checks import positive_number
from d2lrnn.torch.module import SGD, Module


class _NormalLazyLinear(nn.LazyLinear):
    """``nn.LazyLinear`` whose weights, once materialised, are N(0, 0.01) and its bias 0 (the
    book sets them this way; the lazy layer would otherwise overwrite them on first use)."""

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.in_features != 0:
            with torch.no_grad():
                self.weight.normal_(0, 0.01)
                self.bias.fill_(0)


class LinearRegression(Module):
    """The linear regression model implemented with high-level APIs."""

    def __init__(self, lr: float) -> None:
        positive_number("lr", lr)
        super().__init__()
        self.save_hyperparameters()
        self.net = _NormalLazyLinear(1)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return self.net(X)

    def loss(self, y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return nn.functional.mse_loss(y_hat, y)

    def configure_optimizers(self) -> SGD:
        return SGD(self.parameters(), self.lr)  # torch.optim.SGD's numbers (module.py)

    def get_w_b(self) -> tuple[torch.Tensor, torch.Tensor]:
        return (self.net.weight.data, self.net.bias.data)

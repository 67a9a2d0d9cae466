"""``Module``, ``Classifier`` and the data modules on PyTorch (the book's API)."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from d2lrnn import core
from d2lrnn.core import data as core_data
from d2lrnn.core import module as core_module
from d2lrnn.core import params as core_params


class Module(nn.Module, core_module.Module):
    """The base class of models: an ``nn.Module`` with the book's plotting protocol."""

    def __init__(self, plot_train_per_epoch: int = 2, plot_valid_per_epoch: int = 1) -> None:
        super().__init__()
        self.save_hyperparameters()
        self.board = self.new_board()

    def detach(self, value: Any) -> Any:
        return value.detach() if torch.is_tensor(value) else value

    def loss(self, y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        if not hasattr(self, "net"):
            raise NotImplementedError(f"{type(self).__name__} has no self.net: define it in "
                                      "__init__ (or override forward)")
        return self.net(X)

    def configure_optimizers(self) -> torch.optim.Optimizer:
        return torch.optim.SGD(self.parameters(), self.lr)


class Classifier(core_module.ClassifierSteps, Module):
    """A Module with the cross-entropy loss and accuracy."""

    def accuracy(self, Y_hat: torch.Tensor, Y: torch.Tensor, averaged: bool = True
                 ) -> torch.Tensor:
        Y_hat = Y_hat.reshape((-1, Y_hat.shape[-1]))
        compare = (Y_hat.argmax(axis=1).type(Y.dtype) == Y.reshape(-1)).type(torch.float32)
        return compare.mean() if averaged else compare

    def loss(self, Y_hat: torch.Tensor, Y: torch.Tensor, averaged: bool = True) -> torch.Tensor:
        Y_hat = Y_hat.reshape((-1, Y_hat.shape[-1]))
        Y = Y.reshape((-1,))
        return F.cross_entropy(Y_hat, Y, reduction="mean" if averaged else "none")


class DataModule(core_data.DataModule):
    def to_tensor(self, array: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(array)  # int64 indices, no copy


class TimeMachine(core.TimeMachine, DataModule):
    """The book's Time Machine data, as int64 torch tensors."""


def get_params(model: nn.Module) -> dict[str, np.ndarray]:
    """The model's parameters as float32 NumPy arrays under canonical names (W_xh, ..., b_q)."""
    return core_params.canonical(
        (name, p.detach().cpu().numpy().copy()) for name, p in model.named_parameters())


def set_params(model: nn.Module, params: dict[str, Any]) -> None:
    """Copy NumPy arrays (canonical names, exact shapes) into the model's parameters."""
    current = core_params.canonical(model.named_parameters())
    arrays = core_params.check_params({k: tuple(p.shape) for k, p in current.items()}, params)
    with torch.no_grad():
        for k, p in current.items():
            p.copy_(torch.from_numpy(arrays[k]))

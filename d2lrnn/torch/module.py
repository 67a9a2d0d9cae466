"""``Module``, ``Classifier`` and the data modules on PyTorch (the book's API)."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from d2lrnn.core import data as core_data
from d2lrnn.core import layer_map
from d2lrnn.core import module as core_module
from d2lrnn.core import nmt as core_nmt
from d2lrnn.core import params as core_params
from d2lrnn.torch.layer_map import table_for


class SGD:
    """Minibatch SGD, ``param <- param - lr * grad``, with torch.optim.SGD's interface and its
    very kernel (``add_(grad, alpha=-lr)``: the same numbers), but without its first-use cost:
    constructing a ``torch.optim`` optimizer imports ``torch._dynamo`` (1-4 s per process here,
    more than the sequence section's whole training)."""

    def __init__(self, params: Any, lr: float) -> None:
        self.params = [p for p in params]
        self.lr = float(lr)

    @torch.no_grad()
    def step(self) -> None:
        for param in self.params:
            if param.grad is not None:
                param.add_(param.grad, alpha=-self.lr)

    def zero_grad(self, set_to_none: bool = True) -> None:
        for param in self.params:
            if set_to_none:
                param.grad = None
            elif param.grad is not None:
                param.grad.zero_()


class Module(nn.Module, core_module.Module):
    """The base class of models: an ``nn.Module`` with the book's plotting protocol."""

    def __init__(self, plot_train_per_epoch: int = 2, plot_valid_per_epoch: int = 1) -> None:
        super().__init__()
        self.save_hyperparameters()
        self.board = self.new_board()

    def detach(self, value: Any) -> Any:
        return value.detach() if torch.is_tensor(value) else value

    def parameter(self, value: torch.Tensor, name: str) -> nn.Parameter:
        """A trainable parameter holding ``value`` (the scratch models' ``nn.Parameter``)."""
        return nn.Parameter(value)

    def loss(self, y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        if not hasattr(self, "net"):
            raise NotImplementedError(f"{type(self).__name__} has no self.net: define it in "
                                      "__init__ (or override forward)")
        return self.net(X)

    def configure_optimizers(self) -> SGD:
        return SGD(self.parameters(), self.lr)


class Classifier(core_module.ClassifierSteps, Module):
    """A Module with the cross-entropy loss and accuracy."""

    def accuracy(self, Y_hat: torch.Tensor, Y: torch.Tensor, averaged: bool = True
                 ) -> torch.Tensor:
        Y_hat = Y_hat.reshape((-1, Y_hat.shape[-1]))
        compare = (Y_hat.argmax(axis=1).type(Y.dtype) == Y.reshape(-1)).type(torch.float32)
        return compare.mean() if averaged else compare

    def loss(self, Y_hat: torch.Tensor, Y: torch.Tensor, averaged: bool = True) -> torch.Tensor:
        if averaged and _time_major_in_memory(Y_hat):
            # (batch, steps, vocab) logits stored time-major (the concise RNNLM swaps its
            # Linear's output): the mean over tokens taken in memory order is the same mean,
            # without copying the logits here and their gradient on the way back
            Y_hat, Y = Y_hat.transpose(0, 1), Y.transpose(0, 1)
        Y_hat = Y_hat.reshape((-1, Y_hat.shape[-1]))
        Y = Y.reshape((-1,))
        return F.cross_entropy(Y_hat, Y, reduction="mean" if averaged else "none")


def _time_major_in_memory(Y_hat: torch.Tensor) -> bool:
    return (Y_hat.dim() == 3 and not Y_hat.is_contiguous()
            and Y_hat.transpose(0, 1).is_contiguous())


class DataModule(core_data.DataModule):
    def to_numpy(self, tensor: Any) -> np.ndarray:
        if torch.is_tensor(tensor):  # also tensors that require grad or live on a GPU
            return tensor.detach().cpu().numpy()
        return np.asarray(tensor)

    def to_tensor(self, array: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(array)  # int64 indices, no copy


TimeMachine = core_data.time_machine_class(
    DataModule, __name__, "The book's Time Machine data, as int64 torch tensors.")
MTFraEng = core_nmt.mt_fra_eng_class(
    DataModule, __name__, "The English-French dataset, as int64 torch tensors.")


def _named(model: nn.Module) -> list[tuple[str, nn.Parameter]]:
    if any(isinstance(p, nn.parameter.UninitializedParameter) for p in model.parameters()) \
            and callable(getattr(model, "materialize", None)):
        model.materialize()  # LazyLinear: create the weights first
    return list(model.named_parameters())


def get_params(model: nn.Module) -> dict[str, np.ndarray]:
    """The model's parameters as float32 NumPy arrays under canonical names (W_xh, ..., b_q);
    framework layers' weights through the backend's layer map for the model's family."""
    return layer_map.to_canonical(
        ((name, p.detach().cpu().numpy()) for name, p in _named(model)), table_for(model))


def set_params(model: nn.Module, params: dict[str, Any]) -> None:
    """Copy NumPy arrays (canonical names, exact shapes) into the model's parameters."""
    named = _named(model)
    table = table_for(model)
    expected = layer_map.canonical_shapes(((n, tuple(p.shape)) for n, p in named), table)
    arrays = core_params.check_params(expected, params)
    values = layer_map.to_framework(arrays, [n for n, _ in named], table)
    with torch.no_grad():
        for n, p in named:
            p.copy_(torch.from_numpy(values[n]))

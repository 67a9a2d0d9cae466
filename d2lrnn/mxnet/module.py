"""``Module``, ``Classifier``, ``SGD`` and data on MXNet (Gluon Blocks, numpy interface).

Scratch models keep their parameters as plain ``np.ndarray`` attributes with ``attach_grad()``;
``get_scratch_params()`` finds them (also in sub-modules) and ``parameters()`` returns them when
the model has no Gluon parameters, as in the book.
"""

from __future__ import annotations

from typing import Any

import numpy as onp
from mxnet import gluon, np, npx  # d2lrnn.mxnet.__init__ ran the compat step first

from d2lrnn import core
from d2lrnn.core import data as core_data
from d2lrnn.core import module as core_module
from d2lrnn.core import params as core_params
from d2lrnn.core.hparams import HyperParameters
from d2lrnn.mxnet.tensors import mx


class SGD(HyperParameters):
    """Minibatch SGD on scratch parameters: ``param -= lr * param.grad``."""

    def __init__(self, params: list[Any], lr: float) -> None:
        self.save_hyperparameters()

    def step(self, _: Any = None) -> None:
        for param in self.params:
            param -= self.lr * param.grad


class Module(gluon.nn.Block, core_module.Module):
    """The base class of models: a Gluon Block with the book's plotting protocol."""

    def __init__(self, plot_train_per_epoch: int = 2, plot_valid_per_epoch: int = 1) -> None:
        super().__init__()
        self.save_hyperparameters()
        self.board = self.new_board()

    def detach(self, value: Any) -> Any:
        return value.detach() if isinstance(value, np.ndarray) else value

    def loss(self, y_hat: Any, y: Any) -> Any:
        raise NotImplementedError

    def forward(self, X: Any) -> Any:
        if not hasattr(self, "net"):
            raise NotImplementedError(f"{type(self).__name__} has no self.net: define it in "
                                      "__init__ (or override forward)")
        return self.net(X)

    def named_scratch_params(self, prefix: str = "") -> list[tuple[str, Any]]:
        """(name, array) of every ndarray attribute, sub-modules included, in ``dir`` order."""
        named = []
        for attr in dir(self):
            if attr.startswith("_") or attr in ("params", "trainer", "board"):
                continue
            a = getattr(self, attr, None)
            if isinstance(a, np.ndarray):
                named.append((prefix + attr, a))
            elif isinstance(a, Module):
                named.extend(a.named_scratch_params(prefix + attr + "."))
            elif isinstance(a, (list, tuple)):  # e.g. a stack of layers: 'layers.0.W_xh'
                for i, elem in enumerate(a):
                    if isinstance(elem, Module):
                        named.extend(elem.named_scratch_params(f"{prefix}{attr}.{i}."))
        return named

    def get_scratch_params(self) -> list[Any]:
        return [a for _, a in self.named_scratch_params()]

    def parameters(self) -> Any:
        params = self.collect_params()
        return params if len(params.keys()) else self.get_scratch_params()

    def configure_optimizers(self) -> Any:
        params = self.parameters()
        if isinstance(params, list):
            return SGD(params, self.lr)
        return gluon.Trainer(params, "sgd", {"learning_rate": self.lr})


class Classifier(core_module.ClassifierSteps, Module):
    """A Module with the cross-entropy loss and accuracy."""

    def accuracy(self, Y_hat: Any, Y: Any, averaged: bool = True) -> Any:
        Y_hat = Y_hat.reshape((-1, Y_hat.shape[-1]))
        compare = (Y_hat.argmax(axis=1).astype(Y.dtype) == Y.reshape(-1)).astype(onp.float32)
        return compare.mean() if averaged else compare

    def loss(self, Y_hat: Any, Y: Any, averaged: bool = True) -> Any:
        # log-softmax cross-entropy, numerically as gluon.loss.SoftmaxCrossEntropyLoss
        Y_hat = Y_hat.reshape((-1, Y_hat.shape[-1]))
        Y = Y.reshape((-1,))
        l = -npx.pick(npx.log_softmax(Y_hat, axis=-1), Y, axis=-1)
        return l.mean() if averaged else l


class DataModule(core_data.DataModule):
    def to_tensor(self, array: onp.ndarray) -> Any:
        return np.array(array, dtype=onp.int32 if array.dtype.kind in "iu" else array.dtype)


class TimeMachine(core.TimeMachine, DataModule):
    """The book's Time Machine data, as int32 MXNet arrays."""


def get_params(model: Module) -> dict[str, onp.ndarray]:
    """The model's scratch parameters as float32 NumPy arrays under canonical names."""
    return core_params.canonical((n, a.asnumpy().copy()) for n, a in
                                 model.named_scratch_params())


def set_params(model: Module, params: dict[str, Any]) -> None:
    """Write NumPy arrays into the scratch parameters in place (their gradients stay
    attached)."""
    current = core_params.canonical(model.named_scratch_params())
    arrays = core_params.check_params({k: tuple(a.shape) for k, a in current.items()}, params)
    for k, a in current.items():
        a[:] = np.array(arrays[k], ctx=a.ctx)


__all__ = ["Classifier", "DataModule", "Module", "SGD", "TimeMachine", "get_params",
           "set_params", "mx"]

"""``Module``, ``Classifier``, ``SGD`` and data on MXNet (Gluon Blocks, numpy interface).

Scratch models keep their parameters as plain ``np.ndarray`` attributes with ``attach_grad()``;
``get_scratch_params()`` finds them (also in sub-modules) and ``parameters()`` returns them when
the model has no Gluon parameters, as in the book.
"""

from __future__ import annotations

from typing import Any

import numpy as onp
from mxnet import gluon, np, npx  # d2lrnn.mxnet.__init__ ran the compat step first

from d2lrnn.core import data as core_data
from d2lrnn.core import layer_map
from d2lrnn.core import module as core_module
from d2lrnn.core import params as core_params
from d2lrnn.core.hparams import HyperParameters
from d2lrnn.mxnet.layer_map import LAYER_MAP
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
        assert hasattr(self, "net"), "Neural network is defined"
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
        return named

    def named_arrays(self) -> list[tuple[str, Any]]:
        """(path, array) of every parameter: scratch ndarrays and Gluon parameters' data (under
        Gluon's structural names, e.g. 'rnn.rnn._unfused.0.i2h_weight'). Deferred Gluon
        parameters are created first (one decoding step)."""
        gluon_params = self._collect_params_with_prefix()
        if any(p._deferred_init for p in gluon_params.values()) \
                and callable(getattr(self, "materialize", None)):
            self.materialize()
        return [*self.named_scratch_params(), *((n, p.data()) for n, p in gluon_params.items())]

    def context(self) -> Any:
        """The device the model's parameters live on."""
        scratch = self.get_scratch_params()
        if scratch:
            return scratch[0].ctx
        return next(iter(self.collect_params().values())).list_ctx()[0]

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
    def to_numpy(self, tensor: Any) -> onp.ndarray:
        # np.asarray of an MXNet array would give a 0-d object array
        return tensor.asnumpy() if isinstance(tensor, np.ndarray) else onp.asarray(tensor)

    def to_tensor(self, array: onp.ndarray) -> Any:
        return np.array(array, dtype=onp.int32 if array.dtype.kind in "iu" else array.dtype)


TimeMachine = core_data.time_machine_class(
    DataModule, __name__, "The book's Time Machine data, as int32 MXNet arrays.")


def get_params(model: Module) -> dict[str, onp.ndarray]:
    """The model's parameters as float32 NumPy arrays under canonical names (Gluon layers'
    weights through the backend's LAYER_MAP)."""
    return layer_map.to_canonical(((n, a.asnumpy()) for n, a in model.named_arrays()),
                                  LAYER_MAP)


def set_params(model: Module, params: dict[str, Any]) -> None:
    """Write NumPy arrays into the parameters in place (their gradients stay attached)."""
    named = model.named_arrays()
    expected = layer_map.canonical_shapes(((n, tuple(a.shape)) for n, a in named), LAYER_MAP)
    arrays = core_params.check_params(expected, params)
    values = layer_map.to_framework(arrays, [n for n, _ in named], LAYER_MAP)
    for n, a in named:
        a[:] = np.array(values[n], ctx=a.ctx)


__all__ = ["Classifier", "DataModule", "Module", "SGD", "TimeMachine", "get_params",
           "set_params", "mx"]

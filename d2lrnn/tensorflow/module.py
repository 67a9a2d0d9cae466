"""``Module``, ``Classifier`` and data on TensorFlow (Keras 3 era: models are ``tf.Module``s,
so every ``tf.Variable`` attribute, also in sub-modules, is tracked and trained)."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import tensorflow as tf

from d2lrnn import core
from d2lrnn.core import data as core_data
from d2lrnn.core import module as core_module
from d2lrnn.core import params as core_params


class Module(tf.Module, core_module.Module):
    """The base class of models: a ``tf.Module`` with the book's plotting protocol."""

    def __init__(self, plot_train_per_epoch: int = 2, plot_valid_per_epoch: int = 1) -> None:
        super().__init__()
        self.save_hyperparameters()
        self.board = self.new_board()
        self.training = None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if "training" in kwargs:
            self.training = kwargs.pop("training")
        return self.forward(*args, **kwargs)

    def loss(self, y_hat: tf.Tensor, y: tf.Tensor) -> tf.Tensor:
        raise NotImplementedError

    def forward(self, X: tf.Tensor) -> tf.Tensor:
        if not hasattr(self, "net"):
            raise NotImplementedError(f"{type(self).__name__} has no self.net: define it in "
                                      "__init__ (or override forward)")
        return self.net(X)

    def configure_optimizers(self) -> keras.optimizers.Optimizer:
        # Keras 3 refuses an int learning rate (the book's lr=1): pass a float.
        return keras.optimizers.SGD(float(self.lr))


class Classifier(core_module.ClassifierSteps, Module):
    """A Module with the cross-entropy loss and accuracy."""

    def accuracy(self, Y_hat: tf.Tensor, Y: tf.Tensor, averaged: bool = True) -> tf.Tensor:
        Y_hat = tf.reshape(Y_hat, (-1, Y_hat.shape[-1]))
        preds = tf.cast(tf.argmax(Y_hat, axis=1), Y.dtype)
        compare = tf.cast(preds == tf.reshape(Y, -1), tf.float32)
        return tf.reduce_mean(compare) if averaged else compare

    def loss(self, Y_hat: tf.Tensor, Y: tf.Tensor, averaged: bool = True) -> tf.Tensor:
        Y_hat = tf.reshape(Y_hat, (-1, Y_hat.shape[-1]))
        Y = tf.reshape(Y, (-1,))
        l = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=Y, logits=Y_hat)
        return tf.reduce_mean(l) if averaged else l


class DataModule(core_data.DataModule):
    def to_tensor(self, array: np.ndarray) -> tf.Tensor:
        return tf.constant(array.astype(np.int32) if array.dtype.kind in "iu" else array)


class TimeMachine(core.TimeMachine, DataModule):
    """The book's Time Machine data, as int32 TensorFlow tensors."""


def _named_variables(model: tf.Module) -> dict[str, tf.Variable]:
    # tf.Module finds variables under attribute paths; we want the attribute names.
    named = []
    for path, value in model._flatten(with_path=True,  # noqa: SLF001
                                      predicate=lambda v: isinstance(v, tf.Variable)):
        named.append((".".join(str(p) for p in path), value))
    seen, unique = set(), []
    for name, var in named:  # a variable reachable twice (e.g. via hparams) counts once
        if id(var) not in seen:
            seen.add(id(var))
            unique.append((name, var))
    return core_params.canonical(unique)


def get_params(model: tf.Module) -> dict[str, np.ndarray]:
    """The model's variables as float32 NumPy arrays under canonical names."""
    return {k: v.numpy().copy() for k, v in _named_variables(model).items()}


def set_params(model: tf.Module, params: dict[str, Any]) -> None:
    """Assign NumPy arrays (canonical names, exact shapes) to the model's variables."""
    current = _named_variables(model)
    arrays = core_params.check_params({k: tuple(v.shape) for k, v in current.items()}, params)
    for k, v in current.items():
        v.assign(arrays[k])

"""``Module``, ``Classifier`` and data on JAX with Flax linen (the book's jax tab API)."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import jax
import numpy as np
import optax
from flax import linen as nn
from jax import numpy as jnp

from d2lrnn import core
from d2lrnn.core import data as core_data
from d2lrnn.core import module as core_module
from d2lrnn.core import params as core_params
from d2lrnn.core.board import ProgressBoard


class Module(nn.Module, core_module.Module):
    """The base class of models: a Flax linen Module with the book's plotting protocol.
    ``loss(params, X, Y, state)`` returns ``(loss, aux)``."""

    plot_train_per_epoch: int = dataclasses.field(default=2, init=False)
    plot_valid_per_epoch: int = dataclasses.field(default=1, init=False)
    board: ProgressBoard = dataclasses.field(
        default_factory=core_module.Module.new_board, init=False)

    def loss(self, params: Any, X: Any, Y: Any, state: Any, averaged: bool = True) -> Any:
        raise NotImplementedError

    def __call__(self, X: Any, *args: Any, **kwargs: Any) -> Any:
        return self.forward(X, *args)

    def forward(self, X: Any, *args: Any) -> Any:
        if not hasattr(self, "net"):
            raise NotImplementedError(f"{type(self).__name__} has no self.net: define it in "
                                      "__init__ (or override forward)")
        return self.net(X, *args)

    def training_step(self, params: Any, batch: Any, state: Any) -> Any:
        value, grads = jax.value_and_grad(self.loss, has_aux=True)(
            params, batch[:-1], batch[-1], state)
        self.plot("loss", value[0], train=True)
        return value, grads

    def validation_step(self, params: Any, batch: Any, state: Any) -> None:
        l, _ = self.loss(params, batch[:-1], batch[-1], state)
        self.plot("loss", l, train=False)

    def apply_init(self, dummy_input: Any, key: Any) -> Any:
        return self.init(key, *dummy_input)

    def configure_optimizers(self) -> optax.GradientTransformation:
        return optax.sgd(self.lr)


class Classifier(Module):
    """A Module with the cross-entropy loss and accuracy."""

    def validation_step(self, params: Any, batch: Any, state: Any) -> None:
        self.plot("loss", self.loss(params, batch[:-1], batch[-1], state)[0], train=False)
        self.plot("acc", self.accuracy(params, batch[:-1], batch[-1], state), train=False)

    def accuracy(self, params: Any, X: Any, Y: Any, state: Any, averaged: bool = True) -> Any:
        Y_hat = state.apply_fn({"params": params}, *X)
        Y_hat = Y_hat.reshape((-1, Y_hat.shape[-1]))
        compare = (Y_hat.argmax(axis=1).astype(Y.dtype) == Y.reshape(-1)).astype(jnp.float32)
        return compare.mean() if averaged else compare

    def loss(self, params: Any, X: Any, Y: Any, state: Any, averaged: bool = True) -> Any:
        Y_hat = state.apply_fn({"params": params}, *X, mutable=False, rngs=None)
        Y_hat = Y_hat.reshape((-1, Y_hat.shape[-1]))
        Y = Y.reshape((-1,))
        fn = optax.softmax_cross_entropy_with_integer_labels
        return (fn(Y_hat, Y).mean(), {}) if averaged else (fn(Y_hat, Y), {})


class DataModule(core_data.DataModule):
    def to_tensor(self, array: np.ndarray) -> jax.Array:
        return jnp.asarray(array, dtype=jnp.int32) if array.dtype.kind in "iu" \
            else jnp.asarray(array)


class TimeMachine(core.TimeMachine, DataModule):
    """The book's Time Machine data, as int32 JAX arrays."""


def _leaf_names(params: Any) -> list[str]:
    """Canonical names of a params tree's leaves, in ``tree_flatten`` order. Flax names a list
    of submodules ``layers_0, layers_1``: those read as ``layers.0`` so nesting survives."""
    def key(k: Any, leaf: bool) -> str:
        name = str(getattr(k, "key", k))
        return name if leaf else re.sub(r"^(.+)_(\d+)$", r"\1/\2", name)

    paths = [[key(k, i == len(path) - 1) for i, k in enumerate(path)]
             for path, _ in jax.tree_util.tree_flatten_with_path(params)[0]]
    return core_params.canonical_names(paths)


def get_params(params: Any) -> dict[str, np.ndarray]:
    """A params tree (e.g. ``trainer.state.params``) as NumPy arrays with canonical names."""
    leaves = jax.tree_util.tree_leaves(params)
    return {name: np.asarray(v).copy()
            for name, v in zip(_leaf_names(params), leaves, strict=True)}


def set_params(params: Any, new: dict[str, Any]) -> Any:
    """A copy of the params tree with every leaf replaced by ``new[canonical name]``. JAX
    arrays are immutable: use the result (``trainer.set_params(new)`` updates a Trainer)."""
    leaves, treedef = jax.tree_util.tree_flatten(params)
    names = _leaf_names(params)
    arrays = core_params.check_params(
        {n: tuple(v.shape) for n, v in zip(names, leaves, strict=True)}, new)
    return jax.tree_util.tree_unflatten(treedef, [
        jnp.asarray(arrays[n], dtype=v.dtype) for n, v in zip(names, leaves, strict=True)])

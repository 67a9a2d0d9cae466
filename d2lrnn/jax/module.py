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

from d2lrnn.core import data as core_data
from d2lrnn.core import layer_map
from d2lrnn.core import module as core_module
from d2lrnn.core import nmt as core_nmt
from d2lrnn.core import params as core_params
from d2lrnn.core.board import ProgressBoard
from d2lrnn.jax.layer_map import LAYER_MAP
from d2lrnn.jax.tensors import normal_init


class TableParams:
    """Flax modules whose parameters come from a table (``core/models/spec.py``): ``setup``
    calls ``table.create(self, sizes, sigma)``, which calls this for each entry."""

    def new_param(self, param: Any, shape: tuple[int, ...], sigma: float) -> Any:
        """A Flax parameter: N(0, sigma) from the shared seeded NumPy stream (``normal_init``,
        so one seed gives every backend the same weights), or zeros."""
        init = normal_init(sigma) if param.init == "normal" else nn.initializers.zeros
        return self.param(param.name, init, shape)  # type: ignore[attr-defined]


class Module(nn.Module, TableParams, core_module.Module):
    """The base class of models: a Flax linen Module with the book's plotting protocol.
    ``loss(params, X, Y, state)`` returns the loss (a scalar, as the book's LinearRegression)
    or ``(loss, aux)`` (as its Classifier); ``loss_and_aux`` reads both as ``(loss, aux)``."""

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

    def loss_and_aux(self, params: Any, X: Any, Y: Any, state: Any) -> tuple[Any, Any]:
        """``self.loss`` as ``(loss, aux)`` whether it returns a pair or a plain scalar."""
        out = self.loss(params, X, Y, state)
        return (out[0], out[1]) if isinstance(out, tuple) else (out, {})

    def training_step(self, params: Any, batch: Any, state: Any) -> Any:
        value, grads = jax.value_and_grad(self.loss_and_aux, has_aux=True)(
            params, batch[:-1], batch[-1], state)
        self.plot("loss", value[0], train=True)
        return value, grads

    def validation_step(self, params: Any, batch: Any, state: Any) -> None:
        l, _ = self.loss_and_aux(params, batch[:-1], batch[-1], state)
        self.plot("loss", l, train=False)

    def apply_init(self, dummy_input: Any, key: Any) -> Any:
        # the parameters from ``key`` (as init(key) draws them); a dropout stream for models
        # that apply dropout while they are set up
        return self.init({"params": key, "dropout": jax.random.fold_in(key, 1)}, *dummy_input)

    def configure_optimizers(self) -> optax.GradientTransformation:
        return optax.sgd(self.lr)


class Classifier(Module):
    """A Module with the cross-entropy loss and accuracy."""

    def validation_step(self, params: Any, batch: Any, state: Any) -> None:
        self.plot("loss", self.loss_and_aux(params, batch[:-1], batch[-1], state)[0],
                  train=False)
        self.plot("acc", self.accuracy(params, batch[:-1], batch[-1], state), train=False)

    def accuracy(self, params: Any, X: Any, Y: Any, state: Any, averaged: bool = True) -> Any:
        Y_hat = state.apply_fn({"params": params}, *X)
        Y_hat = Y_hat.reshape((-1, Y_hat.shape[-1]))
        compare = (Y_hat.argmax(axis=1).astype(Y.dtype) == Y.reshape(-1)).astype(jnp.float32)
        return compare.mean() if averaged else compare

    def loss(self, params: Any, X: Any, Y: Any, state: Any, averaged: bool = True) -> Any:
        # the train state's dropout key (None: no dropout stream; models without dropout)
        rng = getattr(state, "dropout_rng", None)
        Y_hat = state.apply_fn({"params": params}, *X, mutable=False,
                               rngs=None if rng is None else {"dropout": rng})
        Y_hat = Y_hat.reshape((-1, Y_hat.shape[-1]))
        Y = Y.reshape((-1,))
        fn = optax.softmax_cross_entropy_with_integer_labels
        return (fn(Y_hat, Y).mean(), {}) if averaged else (fn(Y_hat, Y), {})


class DataModule(core_data.DataModule):
    def to_tensor(self, array: np.ndarray) -> jax.Array:
        return jnp.asarray(array, dtype=jnp.int32) if array.dtype.kind in "iu" \
            else jnp.asarray(array)


TimeMachine = core_data.time_machine_class(
    DataModule, __name__, "The book's Time Machine data, as int32 JAX arrays.")
MTFraEng = core_nmt.mt_fra_eng_class(
    DataModule, __name__, "The English-French dataset, as int32 JAX arrays.")


def _path(path: Any) -> str:
    """'rnn/W_xh' for a tree path. Flax names a list of submodules ``layers_0, layers_1``:
    those read as ``layers/0`` so the canonical names keep the nesting (``layers.0.W_xh``)."""
    keys = [str(getattr(k, "key", k)) for k in path]
    return "/".join([re.sub(r"^(.+)_(\d+)$", r"\1/\2", k) for k in keys[:-1]] + keys[-1:])


def named_leaves(params: Any) -> list[tuple[str, Any]]:
    """(path 'rnn/rnn/cell/i/kernel', leaf) of a params (or gradients) tree."""
    return [(_path(p), v) for p, v in jax.tree_util.tree_flatten_with_path(params)[0]]


def get_params(params: Any, table: Any = None) -> dict[str, np.ndarray]:
    """A params tree (e.g. ``trainer.state.params``) as NumPy arrays with canonical names
    (Flax layers' weights through ``table``, by default the concise RNN LM's layer map; a
    Trainer passes its model's, ``layer_map.table_for(model)``)."""
    return layer_map.to_canonical(((n, np.asarray(v)) for n, v in named_leaves(params)),
                                  LAYER_MAP if table is None else table)


def set_params(params: Any, new: dict[str, Any], table: Any = None) -> Any:
    """A copy of the params tree with every leaf replaced by ``new[canonical name]``. JAX
    arrays are immutable: use the result (``trainer.set_params(new)`` updates a Trainer)."""
    named = named_leaves(params)
    table = LAYER_MAP if table is None else table
    expected = layer_map.canonical_shapes(((n, tuple(v.shape)) for n, v in named), table)
    arrays = core_params.check_params(expected, new)
    values = layer_map.to_framework(arrays, [n for n, _ in named], table)

    def replace(path: Any, leaf: Any) -> Any:
        return jnp.asarray(values[_path(path)], dtype=leaf.dtype)
    return jax.tree_util.tree_map_with_path(replace, params)

"""``Module``, ``Classifier`` and data on TensorFlow (Keras 3 era: models are ``tf.Module``s,
so every ``tf.Variable`` attribute, also in sub-modules, is tracked and trained; Keras 3 layers
held in attributes are not ``tf.Module``s, so ``Module.trainable_variables`` adds their weights
explicitly)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from d2lrnn.core import data as core_data
from d2lrnn.core import layer_map
from d2lrnn.core import module as core_module
from d2lrnn.core import nmt as core_nmt
from d2lrnn.core import params as core_params
from d2lrnn.tensorflow.layer_map import table_for


class Module(tf.Module, core_module.Module):
    """The base class of models: a ``tf.Module`` with the book's plotting protocol."""

    def __init__(self, plot_train_per_epoch: int = 2, plot_valid_per_epoch: int = 1) -> None:
        super().__init__()
        self.save_hyperparameters()
        self.board = self.new_board()
        self.training = None

    @property
    def trainable_variables(self) -> tuple[tf.Variable, ...]:
        """The ``tf.Variable`` attributes (as ``tf.Module`` finds them, also in modules that
        Keras layers hold), then the trainable weights of every Keras layer held in an attribute
        (the ``tf.Variable`` behind each Keras 3 variable), each once."""
        found = list(super().trainable_variables)
        inner: list[tf.Module] = []  # modules held by Keras layers (Keras does not track them)
        layers = [layer for _, layer in _keras_layers_with_paths(self, inner)]
        for module in inner:
            found.extend(tf.Module.trainable_variables.fget(module))
        found = list({id(v): v for v in found}.values())
        seen = {id(v) for v in found}
        for layer in layers:
            for weight in layer.trainable_weights:
                var = getattr(weight, "value", weight)  # keras.Variable -> its tf.Variable
                if id(var) not in seen:
                    seen.add(id(var))
                    found.append(var)
        return tuple(found)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if "training" in kwargs:
            self.training = kwargs.pop("training")
        return self.forward(*args, **kwargs)

    def loss(self, y_hat: tf.Tensor, y: tf.Tensor) -> tf.Tensor:
        raise NotImplementedError

    def parameter(self, value: tf.Tensor, name: str) -> tf.Variable:
        """A trainable variable holding ``value`` (the scratch models' ``tf.Variable``)."""
        return tf.Variable(value, name=name)

    def forward(self, X: tf.Tensor) -> tf.Tensor:
        if not hasattr(self, "net"):
            raise NotImplementedError(f"{type(self).__name__} has no self.net: define it in "
                                      "__init__ (or override forward)")
        return self.net(X)

    def configure_optimizers(self) -> keras.optimizers.Optimizer:
        # Keras 3 refuses an int learning rate (the book's lr=1): pass a float.
        return keras.optimizers.SGD(float(self.lr))


def keras_layers(obj: Any) -> list[keras.layers.Layer]:
    """Keras layers reachable from ``obj``'s attributes (through sub-modules, lists, tuples
    and dicts; a layer's own sub-layers are covered by its ``trainable_weights``)."""
    return [layer for _, layer in _keras_layers_with_paths(obj)]


def _keras_layers_with_paths(obj: Any, inner: list[tf.Module] | None = None
                             ) -> list[tuple[str, keras.layers.Layer]]:
    """(attribute path 'rnn.rnn', layer) of every Keras layer reachable from ``obj``. A
    ``tf.Module`` that a Keras layer holds in a public attribute (the book's Seq2SeqEncoder, a
    Keras layer, holds a ``d2l.GRU``) is not tracked by Keras: it is walked too (its Keras
    layers are listed; the module itself is appended to ``inner`` when given)."""
    layers: list[tuple[str, keras.layers.Layer]] = []
    seen: set[int] = set()

    def visit(value: Any, path: str, in_layer: bool = False) -> None:
        if id(value) in seen:
            return
        seen.add(id(value))
        if isinstance(value, keras.layers.Layer):
            if not in_layer:  # a layer inside a listed layer: among its weights already
                layers.append((path, value))
            for attr, v in vars(value).items():
                if not attr.startswith("_"):
                    visit(v, f"{path}.{attr}" if path else attr, True)
        elif isinstance(value, tf.Module):
            if in_layer and inner is not None:
                inner.append(value)
            for attr, v in vars(value).items():
                if attr not in ("trainer", "board", "hparams"):
                    visit(v, f"{path}.{attr}" if path else attr)
        elif isinstance(value, (list, tuple)):
            for i, v in enumerate(value):
                visit(v, f"{path}.{i}", in_layer)
        elif isinstance(value, dict):
            for k, v in value.items():
                visit(v, f"{path}.{k}", in_layer)

    visit(obj, "")
    return layers


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


TimeMachine = core_data.time_machine_class(
    DataModule, __name__, "The book's Time Machine data, as int32 TensorFlow tensors.")
MTFraEng = core_nmt.mt_fra_eng_class(
    DataModule, __name__, "The English-French dataset, as int32 TensorFlow tensors.")


def _nested_leaves(value: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """(path, leaf) of a nested attribute value, as ``tf.nest.flatten`` orders it: lists and
    tuples by index, namedtuples by field name, mappings by sorted key; anything else (a
    variable, a module, a number) is a leaf."""
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # a namedtuple
        for field in value._fields:
            yield from _nested_leaves(getattr(value, field), (*path, field))
    elif isinstance(value, (list, tuple)):  # tf.Module wraps a list attribute in a list subclass
        for i, v in enumerate(value):
            yield from _nested_leaves(v, (*path, i))
    elif isinstance(value, Mapping):  # also tf.Module's wrapper around a dict attribute
        for key in sorted(value):
            yield from _nested_leaves(value[key], (*path, key))
    else:
        yield path, value


def variables_with_paths(module: tf.Module) -> Iterator[tuple[tuple[Any, ...], tf.Variable]]:
    """(path, variable) of every ``tf.Variable`` reachable from ``module``'s attributes, in the
    order of ``tf.Module._flatten(with_path=True)``, from public Python only: a module's
    attributes (``vars``) sorted by name, each flattened as ``tf.nest`` does; its own variables
    first, then the ``tf.Module``s found (not Keras layers: their weights are named through
    ``_keras_layers_with_paths``), each walked the same way. A variable reachable along two
    paths comes once per path (as from ``_flatten``); a module already on the current path
    (a cycle) gives its own variables but is not entered again. TensorFlow's tracking
    bookkeeping (attributes ``_self_*``) is skipped, as ``_flatten`` skips it."""
    def walk(obj: tf.Module, prefix: tuple[Any, ...], stack: list[int]
             ) -> Iterator[tuple[tuple[Any, ...], tf.Variable]]:
        recursive = id(obj) not in stack
        submodules = []
        attrs = vars(obj)
        for key in sorted(attrs):
            if key.startswith("_self_"):
                continue
            for path, leaf in _nested_leaves(attrs[key], (*prefix, key)):
                if isinstance(leaf, tf.Variable):
                    yield path, leaf
                elif (recursive and isinstance(leaf, tf.Module)
                      and not isinstance(leaf, keras.layers.Layer)):
                    submodules.append((path, leaf))
        stack.append(id(obj))
        for path, sub in submodules:
            yield from walk(sub, path, stack)
        stack.pop()

    return walk(module, (), [])


def named_variables(model: tf.Module) -> list[tuple[str, tf.Variable]]:
    """(path, variable) of every variable: ``tf.Variable`` attributes ('rnn.W_xh'), then Keras
    layers' weights as attribute path + weight name ('rnn.rnn.kernel'). Layers not built yet
    are built first (one decoding step)."""
    layers = _keras_layers_with_paths(model)
    if any(not layer.built for _, layer in layers) and callable(getattr(model, "materialize",
                                                                          None)):
        model.materialize()
    named = [(".".join(str(p) for p in path), value)
             for path, value in variables_with_paths(model)]
    for path, layer in layers:
        for name, weight in _layer_weights(layer):
            named.append((f"{path}.{name}", getattr(weight, "value", weight)))
    seen, unique = set(), []
    for name, var in named:  # a variable reachable twice (e.g. via hparams) counts once
        if id(var) not in seen:
            seen.add(id(var))
            unique.append((name, var))
    return unique


def _layer_weights(layer: keras.layers.Layer) -> list[tuple[str, Any]]:
    """(name, weight) of a Keras layer's trainable weights: the weight's own name ('kernel'),
    under the part holding it where a layer can hold the same names more than once: the cells
    of an ``RNN`` over a list of cells ('cells.0.kernel', 'cells.1.kernel': d2l.GRU), the two
    directions of ``Bidirectional`` ('forward_layer.kernel', 'backward_layer.kernel')."""
    cell = getattr(layer, "cell", None)
    if isinstance(cell, keras.layers.StackedRNNCells):
        parts = [(f"cells.{i}", c) for i, c in enumerate(cell.cells)]
    elif isinstance(layer, keras.layers.Bidirectional):
        parts = [("forward_layer", layer.forward_layer), ("backward_layer", layer.backward_layer)]
    else:
        return [(w.name, w) for w in layer.trainable_weights]
    return [(f"{name}.{w.name}", w) for name, part in parts for w in part.trainable_weights]


def get_params(model: tf.Module) -> dict[str, np.ndarray]:
    """The model's variables as float32 NumPy arrays under canonical names (Keras layers'
    weights through the backend's layer map for the model's family)."""
    return layer_map.to_canonical(((n, v.numpy()) for n, v in named_variables(model)),
                                  table_for(model))


def set_params(model: tf.Module, params: dict[str, Any]) -> None:
    """Assign NumPy arrays (canonical names, exact shapes) to the model's variables."""
    named = named_variables(model)
    table = table_for(model)
    expected = layer_map.canonical_shapes(((n, tuple(v.shape)) for n, v in named), table)
    arrays = core_params.check_params(expected, params)
    values = layer_map.to_framework(arrays, [n for n, _ in named], table)
    for n, v in named:
        v.assign(values[n])

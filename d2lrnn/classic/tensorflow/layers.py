"""Keras 3 layers as the book's TensorFlow tab calls them (``d2l.RNN``): Keras 3 removed
``time_major`` and the cells' ``get_initial_state(..., dtype=)``.

The state of a layer is the list its cell's ``get_initial_state`` gives and the layer returns
after its outputs: ``[H]`` for ``SimpleRNNCell`` and ``GRUCell``, ``[H, C]`` for
``LSTMCell``, one such list per cell for ``StackedRNNCells`` (``[[H1, C1], [H2, C2]]``), and
for ``tf.keras.layers.Bidirectional`` the forward layer's followed by the backward layer's
(``initial_state``)."""

from __future__ import annotations

from typing import Any

import tensorflow as tf


class RNN(tf.keras.layers.Layer):
    """``tf.keras.layers.RNN`` that still accepts ``time_major=True`` (removed in Keras 3):
    inputs (num_steps, batch_size, features), outputs time-major too; over any Keras cell
    (``SimpleRNNCell``, ``GRUCell``, ``LSTMCell``, ``StackedRNNCells`` of them). With
    ``return_state=True`` it returns ``[Y, *state]``, ``state`` as its cell's
    ``get_initial_state`` gives it."""

    def __init__(self, cell: Any, time_major: bool = False, **kwargs: Any) -> None:
        layer_kwargs = {k: kwargs.pop(k) for k in list(kwargs) if k in (
            "return_sequences", "return_state", "go_backwards", "stateful", "unroll")}
        super().__init__(**kwargs)
        self.time_major = time_major
        self.layer = tf.keras.layers.RNN(cell, **layer_kwargs)
        self.cell = CellView(cell)  # get_initial_state(..., dtype=) as the book calls it

    def call(self, inputs: Any, initial_state: Any = None) -> Any:
        if self.time_major:
            inputs = tf.transpose(inputs, (1, 0, 2))
        outputs = self.layer(inputs, initial_state=initial_state)
        if not self.time_major:
            return outputs
        if isinstance(outputs, (list, tuple)):
            Y, *states = outputs
            return [time_major_outputs(Y), *states]
        return time_major_outputs(outputs)


class CellView:
    """A Keras 3 cell whose ``get_initial_state`` still accepts the book's ``dtype=``."""

    def __init__(self, cell: Any) -> None:
        self._cell = cell

    def get_initial_state(self, batch_size: int | None = None, dtype: Any = None) -> list[Any]:
        state = self._cell.get_initial_state(batch_size=batch_size)
        return list(state) if isinstance(state, (list, tuple)) else [state]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cell, name)


def time_major_outputs(Y: Any) -> Any:
    return tf.transpose(Y, (1, 0, 2)) if len(Y.shape) == 3 else Y


def initial_state(layer: Any, batch_size: int | None = None, dtype: Any = None) -> list[Any]:
    """The zero state of a Keras RNN layer (``d2l.RNN``, ``tf.keras.layers.RNN``, ``GRU``,
    ``LSTM``, ``Bidirectional`` of one of them) for ``batch_size`` sequences, structured as the
    layer takes it in ``initial_state`` and returns it (see the module's docstring)."""
    if isinstance(layer, tf.keras.layers.Bidirectional):
        return [*initial_state(layer.forward_layer, batch_size, dtype),
                *initial_state(layer.backward_layer, batch_size, dtype)]
    cell = layer.cell
    if not isinstance(cell, CellView):
        cell = CellView(cell)  # Keras 3 cells take no dtype
    return cell.get_initial_state(batch_size=batch_size, dtype=dtype)

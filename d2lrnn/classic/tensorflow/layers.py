"""Keras 3 layers as the book's TensorFlow tab calls them (``d2l.RNN``): Keras 3 removed
``time_major`` and the cells' ``get_initial_state(..., dtype=)``."""

from __future__ import annotations

from typing import Any

import tensorflow as tf


class RNN(tf.keras.layers.Layer):
    """``tf.keras.layers.RNN`` that still accepts ``time_major=True`` (removed in Keras 3):
    inputs (num_steps, batch_size, features), outputs time-major too."""

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

"""The section "Concise Implementation of RNNs" on TensorFlow with Keras 3: the book's ``RNN``
over ``SimpleRNN`` and ``RNNLM`` with a ``Dense`` output layer.

Keras 3 removed ``SimpleRNN(..., time_major=True)``, which the book's cell passes. ``SimpleRNN``
here is Keras's layer that still accepts it (inputs (num_steps, batch_size, features), outputs
time-major too): the reader's one-line change is ``tf.keras.layers.SimpleRNN(`` ->
``d2l.SimpleRNN(``.
"""

from __future__ import annotations

from typing import Any

import keras
import tensorflow as tf

from d2lrnn.core.checks import positive_int
from d2lrnn.tensorflow.module import Module
from d2lrnn.tensorflow.rnn import RNNLMScratch
from d2lrnn.tensorflow.tensors import transpose


class SimpleRNN(keras.layers.SimpleRNN):
    """``keras.layers.SimpleRNN`` with Keras 2's ``time_major`` argument."""

    def __init__(self, units: int, *args: Any, time_major: bool = False, **kwargs: Any) -> None:
        super().__init__(units, *args, **kwargs)
        self.time_major = time_major

    def call(self, sequences: Any, initial_state: Any = None, mask: Any = None,
             training: bool = False) -> Any:
        if not self.time_major:
            return super().call(sequences, initial_state, mask, training)
        # (num_steps, batch_size, features) -> batch-major for Keras, and the outputs back
        out = super().call(tf.transpose(sequences, (1, 0, 2)), initial_state, mask, training)
        if not self.return_sequences:
            return out
        if isinstance(out, (list, tuple)):
            return [tf.transpose(out[0], (1, 0, 2)), *out[1:]]
        return tf.transpose(out, (1, 0, 2))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "time_major": self.time_major}


class RNN(Module):
    """The RNN model implemented with high-level APIs."""

    def __init__(self, num_hiddens: int) -> None:
        positive_int("num_hiddens", num_hiddens)
        super().__init__()
        self.save_hyperparameters()
        self.rnn = SimpleRNN(num_hiddens, return_sequences=True, return_state=True,
                             time_major=True)

    def forward(self, inputs: tf.Tensor, H: Any = None) -> tuple[tf.Tensor, tf.Tensor]:
        # inputs (num_steps, batch_size, num_inputs) -> outputs (num_steps, batch_size,
        # num_hiddens), H (batch_size, num_hiddens)
        outputs, H = self.rnn(inputs, H)
        return outputs, H


class RNNLM(RNNLMScratch):
    """The RNN-based language model implemented with high-level APIs."""

    def init_params(self) -> None:
        self.linear = keras.layers.Dense(self.vocab_size)

    def output_layer(self, hiddens: tf.Tensor) -> tf.Tensor:
        # (num_steps, batch_size, num_hiddens) -> (batch_size, num_steps, vocab_size)
        return transpose(self.linear(hiddens), (1, 0, 2))

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
        if self._steps_in_place(sequences, mask):
            return self._time_major_steps(sequences, initial_state, training)
        # (num_steps, batch_size, features) -> batch-major for Keras, and the outputs back
        out = super().call(tf.transpose(sequences, (1, 0, 2)), initial_state, mask, training)
        if not self.return_sequences:
            return out
        if isinstance(out, (list, tuple)):
            return [tf.transpose(out[0], (1, 0, 2)), *out[1:]]
        return tf.transpose(out, (1, 0, 2))

    def _steps_in_place(self, sequences: Any, mask: Any) -> bool:
        """The plain case (a known number of steps; no mask, dropout, reversal or carried
        state) steps the layer's own cell along the time axis, unrolled like the scratch
        model: no transposes to batch-major and back, and no symbolic loop (measured: the
        concise LM's compiled step 0.8x -> ~1.0x of the scratch one, benchmarks/concise.py).
        Anything else goes through Keras's own loop."""
        return (mask is None and sequences.shape[0] is not None and not self.go_backwards
                and not self.stateful and not self.cell.dropout
                and not self.cell.recurrent_dropout)

    def _time_major_steps(self, sequences: Any, initial_state: Any, training: bool) -> Any:
        # sequences (num_steps, batch_size, features); state (batch_size, units)
        if initial_state is None:
            H = tf.zeros((tf.shape(sequences)[1], self.units), self.compute_dtype)
        else:
            H = initial_state[0] if isinstance(initial_state, (list, tuple)) else initial_state
        outputs = []
        for X in tf.unstack(sequences):  # X (batch_size, features)
            Y, H = self.cell(X, H, training=training)  # H_t = tanh(X W + b + H_{t-1} U)
            outputs.append(Y)
        Y = tf.stack(outputs) if self.return_sequences else outputs[-1]
        return [Y, H] if self.return_state else Y

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

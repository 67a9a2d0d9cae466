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
from d2lrnn.core.models import GRU_FAMILIES, GRU_LM_BI, LSTM_LM_CONCISE
from d2lrnn.core.params import check_stack_args
from d2lrnn.tensorflow.module import Module
from d2lrnn.tensorflow.rnn import RNNLMScratch
from d2lrnn.tensorflow.tensors import transpose


class TimeMajor:
    """Keras 2's ``time_major`` argument on a Keras 3 recurrent layer (mixed in before it):
    with ``time_major=True`` the layer takes (num_steps, batch_size, features) and returns its
    sequences time-major too."""

    def __init__(self, units_or_cell: Any, *args: Any, time_major: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(units_or_cell, *args, **kwargs)  # type: ignore[call-arg]
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
                and not self.stateful and hasattr(self, "units")  # one cell, not a stack
                and not self.cell.dropout and not self.cell.recurrent_dropout)

    def _time_major_steps(self, sequences: Any, initial_state: Any, training: bool) -> Any:
        # sequences (num_steps, batch_size, features); the state: H (batch_size, units), or
        # [H, C] for an LSTM
        parts = len(self.cell.state_size) if isinstance(self.cell.state_size, (list, tuple)) \
            else 1
        if initial_state is None:
            batch = tf.shape(sequences)[1]
            state = [tf.zeros((batch, self.units), self.compute_dtype) for _ in range(parts)]
        else:
            state = list(initial_state) if isinstance(initial_state, (list, tuple)) \
                else [initial_state]
        state = state[0] if parts == 1 else state
        outputs = []
        for X in tf.unstack(sequences):  # X (batch_size, features)
            Y, state = self.cell(X, state, training=training)
            outputs.append(Y)
        Y = tf.stack(outputs) if self.return_sequences else outputs[-1]
        states = list(state) if isinstance(state, (list, tuple)) else [state]
        return [Y, *states] if self.return_state else Y

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "time_major": self.time_major}  # type: ignore[misc]


class SimpleRNN(TimeMajor, keras.layers.SimpleRNN):
    """``keras.layers.SimpleRNN`` with Keras 2's ``time_major`` argument."""


class LSTM(TimeMajor, keras.layers.LSTM):
    """``keras.layers.LSTM`` with Keras 2's ``time_major`` argument (the book's TensorFlow LSTM
    cell passes it; the reader's one-line change is ``tf.keras.layers.LSTM(`` ->
    ``d2l.LSTM(``)."""


class TimeMajorRNN(TimeMajor, keras.layers.RNN):
    """``keras.layers.RNN`` (a cell, or a list of cells stacked) with Keras 2's ``time_major``
    argument: the book's TensorFlow deep-RNN cell writes ``tf.keras.layers.RNN(gru_cells, ...,
    time_major=True)``; the reader's one-line change is ``tf.keras.layers.RNN(`` ->
    ``d2l.TimeMajorRNN(``."""


class RNN(Module):
    """The RNN model implemented with high-level APIs."""

    lm_family = "rnn-lm-concise"  # its layer map, under d2l.RNNLM (layer_map.py)

    def __init__(self, num_hiddens: int) -> None:
        positive_int("num_hiddens", num_hiddens)
        super().__init__()
        self.save_hyperparameters()
        self.rnn = SimpleRNN(num_hiddens, return_sequences=True, return_state=True,
                             time_major=True)

    def forward(self, inputs: tf.Tensor, H: Any = None) -> tuple[tf.Tensor, tf.Tensor]:
        # inputs (num_steps, batch_size, num_inputs) -> outputs (num_steps, batch_size,
        # num_hiddens), H (batch_size, num_hiddens)
        if isinstance(self.rnn, keras.layers.RNN) and not getattr(self.rnn, "time_major", False):
            # A batch-major Keras layer (the book's GRU cell builds keras.layers.GRU without
            # time_major and feeds it time-major data, so it recurs over the batch axis and
            # prints 'it has t t t t ...'): run it batch-major, outputs back time-major.
            outputs, H = self.rnn(tf.transpose(inputs, (1, 0, 2)), H)
            return tf.transpose(outputs, (1, 0, 2)), H
        outputs, H = self.rnn(inputs, H)
        return outputs, H


class GRU(RNN):
    """The multilayer GRU model (the deep-RNN section's saved ``d2l.GRU``): ``num_layers``
    Keras ``GRUCell``s (``dropout`` on each cell's inputs, as the book's) stacked in one
    time-major ``RNN`` layer. State: one (batch_size, num_hiddens) array per layer."""

    def __init__(self, num_hiddens: int, num_layers: int, dropout: float = 0) -> None:
        check_stack_args(num_hiddens=num_hiddens, num_layers=num_layers, dropout=dropout)
        Module.__init__(self)
        self.save_hyperparameters()
        cells = [keras.layers.GRUCell(num_hiddens, dropout=dropout) for _ in range(num_layers)]
        self.rnn = TimeMajorRNN(cells, return_sequences=True, return_state=True,
                                time_major=True)

    def forward(self, X: tf.Tensor, state: Any = None) -> tuple[tf.Tensor, list[tf.Tensor]]:
        outputs, *state = self.rnn(X, state)
        # Keras 3 gives each layer's state as a one-element list (unless the initial state was
        # passed flat); the book's (Keras 2) state is the flat list of (batch_size, num_hiddens)
        return outputs, [s[0] if isinstance(s, (list, tuple)) else s for s in state]

    @property
    def lm_family(self) -> str | None:
        """Its layer map under d2l.RNNLM (layer_map.py): by its number of layers."""
        return GRU_FAMILIES.get(self.num_layers)


class ConciseLSTM(RNN):
    """The LSTM section's concise model (the book's reader defines it as ``class LSTM(d2l.RNN)``
    in the section's cell): Keras's ``LSTM``, time-major (``d2l.LSTM``); state [H, C], each
    (batch_size, num_hiddens)."""

    lm_family = LSTM_LM_CONCISE.name  # its layer map, under d2l.RNNLM (layer_map.py)

    def __init__(self, num_hiddens: int) -> None:
        check_stack_args(num_hiddens=num_hiddens, num_layers=1, dropout=0)
        Module.__init__(self)
        self.save_hyperparameters()
        self.rnn = LSTM(num_hiddens, return_sequences=True, return_state=True, time_major=True)

    def forward(self, inputs: tf.Tensor, H_C: Any = None) -> tuple[tf.Tensor, list[tf.Tensor]]:
        # inputs (num_steps, batch_size, num_inputs) -> outputs (num_steps, batch_size,
        # num_hiddens), [H, C]; H_C None starts from zeros
        outputs, *H_C = self.rnn(inputs, H_C)
        return outputs, H_C


class BiGRU(RNN):
    """The bi-RNN section's concise bidirectional GRU (the book has no TensorFlow tab for it):
    Keras's ``Bidirectional(GRU)``, run batch-major; its outputs concatenate both directions,
    so ``num_hiddens`` doubles. State [forward H, backward H], each (batch_size,
    num_hiddens / 2)."""

    lm_family = GRU_LM_BI.name  # its layer map, under d2l.RNNLM (layer_map.py)

    def __init__(self, num_hiddens: int) -> None:
        check_stack_args(num_hiddens=num_hiddens, num_layers=1, dropout=0)
        Module.__init__(self)
        self.save_hyperparameters()
        self.rnn = keras.layers.Bidirectional(keras.layers.GRU(
            num_hiddens, return_sequences=True, return_state=True))
        self.num_hiddens *= 2

    def forward(self, X: tf.Tensor, state: Any = None) -> tuple[tf.Tensor, list[tf.Tensor]]:
        # X (num_steps, batch_size, num_inputs) -> outputs (num_steps, batch_size,
        # num_hiddens), as Keras's layers run batch-major
        outputs, *state = self.rnn(tf.transpose(X, (1, 0, 2)), initial_state=state)
        return tf.transpose(outputs, (1, 0, 2)), state


class RNNLM(RNNLMScratch):
    """The RNN-based language model implemented with high-level APIs."""

    def init_params(self) -> None:
        self.linear = keras.layers.Dense(self.vocab_size)

    def output_layer(self, hiddens: tf.Tensor) -> tf.Tensor:
        # (num_steps, batch_size, num_hiddens) -> (batch_size, num_steps, vocab_size)
        return transpose(self.linear(hiddens), (1, 0, 2))

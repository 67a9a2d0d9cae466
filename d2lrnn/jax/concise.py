"""The section "Concise Implementation of RNNs" on JAX: ``RNN`` over Flax's
``nn.RNN(nn.SimpleCell)`` (the book's JAX tab leaves it ``NotImplementedError``) and the book's
``RNNLM`` with a ``Dense`` output layer."""

from __future__ import annotations

from typing import Any

import jax
from flax import linen as nn
from jax import numpy as jnp

from d2lrnn.core.checks import positive_int
from d2lrnn.core.models import GRU_FAMILIES, GRU_LM_BI, LSTM_LM_CONCISE
from d2lrnn.core.params import check_stack_args
from d2lrnn.jax.rnn import RNNLMScratch
from d2lrnn.jax.tensors import swapaxes


class RNN(nn.Module):
    """The RNN model implemented with high-level APIs (Flax's ``nn.RNN`` over a
    ``SimpleCell``: H_t = tanh(X_t W_xh + b_h + H_{t-1} W_hh))."""

    lm_family = "rnn-lm-concise"  # its layer map, under d2l.RNNLM (layer_map.py)

    num_hiddens: int

    def __post_init__(self) -> None:
        positive_int("num_hiddens", self.num_hiddens)
        super().__post_init__()

    @nn.compact
    def __call__(self, inputs: jax.Array, H: Any = None, training: bool = False
                 ) -> tuple[jax.Array, jax.Array]:
        # inputs (num_steps, batch_size, num_inputs) -> outputs (num_steps, batch_size,
        # num_hiddens), H (batch_size, num_hiddens); H None starts from zeros
        if isinstance(H, (tuple, list)):
            H, = H
        layer = nn.RNN(nn.SimpleCell(self.num_hiddens, name="cell"), time_major=True,
                       return_carry=True, unroll=32, name="rnn")
        H, outputs = layer(inputs, initial_carry=H)
        return outputs, H


class GRU(RNN):
    """The multilayer GRU model (the deep-RNN section's saved ``d2l.GRU``): ``num_layers`` Flax
    ``nn.RNN(nn.GRUCell)`` layers, time-major, with dropout between them while training. Each
    layer reads the previous layer's outputs (the book's JAX cell feeds the raw inputs to every
    layer but the last: wrong from three layers on). State (num_layers, batch_size,
    num_hiddens)."""

    num_layers: int = 1
    dropout: float = 0

    def __post_init__(self) -> None:
        check_stack_args(num_hiddens=self.num_hiddens, num_layers=self.num_layers,
                         dropout=self.dropout)
        super().__post_init__()

    @nn.compact
    def __call__(self, X: jax.Array, state: Any = None, training: bool = False
                 ) -> tuple[jax.Array, jax.Array]:
        # X (num_steps, batch_size, num_inputs) -> outputs (num_steps, batch_size,
        # num_hiddens), state (num_layers, batch_size, num_hiddens); None starts from zeros
        new_state = []
        for i in range(self.num_layers):
            layer = nn.RNN(nn.GRUCell(self.num_hiddens, name=f"cell{i}"), time_major=True,
                           return_carry=True, name=f"layer{i}")
            H, X = layer(X, initial_carry=None if state is None else state[i])
            new_state.append(H)
            if i < self.num_layers - 1:  # dropout after every layer but the last
                X = nn.Dropout(self.dropout, deterministic=not training)(X)
        return X, jnp.stack(new_state)

    @property
    def lm_family(self) -> str | None:
        """Its layer map under d2l.RNNLM (layer_map.py): by its number of layers."""
        return GRU_FAMILIES.get(self.num_layers)


class ConciseLSTM(RNN):
    """The LSTM section's concise model (the book's reader defines it as ``class LSTM(d2l.RNN)``
    in the section's cell): Flax's ``nn.RNN(nn.OptimizedLSTMCell)``, time-major. State (H, C),
    each (batch_size, num_hiddens), as on the other frameworks (Flax's own carry is (C, H))."""

    lm_family = LSTM_LM_CONCISE.name  # its layer map, under d2l.RNNLM (layer_map.py)

    @nn.compact
    def __call__(self, inputs: jax.Array, H_C: Any = None, training: bool = False
                 ) -> tuple[jax.Array, tuple[jax.Array, jax.Array]]:
        # inputs (num_steps, batch_size, num_inputs) -> outputs (num_steps, batch_size,
        # num_hiddens), (H, C); H_C None starts from zeros
        layer = nn.RNN(nn.OptimizedLSTMCell(self.num_hiddens, name="cell"), time_major=True,
                       return_carry=True, name="rnn")
        (C, H), outputs = layer(inputs, initial_carry=None if H_C is None else H_C[::-1])
        return outputs, (H, C)


class BiGRU(RNN):
    """The bi-RNN section's concise bidirectional GRU (the book's JAX tab has none): Flax's
    ``nn.Bidirectional`` over two time-major ``nn.RNN(nn.GRUCell)`` (cells ``f_cell`` and
    ``b_cell``); its outputs concatenate both directions, (num_steps, batch_size,
    2 * num_hiddens). State (forward H, backward H)."""

    lm_family = GRU_LM_BI.name  # its layer map, under d2l.RNNLM (layer_map.py)

    @nn.compact
    def __call__(self, inputs: jax.Array, state: Any = None, training: bool = False
                 ) -> tuple[jax.Array, tuple[jax.Array, jax.Array]]:
        rnn = lambda d: nn.RNN(nn.GRUCell(self.num_hiddens, name=f"{d}_cell"), time_major=True,
                               return_carry=True, name=f"{d}_rnn")
        layer = nn.Bidirectional(rnn("f"), rnn("b"), time_major=True, return_carry=True,
                                 name="rnn")
        state, outputs = layer(inputs, initial_carry=state)
        return outputs, state


class RNNLM(RNNLMScratch):
    """The RNN-based language model implemented with high-level APIs."""

    training: bool = True

    def setup(self) -> None:
        self.linear = nn.Dense(self.vocab_size)

    def output_layer(self, hiddens: jax.Array) -> jax.Array:
        # (num_steps, batch_size, num_hiddens) -> (batch_size, num_steps, vocab_size): the
        # book's Dense-then-swap (Dense acts on the last axis; the kernel gradient sums the same
        # terms in another order, so equal up to float rounding), computed as
        # one (batch_size * num_steps, num_hiddens) @ (num_hiddens, vocab_size) matmul over the
        # states put batch-major. XLA's CPU dot is fast for that 2-D form and slow for the 3-D
        # one's kernel gradient (a contraction over both leading axes): 0.91x -> 1.05x of the
        # scratch step (benchmarks/concise.py, README).
        steps, batch, hiddens_dim = hiddens.shape
        flat = swapaxes(hiddens, 0, 1).reshape(batch * steps, hiddens_dim)
        return self.linear(flat).reshape(batch, steps, self.vocab_size)

    def forward(self, X: jax.Array, state: Any = None) -> jax.Array:
        embs = self.one_hot(X)
        rnn_outputs, _ = self.rnn(embs, state, self.training)
        return self.output_layer(rnn_outputs)

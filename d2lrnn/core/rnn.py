"""The book's ``RNNScratch.forward``, written once over a backend's tensor aliases (``ops``):

    H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h)

The parameters are ``W_xh`` (num_inputs, num_hiddens), ``W_hh`` (num_hiddens, num_hiddens) and
``b_h`` (num_hiddens,), drawn from the shared seeded stream (``ops.randn``) in the book's order. A
backend's ``RNNScratch`` provides ``ops``, its Module's ``parameter(value, name)`` (turn an array
into a trainable parameter) and one hook, ``begin_state(inputs, state)``: the state to start
from (zeros on the inputs' device when none is given).
"""

from __future__ import annotations

from typing import Any, ClassVar

from d2lrnn.core.params import check_rnn_args


class RNNScratchBase:
    """The recurrence of the RNN implemented from scratch."""

    ops: ClassVar[Any]

    def __init__(self, num_inputs: int, num_hiddens: int, sigma: float = 0.01) -> None:
        check_rnn_args(num_inputs, num_hiddens, sigma)
        super().__init__()
        self.save_hyperparameters()
        randn, zeros = self.ops.randn, self.ops.zeros
        self.W_xh = self.parameter(randn(num_inputs, num_hiddens) * sigma, "W_xh")
        self.W_hh = self.parameter(randn(num_hiddens, num_hiddens) * sigma, "W_hh")
        self.b_h = self.parameter(zeros(num_hiddens), "b_h")

    def begin_state(self, inputs: Any, state: Any) -> Any:
        """The (batch_size, num_hiddens) state the loop starts from."""
        raise NotImplementedError

    def forward(self, inputs: Any, state: Any = None) -> tuple[list[Any], Any]:
        # inputs: (num_steps, batch_size, num_inputs); state: (batch_size, num_hiddens), a
        # 1-tuple holding it (as the concise RNNs return it), or None
        if isinstance(state, (tuple, list)):
            state, = state
        state = self.begin_state(inputs, state)
        ops, outputs = self.ops, []
        for X in inputs:  # X: (batch_size, num_inputs)
            state = ops.tanh(ops.matmul(X, self.W_xh) + ops.matmul(state, self.W_hh) + self.b_h)
            outputs.append(state)
        return outputs, state

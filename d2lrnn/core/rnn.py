"""The book's ``RNNScratch.forward``, written once over a backend's tensor aliases (``ops``):

    H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h)

A backend's ``RNNScratch`` holds the parameters ``W_xh`` (num_inputs, num_hiddens), ``W_hh``
(num_hiddens, num_hiddens), ``b_h`` (num_hiddens,) and provides ``ops`` and one hook,
``begin_state(inputs, state)``: the state to start from (zeros on the inputs' device when none is
given; the framework's own array otherwise).
"""

from __future__ import annotations

from typing import Any, ClassVar


class RNNScratchBase:
    """The recurrence of the RNN implemented from scratch."""

    ops: ClassVar[Any]

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

"""The book's ``RNNScratch.forward``, written once over a backend's tensor aliases (``ops``):

    H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h)

The parameters are the tanh cell's table (``core/models/cells.py``): ``W_xh`` (num_inputs,
num_hiddens), ``W_hh`` (num_hiddens, num_hiddens) and ``b_h`` (num_hiddens,), drawn from the
shared seeded stream (``ops.randn``) in the book's order. A backend's ``RNNScratch`` provides
``ops``, its Module's ``new_param`` (``core/module.py``; JAX's creates Flax params) and one hook,
``begin_state(inputs, state)``: the state to start from (zeros on the inputs' device when none is
given).
"""

from __future__ import annotations

from typing import Any, ClassVar

from d2lrnn.core.models.cells import RNN
from d2lrnn.core.params import check_rnn_args


class RNNScratchBase:
    """The recurrence of the RNN implemented from scratch."""

    ops: ClassVar[Any]

    def __init__(self, num_inputs: int, num_hiddens: int, sigma: float = 0.01) -> None:
        check_rnn_args(num_inputs, num_hiddens, sigma)
        super().__init__()
        self.save_hyperparameters()
        self.create_params()

    def create_params(self) -> None:
        """W_xh, W_hh, b_h from the cell's table, in the book's order."""
        RNN.params.create(self, self.param_sizes(), self.sigma)

    def param_sizes(self) -> dict[str, int]:
        return {"num_inputs": self.num_inputs, "num_hiddens": self.num_hiddens}

    def begin_state(self, inputs: Any, state: Any) -> Any:
        """The (batch_size, num_hiddens) state the loop starts from."""
        raise NotImplementedError

    def forward(self, inputs: Any, state: Any = None) -> tuple[list[Any], Any]:
        # inputs: (num_steps, batch_size, num_inputs); state: (batch_size, num_hiddens), a
        # 1-tuple holding it (as the concise RNNs return it), or None
        if isinstance(state, (tuple, list)):
            state, = state
        if not hasattr(inputs, "shape"):
            # a sequence of time steps, e.g. reversed(inputs) from the book's BiRNNScratch:
            # torch reverses a tensor, MXNet, TensorFlow and JAX give a plain iterator
            inputs = self.ops.stack(list(inputs), 0)
        state = self.begin_state(inputs, state)
        ops, outputs = self.ops, []
        for X in inputs:  # X: (batch_size, num_inputs)
            state = ops.tanh(ops.matmul(X, self.W_xh) + ops.matmul(state, self.W_hh) + self.b_h)
            outputs.append(state)
        return outputs, state

"""The section's models on MXNet, written as the book writes them."""

from __future__ import annotations

from typing import Any

from mxnet import np, npx  # d2lrnn.mxnet.__init__ ran the compat step first

from d2lrnn.core import params as core_params
from d2lrnn.core.lm import RNNLMScratchBase
from d2lrnn.core.rnn import RNNScratchBase
from d2lrnn.mxnet import tensors
from d2lrnn.mxnet.module import Classifier, Module
from d2lrnn.mxnet.tensors import randn, zeros


class RNNScratch(RNNScratchBase, Module):
    """The RNN model implemented from scratch (the loop: ``d2lrnn/core/rnn.py``)."""

    ops = tensors

    def __init__(self, num_inputs: int, num_hiddens: int, sigma: float = 0.01) -> None:
        core_params.check_rnn_args(num_inputs, num_hiddens, sigma)
        super().__init__()
        self.save_hyperparameters()
        self.W_xh = randn(num_inputs, num_hiddens) * sigma
        self.W_hh = randn(num_hiddens, num_hiddens) * sigma
        self.b_h = zeros(num_hiddens)

    def begin_state(self, inputs: Any, state: Any) -> Any:
        if state is None:
            return zeros((inputs.shape[1], self.num_hiddens), ctx=inputs.ctx)
        return state


class RNNLMScratch(RNNLMScratchBase, Classifier):
    """The RNN-based language model implemented from scratch."""

    ops = tensors

    def __init__(self, rnn: RNNScratch, vocab_size: int, lr: float = 0.01) -> None:
        core_params.check_lm_args(rnn, vocab_size, lr)
        super().__init__()
        self.save_hyperparameters()
        self.init_params()

    def init_params(self) -> None:
        self.W_hq = randn(self.rnn.num_hiddens, self.vocab_size) * self.rnn.sigma
        self.b_q = zeros(self.vocab_size)
        for param in self.get_scratch_params():
            param.attach_grad()

    def one_hot(self, X: Any) -> Any:
        # (batch_size, num_steps) -> (num_steps, batch_size, vocab_size)
        return npx.one_hot(X.T, self.vocab_size)

    def decode_step(self, device: Any) -> Any:
        device = device if device is not None else self.W_hq.ctx

        def step(token: int, state: Any, need_logits: bool) -> tuple[Any, Any]:
            X = np.array([[token]], ctx=device)
            rnn_outputs, state = self.rnn(self.one_hot(X), state)
            if not need_logits:
                return None, state
            return self.output_layer(rnn_outputs)[0, 0].asnumpy(), state
        return step

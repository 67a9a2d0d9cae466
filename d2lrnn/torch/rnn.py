"""The section's models on PyTorch, written as the book writes them."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

from d2lrnn.core import params as core_params
from d2lrnn.core.lm import RNNLMScratchBase
from d2lrnn.core.rnn import RNNScratchBase
from d2lrnn.torch import tensors
from d2lrnn.torch.module import Classifier, Module
from d2lrnn.torch.tensors import randn, zeros


class RNNScratch(RNNScratchBase, Module):
    """The RNN model implemented from scratch (the loop: ``d2lrnn/core/rnn.py``)."""

    ops = tensors

    def __init__(self, num_inputs: int, num_hiddens: int, sigma: float = 0.01) -> None:
        core_params.check_rnn_args(num_inputs, num_hiddens, sigma)
        super().__init__()
        self.save_hyperparameters()
        self.W_xh = nn.Parameter(randn(num_inputs, num_hiddens) * sigma)
        self.W_hh = nn.Parameter(randn(num_hiddens, num_hiddens) * sigma)
        self.b_h = nn.Parameter(zeros(num_hiddens))

    def begin_state(self, inputs: torch.Tensor, state: Any) -> torch.Tensor:
        if state is None:
            return zeros((inputs.shape[1], self.num_hiddens), device=inputs.device)
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
        self.W_hq = nn.Parameter(randn(self.rnn.num_hiddens, self.vocab_size) * self.rnn.sigma)
        self.b_q = nn.Parameter(zeros(self.vocab_size))

    def one_hot(self, X: torch.Tensor) -> torch.Tensor:
        # (batch_size, num_steps) -> (num_steps, batch_size, vocab_size)
        return F.one_hot(X.T, self.vocab_size).type(torch.float32)

    def decode_step(self, device: Any) -> Any:
        device = device if device is not None else self.W_hq.device

        @torch.no_grad()
        def step(token: int, state: Any, need_logits: bool) -> tuple[Any, Any]:
            X = torch.tensor([[token]], device=device)
            rnn_outputs, state = self.rnn(self.one_hot(X), state)
            if not need_logits:
                return None, state
            return self.output_layer(rnn_outputs)[0, 0].cpu().numpy(), state
        return step

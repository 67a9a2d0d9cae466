"""The section's models on PyTorch, written as the book writes them."""

from __future__ import annotations

from typing import Any

import torch

from d2lrnn.core.lm import RNNLMScratchBase
from d2lrnn.core.rnn import RNNScratchBase
from d2lrnn.torch import tensors
from d2lrnn.torch.module import Classifier, Module
from d2lrnn.torch.tensors import one_hot_float, zeros


class RNNScratch(RNNScratchBase, Module):
    """The RNN model implemented from scratch (the loop: ``d2lrnn/core/rnn.py``)."""

    ops = tensors

    def begin_state(self, inputs: torch.Tensor, state: Any) -> torch.Tensor:
        if state is None:
            return zeros((inputs.shape[1], self.num_hiddens), device=inputs.device)
        return state


class RNNLMScratch(RNNLMScratchBase, Classifier):
    """The RNN-based language model implemented from scratch."""

    ops = tensors

    def one_hot(self, X: torch.Tensor) -> torch.Tensor:
        # (batch_size, num_steps) -> (num_steps, batch_size, vocab_size)
        return one_hot_float(X.T, self.vocab_size)

    def decode_step(self, device: Any) -> Any:
        # the device of the model's first parameter (W_hq in the scratch model; the concise
        # model's output layer is self.linear)
        device = device if device is not None else next(self.parameters()).device

        @torch.no_grad()
        def step(token: int, state: Any, need_logits: bool) -> tuple[Any, Any]:
            X = torch.tensor([[token]], device=device)
            rnn_outputs, state = self.rnn(self.one_hot(X), state)
            if not need_logits:
                return None, state
            return self.output_layer(rnn_outputs)[0, 0].cpu().numpy(), state
        return step

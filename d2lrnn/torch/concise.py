"""The section "Concise Implementation of RNNs" on PyTorch: the book's ``RNN`` over
``torch.nn.RNN`` and ``RNNLM`` with a ``LazyLinear`` output layer."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from d2lrnn.core.checks import positive_int
from d2lrnn.core.models import GRU_FAMILIES, GRU_LM_BI, LSTM_LM_CONCISE
from d2lrnn.core.params import check_stack_args
from d2lrnn.torch.module import Module
from d2lrnn.torch.rnn import RNNLMScratch
from d2lrnn.torch.tensors import swapaxes


class RNN(Module):
    """The RNN model implemented with high-level APIs."""

    lm_family = "rnn-lm-concise"  # its layer map, under d2l.RNNLM (layer_map.py)

    def __init__(self, num_inputs: int, num_hiddens: int) -> None:
        positive_int("num_inputs", num_inputs)
        positive_int("num_hiddens", num_hiddens)
        super().__init__()
        self.save_hyperparameters()
        self.rnn = nn.RNN(num_inputs, num_hiddens)

    def forward(self, inputs: torch.Tensor, H: Any = None) -> tuple[torch.Tensor, torch.Tensor]:
        # inputs (num_steps, batch_size, num_inputs) -> outputs (num_steps, batch_size,
        # num_hiddens), H (1, batch_size, num_hiddens)
        return self.rnn(inputs, H)


class GRU(RNN):
    """The multilayer GRU model (the deep-RNN section's saved ``d2l.GRU``): ``nn.GRU`` with
    ``num_layers`` layers and ``dropout`` between them. State (num_layers, batch_size,
    num_hiddens)."""

    def __init__(self, num_inputs: int, num_hiddens: int, num_layers: int,
                 dropout: float = 0) -> None:
        check_stack_args(num_inputs=num_inputs, num_hiddens=num_hiddens, num_layers=num_layers,
                         dropout=dropout)
        Module.__init__(self)
        self.save_hyperparameters()
        self.rnn = nn.GRU(num_inputs, num_hiddens, num_layers, dropout=dropout)

    @property
    def lm_family(self) -> str | None:
        """Its layer map under d2l.RNNLM (layer_map.py): by its number of layers."""
        return GRU_FAMILIES.get(self.num_layers)


class ConciseLSTM(RNN):
    """The LSTM section's concise model (the book's reader defines it as ``class LSTM(d2l.RNN)``
    in the section's cell): ``nn.LSTM``; state (H, C), each (1, batch_size, num_hiddens)."""

    lm_family = LSTM_LM_CONCISE.name  # its layer map, under d2l.RNNLM (layer_map.py)

    def __init__(self, num_inputs: int, num_hiddens: int) -> None:
        check_stack_args(num_inputs=num_inputs, num_hiddens=num_hiddens, num_layers=1,
                         dropout=0)
        Module.__init__(self)
        self.save_hyperparameters()
        self.rnn = nn.LSTM(num_inputs, num_hiddens)

    def forward(self, inputs: torch.Tensor, H_C: Any = None) -> tuple[torch.Tensor, Any]:
        # inputs (num_steps, batch_size, num_inputs) -> outputs (num_steps, batch_size,
        # num_hiddens), (H, C); H_C None starts from zeros
        return self.rnn(inputs, H_C)


class BiGRU(RNN):
    """The bi-RNN section's concise bidirectional GRU: ``nn.GRU(..., bidirectional=True)``;
    its outputs concatenate both directions, so ``num_hiddens`` doubles (as the book's).
    State (2, batch_size, num_hiddens / 2)."""

    lm_family = GRU_LM_BI.name  # its layer map, under d2l.RNNLM (layer_map.py)

    def __init__(self, num_inputs: int, num_hiddens: int) -> None:
        check_stack_args(num_inputs=num_inputs, num_hiddens=num_hiddens, num_layers=1,
                         dropout=0)
        Module.__init__(self)
        self.save_hyperparameters()
        self.rnn = nn.GRU(num_inputs, num_hiddens, bidirectional=True)
        self.num_hiddens *= 2


class RNNLM(RNNLMScratch):
    """The RNN-based language model implemented with high-level APIs."""

    def init_params(self) -> None:
        self.linear = nn.LazyLinear(self.vocab_size)

    def output_layer(self, hiddens: torch.Tensor) -> torch.Tensor:
        # (num_steps, batch_size, num_hiddens) -> (batch_size, num_steps, vocab_size)
        return swapaxes(self.linear(hiddens), 0, 1)

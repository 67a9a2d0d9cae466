"""The sections "The Encoder-Decoder Architecture" and "Sequence-to-Sequence Learning for
Machine Translation" on PyTorch: what is torch's own (the base classes, ``init_seq2seq``, the
encoder's layers, Adam); the rest is ``d2lrnn/core/encdec.py``."""

from __future__ import annotations

import contextlib
from typing import Any

import torch
from torch import nn

from d2lrnn.core import encdec
from d2lrnn.core.models import SEQ2SEQ_GRU
from d2lrnn.core.seq2seq import bleu
from d2lrnn.torch import tensors
from d2lrnn.torch.concise import GRU
from d2lrnn.torch.module import Classifier


class Encoder(encdec.EncoderBase, nn.Module):
    """The base encoder interface for the encoder--decoder architecture."""


class Decoder(encdec.DecoderBase, nn.Module):
    """The base decoder interface for the encoder--decoder architecture."""


class EncoderDecoder(encdec.EncoderDecoderBase, Classifier):
    """The base class for the encoder--decoder architecture: ``forward(enc_X, dec_X, *args)``
    returns the decoder's output only; ``predict_step(batch, device, num_steps,
    save_attention_weights=False)`` decodes greedily."""

    ops = tensors

    def inference(self) -> contextlib.AbstractContextManager[Any]:
        return torch.no_grad()


def init_seq2seq(module: nn.Module) -> None:
    """Initialize weights for sequence-to-sequence learning: Xavier-uniform weights of
    ``nn.Linear`` and ``nn.GRU`` layers (biases keep torch's default)."""
    if type(module) == nn.Linear:  # noqa: E721  (the book's test: not LazyLinear before use)
        nn.init.xavier_uniform_(module.weight)
    if type(module) == nn.GRU:  # noqa: E721
        for param in module._flat_weights_names:
            if "weight" in param:
                nn.init.xavier_uniform_(module._parameters[param])


def _embedding_and_gru(module: nn.Module, vocab_size: int, embed_size: int, num_hiddens: int,
                      num_layers: int, dropout: float, context: bool = False) -> None:
    """The layers the seq2seq encoder and decoder share: ``module.embedding`` (``vocab_size``
    tokens of ``embed_size``) and ``module.rnn``, a stacked GRU over the embeddings (each
    concatenated with the context of ``num_hiddens`` when ``context``)."""
    module.embedding = nn.Embedding(vocab_size, embed_size)
    module.rnn = GRU(embed_size + (num_hiddens if context else 0), num_hiddens, num_layers,
                     dropout)


class Seq2SeqEncoder(Encoder):
    """The RNN encoder for sequence-to-sequence learning."""

    def __init__(self, vocab_size: int, embed_size: int, num_hiddens: int, num_layers: int,
                 dropout: float = 0) -> None:
        encdec.check_encoder_args(vocab_size, embed_size)
        super().__init__()
        _embedding_and_gru(self, vocab_size, embed_size, num_hiddens, num_layers, dropout)
        self.apply(init_seq2seq)

    def forward(self, X: torch.Tensor, *args: Any) -> tuple[torch.Tensor, torch.Tensor]:
        # X shape: (batch_size, num_steps)
        embs = self.embedding(tensors.astype(tensors.transpose(X), tensors.int64))
        # embs shape: (num_steps, batch_size, embed_size)
        outputs, state = self.rnn(embs)
        # outputs shape: (num_steps, batch_size, num_hiddens)
        # state shape: (num_layers, batch_size, num_hiddens)
        return outputs, state


class Seq2SeqDecoder(Decoder):
    """The RNN decoder for sequence to sequence learning (the book's cell in the section; the
    book does not save it): the embedded target tokens, each concatenated with the context
    (the encoder's top-layer output at its last step), through a stacked GRU started from the
    encoder's final states, then a dense layer."""

    def __init__(self, vocab_size: int, embed_size: int, num_hiddens: int, num_layers: int,
                 dropout: float = 0) -> None:
        encdec.check_encoder_args(vocab_size, embed_size)
        super().__init__()
        _embedding_and_gru(self, vocab_size, embed_size, num_hiddens, num_layers, dropout,
                           context=True)
        self.dense = nn.LazyLinear(vocab_size)
        self.apply(init_seq2seq)

    def init_state(self, enc_all_outputs: Any, *args: Any) -> Any:
        return enc_all_outputs

    def forward(self, X: torch.Tensor, state: Any) -> tuple[torch.Tensor, list[torch.Tensor]]:
        # X shape: (batch_size, num_steps)
        # embs shape: (num_steps, batch_size, embed_size)
        embs = self.embedding(tensors.astype(tensors.transpose(X), tensors.int32))
        return encdec.context_decode(tensors, self.rnn, self.dense, embs, state)


class Seq2Seq(encdec.Seq2SeqBase, EncoderDecoder):
    """The RNN encoder--decoder for sequence to sequence learning: the loss averages the
    cross-entropy over the target tokens that are not ``<pad>`` (``tgt_pad``); Adam."""

    lm_family = SEQ2SEQ_GRU.name  # its layer map (layer_map.SEQ2SEQ): get_params, set_params

    def configure_optimizers(self) -> torch.optim.Optimizer:
        # Adam optimizer is used here
        return torch.optim.Adam(self.parameters(), lr=self.lr)

__all__ = ["Decoder", "Encoder", "EncoderDecoder", "Seq2Seq", "Seq2SeqDecoder", "Seq2SeqEncoder",
           "bleu", "init_seq2seq"]

"""The sections "The Encoder-Decoder Architecture" and "Sequence-to-Sequence Learning for
Machine Translation" on MXNet: what is Gluon's own (the base Blocks, the encoder's layers with
Xavier initialization, Adam through a Gluon Trainer); the rest is ``d2lrnn/core/encdec.py``."""

from __future__ import annotations

from typing import Any

from mxnet import gluon, init  # d2lrnn.mxnet.__init__ ran the compat step first
from mxnet.gluon import nn

from d2lrnn.core import encdec
from d2lrnn.core.models import SEQ2SEQ_GRU
from d2lrnn.core.seq2seq import bleu
from d2lrnn.mxnet import tensors
from d2lrnn.mxnet.concise import GRU
from d2lrnn.mxnet.module import Classifier


class Encoder(encdec.EncoderBase, nn.Block):
    """The base encoder interface for the encoder--decoder architecture."""


class Decoder(encdec.DecoderBase, nn.Block):
    """The base decoder interface for the encoder--decoder architecture."""


class EncoderDecoder(encdec.EncoderDecoderBase, Classifier):
    """The base class for the encoder--decoder architecture: ``forward(enc_X, dec_X, *args)``
    returns the decoder's output only; ``predict_step(batch, device, num_steps,
    save_attention_weights=False)`` decodes greedily (outside ``autograd.record``: no graph,
    no dropout)."""

    ops = tensors


def _embedding_and_gru(module: nn.Block, vocab_size: int, embed_size: int, num_hiddens: int,
                      num_layers: int, dropout: float) -> None:
    """The layers the seq2seq encoder and decoder share: ``module.embedding`` (``vocab_size``
    tokens of ``embed_size``) and ``module.rnn``, a stacked GRU of ``num_layers`` layers of
    ``num_hiddens`` units over the embeddings."""
    module.embedding = nn.Embedding(vocab_size, embed_size)
    module.rnn = GRU(num_hiddens, num_layers, dropout)


class Seq2SeqEncoder(Encoder):
    """The RNN encoder for sequence-to-sequence learning (Xavier-initialized)."""

    def __init__(self, vocab_size: int, embed_size: int, num_hiddens: int, num_layers: int,
                 dropout: float = 0) -> None:
        encdec.check_encoder_args(vocab_size, embed_size)
        super().__init__()
        _embedding_and_gru(self, vocab_size, embed_size, num_hiddens, num_layers, dropout)
        self.initialize(init.Xavier())

    def forward(self, X: Any, *args: Any) -> tuple[Any, Any]:
        # X shape: (batch_size, num_steps)
        embs = self.embedding(tensors.transpose(X))
        # embs shape: (num_steps, batch_size, embed_size)
        outputs, state = self.rnn(embs)
        # outputs shape: (num_steps, batch_size, num_hiddens)
        # state shape: (num_layers, batch_size, num_hiddens)
        return outputs, state


class Seq2SeqDecoder(Decoder):
    """The RNN decoder for sequence to sequence learning (the book's cell in the section; the
    book does not save it): the embedded target tokens, each concatenated with the context
    (the encoder's top-layer output at its last step), through a stacked GRU started from the
    encoder's final states, then a dense layer (Xavier-initialized)."""

    def __init__(self, vocab_size: int, embed_size: int, num_hiddens: int, num_layers: int,
                 dropout: float = 0) -> None:
        encdec.check_encoder_args(vocab_size, embed_size)
        super().__init__()
        _embedding_and_gru(self, vocab_size, embed_size, num_hiddens, num_layers, dropout)
        self.dense = nn.Dense(vocab_size, flatten=False)
        self.initialize(init.Xavier())

    def init_state(self, enc_all_outputs: Any, *args: Any) -> Any:
        return enc_all_outputs

    def forward(self, X: Any, state: Any) -> tuple[Any, list[Any]]:
        # X shape: (batch_size, num_steps)
        # embs shape: (num_steps, batch_size, embed_size)
        embs = self.embedding(tensors.transpose(X))
        return encdec.context_decode(tensors, self.rnn, self.dense, embs, state)


class Seq2Seq(encdec.Seq2SeqBase, EncoderDecoder):
    """The RNN encoder--decoder for sequence to sequence learning: the loss averages the
    cross-entropy over the target tokens that are not ``<pad>`` (``tgt_pad``); Adam."""

    lm_family = SEQ2SEQ_GRU.name  # its layer map (layer_map.SEQ2SEQ): get_params, set_params

    def configure_optimizers(self) -> gluon.Trainer:
        # Adam optimizer is used here
        return gluon.Trainer(self.parameters(), "adam", {"learning_rate": self.lr})

__all__ = ["Decoder", "Encoder", "EncoderDecoder", "Seq2Seq", "Seq2SeqDecoder", "Seq2SeqEncoder",
           "bleu"]

"""The sections "The Encoder-Decoder Architecture" and "Sequence-to-Sequence Learning" on JAX
with Flax linen and Optax: the book's saved ``Encoder``, ``Decoder``, ``EncoderDecoder`` (a
``d2l.Classifier`` with a ``training`` field, and the saved greedy ``predict_step(params, batch,
num_steps)``), ``Seq2SeqEncoder`` and ``Seq2Seq`` (the masked loss, with the train state's
dropout key; Adam). The greedy loop and the masking are ``d2lrnn/core/encdec.py``'s; this file
holds what is Flax's: modules as dataclasses, parameters passed to ``apply``."""

from __future__ import annotations

from typing import Any

import jax
import optax
from flax import linen as nn

from d2lrnn.core import encdec
from d2lrnn.core.models import SEQ2SEQ_GRU
from d2lrnn.jax import tensors
from d2lrnn.jax.concise import GRU
from d2lrnn.jax.module import Classifier


class Encoder(nn.Module):
    """The base encoder interface for the encoder--decoder architecture."""

    def setup(self) -> None:
        raise NotImplementedError(f"{type(self).__name__} must define setup()")

    # Later there can be additional arguments (e.g., length excluding padding)
    def __call__(self, X: jax.Array, *args: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define __call__(X, *args)")


class Decoder(nn.Module):
    """The base decoder interface for the encoder--decoder architecture."""

    def setup(self) -> None:
        raise NotImplementedError(f"{type(self).__name__} must define setup()")

    # Later there can be additional arguments (e.g., length excluding padding)
    def init_state(self, enc_all_outputs: Any, *args: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define "
                                  "init_state(enc_all_outputs, *args)")

    def __call__(self, X: jax.Array, state: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define __call__(X, state)")


class EncoderDecoder(Classifier):
    """The base class for the encoder--decoder architecture: the encoder and decoder run with
    ``training=self.training`` (the book builds the model with ``training=True``: dropout on,
    also for the validation loss); ``predict_step`` runs them with ``training=False``."""

    encoder: nn.Module
    decoder: nn.Module
    training: bool

    def __post_init__(self) -> None:
        encdec.check_encoder_decoder(self.encoder, self.decoder)
        super().__post_init__()

    def __call__(self, enc_X: jax.Array, dec_X: jax.Array, *args: Any) -> jax.Array:
        enc_all_outputs = self.encoder(enc_X, *args, training=self.training)
        dec_state = self.decoder.init_state(enc_all_outputs, *args)
        # Return decoder output only
        return self.decoder(dec_X, dec_state, training=self.training)[0]

    def predict_step(self, params: Any, batch: Any, num_steps: int,
                     save_attention_weights: bool = False) -> tuple[jax.Array, Any]:
        """Greedy translation of ``batch`` (src, tgt, src_valid_len, label) for ``num_steps``
        tokens from tgt's first column (<bos>), with the parameters ``params`` (e.g.
        ``trainer.state.params``): (tokens (B, num_steps), (the decoder's attention weights of
        each step, the encoder's), kept in Flax's 'intermediates' collection as
        ``dec_attention_weights`` / ``enc_attention_weights`` when ``save_attention_weights``)."""
        src, tgt, src_valid_len, _ = encdec.check_predict_batch(batch)
        enc_all_outputs, inter_enc_vars = self.encoder.apply(
            {"params": params["encoder"]}, src, src_valid_len, training=False,
            mutable="intermediates")
        # Save encoder attention weights if inter_enc_vars containing encoder
        # attention weights is not empty. (to be covered later)
        enc_attention_weights: Any = []
        if bool(inter_enc_vars) and save_attention_weights:
            enc_attention_weights = inter_enc_vars["intermediates"]["enc_attention_weights"][0]
        dec_state = self.decoder.init_state(enc_all_outputs, src_valid_len)
        last: dict[str, Any] = {}

        def decode(X: jax.Array, state: Any) -> tuple[Any, Any]:
            (Y, state), last["vars"] = self.decoder.apply(
                {"params": params["decoder"]}, X, state, training=False,
                mutable="intermediates")
            return Y, state

        attention = ((lambda: last["vars"]["intermediates"]["dec_attention_weights"][0])
                     if save_attention_weights else None)
        outputs, attention_weights = encdec.greedy_decode(tensors, decode, tgt[:, 0], dec_state,
                                                          num_steps, attention)
        return outputs, (attention_weights, enc_attention_weights)


class EmbeddingGRU(nn.Module):
    """What the seq2seq encoder and decoder share (also the older edition's JAX encoder): the
    fields, their check, and the layers ``embedding`` (``vocab_size`` tokens of
    ``embed_size``) and ``rnn``, a stacked GRU (``num_layers`` layers of ``num_hiddens``)."""

    vocab_size: int
    embed_size: int
    num_hiddens: int
    num_layers: int
    dropout: float = 0

    def __post_init__(self) -> None:
        encdec.check_encoder_args(self.vocab_size, self.embed_size)
        super().__post_init__()

    def setup(self) -> None:
        self.embedding = nn.Embed(self.vocab_size, self.embed_size)
        self.rnn = GRU(self.num_hiddens, self.num_layers, self.dropout)


class Seq2SeqEncoder(EmbeddingGRU, Encoder):
    """The RNN encoder for sequence-to-sequence learning."""

    def __call__(self, X: jax.Array, *args: Any, training: bool = False
                 ) -> tuple[jax.Array, jax.Array]:
        # X shape: (batch_size, num_steps)
        embs = self.embedding(tensors.transpose(X).astype(tensors.int32))
        # embs shape: (num_steps, batch_size, embed_size)
        outputs, state = self.rnn(embs, training=training)
        # outputs shape: (num_steps, batch_size, num_hiddens)
        # state shape: (num_layers, batch_size, num_hiddens)
        return outputs, state


class Seq2SeqDecoder(EmbeddingGRU, Decoder):
    """The RNN decoder for sequence to sequence learning (the book's cell in the section; the
    book does not save it): the embedded target tokens, each concatenated with the context
    (the encoder's top-layer output at its last step), through a stacked GRU started from the
    encoder's final states, then a dense layer."""

    def setup(self) -> None:
        super().setup()
        self.dense = nn.Dense(self.vocab_size)

    def init_state(self, enc_all_outputs: Any, *args: Any) -> Any:
        return enc_all_outputs

    def __call__(self, X: jax.Array, state: Any, training: bool = False
                 ) -> tuple[jax.Array, list[jax.Array]]:
        # X shape: (batch_size, num_steps)
        # embs shape: (num_steps, batch_size, embed_size)
        embs = self.embedding(tensors.transpose(X).astype(tensors.int32))
        return encdec.context_decode(tensors, self.rnn, self.dense, embs, state,
                                     training=training)


class Seq2Seq(EncoderDecoder):
    """The RNN encoder--decoder for sequence to sequence learning: the loss averages the
    per-token cross-entropy over the targets that are not ``<pad>`` (dropout from the train
    state's ``dropout_rng``, as the book's); Adam."""

    encoder: nn.Module
    decoder: nn.Module
    tgt_pad: int
    lr: float

    lm_family = SEQ2SEQ_GRU.name  # its layer map (layer_map.SEQ2SEQ): get_params, set_params

    def __post_init__(self) -> None:
        encdec.check_seq2seq_args(self.tgt_pad, self.lr)
        super().__post_init__()

    def validation_step(self, params: Any, batch: Any, state: Any) -> None:
        l, _ = self.loss(params, batch[:-1], batch[-1], state)
        self.plot("loss", l, train=False)

    def configure_optimizers(self) -> optax.GradientTransformation:
        # Adam optimizer is used here
        return optax.adam(learning_rate=self.lr)

    def loss(self, params: Any, X: Any, Y: Any, state: Any, averaged: bool = False
             ) -> tuple[jax.Array, dict[str, Any]]:
        l, _ = super().loss(params, X, Y, state, averaged=False)  # per token, dropout keyed
        return encdec.masked_mean(tensors, l, Y, self.tgt_pad), {}

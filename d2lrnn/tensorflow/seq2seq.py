"""The sections "The Encoder-Decoder Architecture" and "Sequence-to-Sequence Learning" on
TensorFlow with Keras 3: the book's saved ``Encoder``, ``Decoder`` (Keras layers),
``EncoderDecoder`` (a ``d2l.Classifier``, with the saved greedy ``predict_step``),
``Seq2SeqEncoder`` and ``Seq2Seq`` (the masked loss, Adam). What reads the same on every
framework is in ``d2lrnn/core/encdec.py``; this file holds what is Keras's: the layers' ``call``
and the book's ``training=`` flags."""

from __future__ import annotations

from typing import Any

import keras
import tensorflow as tf

from d2lrnn.core import encdec
from d2lrnn.core.models import SEQ2SEQ_GRU
from d2lrnn.tensorflow import tensors
from d2lrnn.tensorflow.concise import GRU
from d2lrnn.tensorflow.module import Classifier


class KerasPart(keras.layers.Layer):
    """A Keras layer whose sub-layers (and ``d2l`` modules) make their weights at the first
    call. Keras 3 builds a layer without its own ``build`` by tracing ``call`` symbolically,
    which fails for the book's ``call(self, X, *args)`` (a warning on every new layer): this
    ``build`` only marks the layer built, and the call itself builds what it holds."""

    def build(self, *args: Any, **kwargs: Any) -> None:
        pass


class Encoder(KerasPart):
    """The base encoder interface for the encoder--decoder architecture."""

    def __init__(self) -> None:
        super().__init__()

    # Later there can be additional arguments (e.g., length excluding padding)
    def call(self, X: tf.Tensor, *args: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define call(X, *args)")


class Decoder(encdec.DecoderBase, KerasPart):
    """The base decoder interface for the encoder--decoder architecture."""

    def __init__(self) -> None:
        super().__init__()

    def call(self, X: tf.Tensor, state: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define call(X, state)")


class EncoderDecoder(encdec.EncoderDecoderBase, Classifier):
    """The base class for the encoder--decoder architecture. As the book's, the forward pass
    runs the encoder and decoder with ``training=True`` (dropout on, also for the validation
    loss); ``predict_step`` runs them with ``training=False``."""

    ops = tensors

    def call(self, enc_X: tf.Tensor, dec_X: tf.Tensor, *args: Any) -> tf.Tensor:
        enc_all_outputs = self.encoder(enc_X, *args, training=True)
        dec_state = self.decoder.init_state(enc_all_outputs, *args)
        # Return decoder output only
        return self.decoder(dec_X, dec_state, training=True)[0]

    def forward(self, enc_X: tf.Tensor, dec_X: tf.Tensor, *args: Any) -> tf.Tensor:
        return self.call(enc_X, dec_X, *args)  # d2l.Module.__call__ runs forward

    # predict_step's hooks: the book's TensorFlow tab keeps the batch where it is (variables
    # and steps are placed by ``with d2l.try_gpu():`` scopes) and calls with training=False
    def move_batch(self, batch: Any, device: Any) -> list[Any]:
        return list(batch)

    def encode(self, src: tf.Tensor, *args: Any) -> Any:
        return self.encoder(src, *args, training=False)

    def decode_step(self, X: tf.Tensor, state: Any) -> tuple[Any, Any]:
        return self.decoder(X, state, training=False)


def _embedding_and_gru(module: keras.Layer, vocab_size: int, embed_size: int, num_hiddens: int,
                      num_layers: int, dropout: float) -> None:
    """The layers the seq2seq encoder and decoder share: ``module.embedding`` (``vocab_size``
    tokens of ``embed_size``) and ``module.rnn``, a stacked GRU of ``num_layers`` layers of
    ``num_hiddens`` units over the embeddings."""
    module.embedding = keras.layers.Embedding(vocab_size, embed_size)
    module.rnn = GRU(num_hiddens, num_layers, dropout)


class Seq2SeqEncoder(Encoder):
    """The RNN encoder for sequence-to-sequence learning."""

    def __init__(self, vocab_size: int, embed_size: int, num_hiddens: int, num_layers: int,
                 dropout: float = 0) -> None:
        encdec.check_encoder_args(vocab_size, embed_size)
        super().__init__()
        _embedding_and_gru(self, vocab_size, embed_size, num_hiddens, num_layers, dropout)

    def call(self, X: tf.Tensor, *args: Any) -> tuple[tf.Tensor, list[tf.Tensor]]:
        # X shape: (batch_size, num_steps)
        embs = self.embedding(tf.transpose(X))
        # embs shape: (num_steps, batch_size, embed_size)
        outputs, state = self.rnn(embs)
        # outputs shape: (num_steps, batch_size, num_hiddens)
        # state: num_layers tensors of shape (batch_size, num_hiddens)
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
        _embedding_and_gru(self, vocab_size, embed_size, num_hiddens, num_layers, dropout)
        self.dense = keras.layers.Dense(vocab_size)

    def init_state(self, enc_all_outputs: Any, *args: Any) -> Any:
        return enc_all_outputs

    def call(self, X: tf.Tensor, state: Any) -> tuple[tf.Tensor, list[Any]]:
        # X shape: (batch_size, num_steps)
        # embs shape: (num_steps, batch_size, embed_size)
        embs = self.embedding(tf.transpose(X))
        return encdec.context_decode(tensors, self.rnn, self.dense, embs, state)


class Seq2Seq(encdec.Seq2SeqBase, EncoderDecoder):
    """The RNN encoder--decoder for sequence to sequence learning: the loss averages the
    per-token cross-entropy over the targets that are not ``<pad>``; Adam."""

    lm_family = SEQ2SEQ_GRU.name  # its layer map (layer_map.SEQ2SEQ): get_params, set_params

    def configure_optimizers(self) -> keras.optimizers.Optimizer:
        # Adam optimizer is used here
        return keras.optimizers.Adam(learning_rate=float(self.lr))

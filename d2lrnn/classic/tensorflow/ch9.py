"""Chapter 9's encoder-decoder and sequence-to-sequence sections on TensorFlow 2 / Keras 3:
what is TensorFlow's own, with the TensorFlow tab's signatures (``MaskedSoftmaxCELoss(
valid_len)(label, pred)``, ``predict_seq2seq(net, src_sentence, src_vocab, tgt_vocab,
num_steps, save_attention_weights=False)``: no device). The loops of ``train_seq2seq`` and
``predict_seq2seq`` and ``bleu`` are shared (``d2lrnn.classic.seq2seq``).

Differences from the book's library, on purpose (Keras 3):
- ``Seq2SeqEncoder`` returns its state as one tensor per layer, as the book printed (Keras 3's
  stacked cells nest each layer's state in a list); a decoder started from it returns the same.
- ``MaskedSoftmaxCELoss`` casts the labels back to integers (Keras 3's ``Loss`` converts
  ``y_true`` to float before ``call``, and ``tf.one_hot`` takes integer indices).
- ``train_seq2seq`` runs each minibatch's GradientTape step, clipping and Adam update as one
  ``tf.function`` (eagerly, after a warning, for a model that cannot be traced).
"""

from __future__ import annotations

from typing import Any

import tensorflow as tf

from d2lrnn.classic import seq2seq as _s2s
from d2lrnn.classic.seq2seq import bleu  # noqa: F401  (the book's, written once)
from d2lrnn.classic.tensorflow.ch8 import compiled_or_eager, grad_clipping
from d2lrnn.core import encdec as _encdec
from d2lrnn.tensorflow import tensors as _tensors
from d2lrnn.tensorflow.seq2seq import KerasPart as _KerasPart


class Encoder(_KerasPart):
    """The base encoder interface for the encoder-decoder architecture."""

    def call(self, X: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define call(X, *args, **kwargs)")


class Decoder(_KerasPart):
    """The base decoder interface for the encoder-decoder architecture."""

    def init_state(self, enc_outputs: Any, *args: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define "
                                  "init_state(enc_outputs, *args)")

    def call(self, X: Any, state: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define call(X, state, **kwargs)")


class EncoderDecoder(tf.keras.Model):
    """The base class for the encoder-decoder architecture."""

    def __init__(self, encoder: Any, decoder: Any, **kwargs: Any) -> None:
        _encdec.check_encoder_decoder(encoder, decoder)
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder

    def build(self, *args: Any, **kwargs: Any) -> None:
        pass  # the encoder and the decoder build at their first call (see KerasPart)

    def call(self, enc_X: Any, dec_X: Any, *args: Any, **kwargs: Any) -> Any:
        enc_outputs = self.encoder(enc_X, *args, **kwargs)
        dec_state = self.decoder.init_state(enc_outputs, *args)
        return self.decoder(dec_X, dec_state, **kwargs)


def _flat(states: Any) -> list[Any]:
    """Keras 3 stacked cells' states ([[h1], [h2]], or [h1, h2]) as [h1, h2]."""
    return [s[0] if isinstance(s, (list, tuple)) and len(s) == 1 else s for s in states]


class Seq2SeqEncoder(Encoder):
    """The RNN encoder for sequence to sequence learning."""

    def __init__(self, vocab_size: int, embed_size: int, num_hiddens: int, num_layers: int,
                 dropout: float = 0, **kwargs: Any) -> None:
        _encdec.check_encoder_args(vocab_size, embed_size)
        super().__init__(**kwargs)
        # Embedding layer
        self.embedding = tf.keras.layers.Embedding(vocab_size, embed_size)
        self.rnn = tf.keras.layers.RNN(tf.keras.layers.StackedRNNCells(
            [tf.keras.layers.GRUCell(num_hiddens, dropout=dropout)
             for _ in range(num_layers)]), return_sequences=True, return_state=True)

    def call(self, X: Any, *args: Any, **kwargs: Any) -> tuple[Any, list[Any]]:
        # The input `X` shape: (`batch_size`, `num_steps`)
        # The output `X` shape: (`batch_size`, `num_steps`, `embed_size`)
        X = self.embedding(X)
        output = self.rnn(X, **kwargs)
        # `output[0]` shape: (`batch_size`, `num_steps`, `num_hiddens`); the state: one
        # (`batch_size`, `num_hiddens`) tensor per layer
        return output[0], _flat(output[1:])


def sequence_mask(X: Any, valid_len: Any, value: float = 0) -> tf.Tensor:
    """Mask irrelevant entries in sequences: the entries of X (batch_size, num_steps[, n]) at
    steps >= valid_len become ``value`` (a new tensor)."""
    maxlen = X.shape[1]
    mask = tf.range(start=0, limit=maxlen, dtype=tf.float32)[
        None, :] < tf.cast(valid_len[:, None], dtype=tf.float32)
    if len(X.shape) == 3:
        return tf.where(tf.expand_dims(mask, axis=-1), X, value)
    return tf.where(mask, X, value)


class MaskedSoftmaxCELoss(tf.keras.losses.Loss):
    """The softmax cross-entropy loss with masks: one loss per sequence, the mean over its
    steps of the per-token losses, those past its valid length counted as 0."""

    def __init__(self, valid_len: Any) -> None:
        super().__init__(reduction="none")
        self.valid_len = valid_len

    # `pred` shape: (`batch_size`, `num_steps`, `vocab_size`)
    # `label` shape: (`batch_size`, `num_steps`)
    # `valid_len` shape: (`batch_size`,)
    def call(self, label: Any, pred: Any) -> tf.Tensor:
        label = tf.cast(label, tf.int32)  # Keras 3 passes y_true as floats
        weights = tf.ones_like(label, dtype=tf.float32)
        weights = sequence_mask(weights, self.valid_len)
        label_one_hot = tf.one_hot(label, depth=pred.shape[-1])
        unweighted_loss = tf.keras.losses.CategoricalCrossentropy(
            from_logits=True, reduction="none")(label_one_hot, pred)
        weighted_loss = tf.reduce_mean((unweighted_loss * weights), axis=1)
        return weighted_loss


class _Hooks(_s2s.Seq2SeqHooks):
    def __init__(self) -> None:
        self._compiled: dict[int, Any] = {}

    def check_device(self, device: Any) -> Any:
        if device is None or isinstance(device, str) or hasattr(device, "_device_name"):
            return device
        raise TypeError(f"device must be a TensorFlow device such as d2l.try_gpu() or "
                        f"'/CPU:0'; got {device!r} ({type(device).__name__})")

    def device_name(self, device: Any) -> str:
        return str(getattr(device, "_device_name", device))

    def check_net(self, net: Any) -> None:
        if not isinstance(net, tf.keras.layers.Layer):
            raise TypeError(f"net must be a Keras model such as d2l.EncoderDecoder(encoder, "
                            f"decoder); got {type(net).__name__}")

    def vocab_sizes(self, net: Any) -> tuple[int | None, int | None]:
        return tuple(getattr(getattr(part, "embedding", None), "input_dim", None)
                     for part in (net.encoder, net.decoder))

    def prepare(self, net, lr, device, batch):
        self._compiled.pop(id(net), None)
        X, X_valid_len, Y, _ = batch
        net(X[:1], Y[:1], X_valid_len[:1], training=False)  # its weights, before tf.function
        optimizer = tf.keras.optimizers.Adam(learning_rate=lr)
        optimizer.build(net.trainable_variables)
        return optimizer

    @staticmethod
    def _eager_step(net, optimizer, X, X_valid_len, Y, Y_valid_len, bos):
        dec_input = _s2s.teacher_forcing(_tensors, Y, bos)  # Teacher forcing
        with tf.GradientTape() as tape:
            Y_hat, _ = net(X, dec_input, X_valid_len, training=True)
            l = MaskedSoftmaxCELoss(Y_valid_len)(Y, Y_hat)
        gradients = tape.gradient(l, net.trainable_variables)
        gradients = grad_clipping(gradients, 1)
        optimizer.apply_gradients(zip(gradients, net.trainable_variables, strict=True))
        return tf.reduce_sum(l), tf.reduce_sum(Y_valid_len)

    def step(self, net, optimizer, batch, bos, device):
        key = id(net)
        if key not in self._compiled:
            def graph(*batch):
                return self._eager_step(net, optimizer, *batch, bos)
            # any batch size (the last minibatch is smaller): traced once per run
            signature = [tf.TensorSpec((None, *a.shape[1:]), a.dtype) for a in batch]
            self._compiled[key] = tf.function(graph, input_signature=signature)
        return compiled_or_eager(self._compiled, key, tuple(batch),
                                 lambda: self._eager_step(net, optimizer, *batch, bos))

    def begin_decoding(self, net, src_tokens, enc_valid_len, device):
        enc_valid_len = tf.constant([enc_valid_len])
        # Add the batch axis
        enc_X = tf.expand_dims(src_tokens, axis=0)
        enc_outputs = net.encoder(enc_X, enc_valid_len, training=False)
        return net.decoder.init_state(enc_outputs, enc_valid_len)

    def decode_step(self, net, token, state, device):
        Y, state = net.decoder(tf.constant([[token]]), state, training=False)
        return int(tf.reshape(tf.argmax(Y, axis=2), (-1,))[0]), state


_seq2seq_hooks = _Hooks()
train_seq2seq = _s2s.book_functions(_seq2seq_hooks)[0]


def predict_seq2seq(net: Any, src_sentence: str, src_vocab: Any, tgt_vocab: Any,
                    num_steps: int, save_attention_weights: bool = False
                    ) -> tuple[str, list[Any]]:
    """Predict for sequence to sequence (the TensorFlow tab's signature: no device)."""
    return _s2s.predict_seq2seq(_seq2seq_hooks, net, src_sentence, src_vocab, tgt_vocab,
                                num_steps, None, save_attention_weights)

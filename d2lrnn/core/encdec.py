"""The parts of the book's encoder--decoder classes (sections "The Encoder-Decoder
Architecture" and "Sequence-to-Sequence Learning for Machine Translation", current edition)
that read the same on every framework, written once.

``ops`` is the backend's tensor-alias module (``d2l.argmax``, ``d2l.concat``, ``d2l.to``...).

API (small on purpose; the TensorFlow and JAX backends reuse it):

* ``greedy_decode(ops, decode, bos, dec_state, num_steps, attention=None)``: the loop of the
  book's ``EncoderDecoder.predict_step``, framework-free: ``decode(tokens (B, 1), state) ->
  (logits (B, 1, V), state)``; returns ``(tokens (B, num_steps), attention_weights)``.
* ``context_decode(ops, rnn, dense, embs, state)``: the book's ``Seq2SeqDecoder`` after
  its embedding (context broadcast and concatenated, the RNN, the dense layer).
* ``masked_mean(ops, l, Y, pad)``: the book's ``Seq2Seq.loss`` arithmetic, the unreduced
  per-token losses ``l`` (B*T,) averaged over the tokens whose label ``Y`` is not ``pad``.
* ``check_predict_batch(batch)``, ``check_seq2seq_args(tgt_pad, lr)``: argument checks.
* Mixins for the framework's classes (``class Encoder(EncoderBase, nn.Module)``):
  ``EncoderBase`` and ``DecoderBase`` (the book's interfaces), ``EncoderDecoderBase`` (``__init__
  (encoder, decoder)``, ``forward(enc_X, dec_X, *args)`` and the saved ``predict_step(batch,
  device, num_steps, save_attention_weights=False)`` over the hooks ``move_batch``,
  ``inference``, ``encode`` and ``decode_step``), ``Seq2SeqBase`` (the saved ``Seq2Seq``: its
  ``__init__(encoder, decoder, tgt_pad, lr)``, ``validation_step`` and masked ``loss``; a backend
  adds ``configure_optimizers``). JAX's modules take ``params`` and are called through
  ``apply``: it can reuse ``greedy_decode`` and ``masked_mean`` and the checks.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from d2lrnn.core.checks import nonnegative_int, positive_int, positive_number

#: decode(tokens (B, 1), state) -> (logits (B, 1, V), state)
DecodeFn = Callable[[Any, Any], tuple[Any, Any]]


def greedy_decode(ops: Any, decode: DecodeFn, bos: Any, dec_state: Any, num_steps: int,
                  attention: Callable[[], Any] | None = None) -> tuple[Any, list[Any]]:
    """Greedy decoding as the book's ``predict_step``: start every sequence from ``bos`` (B,)
    (the targets' first column, ``<bos>``), feed each step the previous step's argmax, for
    ``num_steps`` steps (no early stop at ``<eos>``: the reader cuts there). ``attention``, if
    given, is called after each step and its value kept (the book's
    ``self.decoder.attention_weights``). Returns (tokens (B, num_steps), [attention weights])."""
    num_steps = positive_int("num_steps", num_steps)
    outputs, attention_weights = [ops.expand_dims(bos, 1)], []
    for _ in range(num_steps):
        Y, dec_state = decode(outputs[-1], dec_state)
        outputs.append(ops.argmax(Y, 2))
        if attention is not None:
            attention_weights.append(attention())
    return ops.concat(outputs[1:], 1), attention_weights


def context_decode(ops: Any, rnn: Callable[..., Any], dense: Callable[[Any], Any], embs: Any,
                   state: Any, **rnn_kwargs: Any) -> tuple[Any, list[Any]]:
    """The book's ``Seq2SeqDecoder`` after its embedding, the same on every framework: each
    embedded target token (``embs`` (num_steps, B, embed_size)) concatenated with the context
    (the encoder's top-layer output at its last step), through ``rnn`` from the decoder's hidden
    state, then ``dense``. ``state`` is ``[enc_output, hidden_state]``; returns (outputs
    (B, num_steps, vocab_size), the new ``[enc_output, hidden_state]``)."""
    enc_output, hidden_state = state
    # context shape: (batch_size, num_hiddens)
    context = enc_output[-1]
    # Broadcast context to (num_steps, batch_size, num_hiddens)
    context = ops.stack([context] * embs.shape[0], 0)
    # Concat at the feature dimension
    embs_and_context = ops.concat((embs, context), -1)
    outputs, hidden_state = rnn(embs_and_context, hidden_state, **rnn_kwargs)
    outputs = ops.swapaxes(dense(outputs), 0, 1)
    # outputs shape: (batch_size, num_steps, vocab_size)
    # hidden_state shape: (num_layers, batch_size, num_hiddens)
    return outputs, [enc_output, hidden_state]


def masked_mean(ops: Any, l: Any, Y: Any, pad: int) -> Any:
    """The book's ``Seq2Seq.loss`` from the unreduced losses ``l`` (B*T,) (``Classifier.loss(
    Y_hat, Y, averaged=False)``): sum(l * mask) / sum(mask), mask = (Y != pad) as float32.
    A batch of nothing but padding has no token to average: NaN (0/0), as in the book."""
    mask = ops.astype(ops.reshape(Y, -1) != pad, ops.float32)
    return ops.reduce_sum(l * mask) / ops.reduce_sum(mask)


def check_predict_batch(batch: Any) -> Sequence[Any]:
    """``batch`` if it is MTFraEng's (src, tgt, src_valid_len, label): what ``predict_step``
    unpacks (``data.build(engs, fras)`` gives one)."""
    if isinstance(batch, (str, bytes)) or not isinstance(batch, Sequence) or len(batch) != 4:
        got = len(batch) if isinstance(batch, Sequence) else type(batch).__name__
        raise TypeError("batch must be (src, tgt, src_valid_len, label), as "
                        f"data.build(engs, fras) returns; got {got!r}"
                        + (" items" if isinstance(got, int) else ""))
    return batch


def check_encoder_decoder(encoder: Any, decoder: Any) -> None:
    for name, part in (("encoder", encoder), ("decoder", decoder)):
        if isinstance(part, type):
            raise TypeError(f"{name} is the class {part.__name__}: build one first, e.g. "
                            f"{part.__name__}(vocab_size, embed_size, num_hiddens, num_layers)")
        if not callable(part):
            raise TypeError(f"{name} must be a model (a layer that can be called); got "
                            f"{type(part).__name__}")
    if not callable(getattr(decoder, "init_state", None)):
        raise TypeError(f"decoder must have init_state(enc_all_outputs, *args) (a d2l.Decoder); "
                        f"{type(decoder).__name__} has none")


def check_encoder_args(vocab_size: Any, embed_size: Any) -> None:
    """``Seq2SeqEncoder(vocab_size, embed_size, ...)``: both positive integers (the GRU checks
    its own sizes)."""
    positive_int("vocab_size", vocab_size)
    positive_int("embed_size", embed_size)


def check_seq2seq_args(tgt_pad: Any, lr: Any) -> None:
    nonnegative_int("tgt_pad", tgt_pad)
    positive_number("lr", lr)


class EncoderBase:
    """The base encoder interface for the encoder--decoder architecture."""

    # Later there can be additional arguments (e.g., length excluding padding)
    def forward(self, X: Any, *args: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define forward(X, *args)")


class DecoderBase:
    """The base decoder interface for the encoder--decoder architecture."""

    # Later there can be additional arguments (e.g., length excluding padding)
    def init_state(self, enc_all_outputs: Any, *args: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define "
                                  "init_state(enc_all_outputs, *args)")

    def forward(self, X: Any, state: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define forward(X, state)")


class EncoderDecoderBase:
    """The base class for the encoder--decoder architecture (before the backend's
    ``Classifier`` in the MRO)."""

    ops: ClassVar[Any]

    def __init__(self, encoder: Any, decoder: Any) -> None:
        check_encoder_decoder(encoder, decoder)
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder

    def forward(self, enc_X: Any, dec_X: Any, *args: Any) -> Any:
        enc_all_outputs = self.encoder(enc_X, *args)
        dec_state = self.decoder.init_state(enc_all_outputs, *args)
        # Return decoder output only
        return self.decoder(dec_X, dec_state)[0]

    def materialize(self) -> None:
        """Run one token through the encoder and the decoder, so that layers that create their
        weights at their first call (torch's LazyLinear, Gluon's deferred initialization, Keras
        layers) have them: the Trainer calls this before it makes the optimizer, and a
        checkpoint's weights can then be set."""
        X = self.ops.zeros((1, 1))
        with self.inference():
            self(X, X)

    # -- hooks of predict_step (backends override where the framework differs) -------------
    def move_batch(self, batch: Sequence[Any], device: Any) -> list[Any]:
        """The book's ``[d2l.to(a, device) for a in batch]``; ``device=None`` leaves it."""
        return list(batch) if device is None else [self.ops.to(a, device) for a in batch]

    def inference(self) -> contextlib.AbstractContextManager[Any]:
        """The context decoding runs in (torch: no autograd graph)."""
        return contextlib.nullcontext()

    def encode(self, src: Any, *args: Any) -> Any:
        return self.encoder(src, *args)

    def decode_step(self, X: Any, state: Any) -> tuple[Any, Any]:
        return self.decoder(X, state)

    def predict_step(self, batch: Any, device: Any, num_steps: int,
                     save_attention_weights: bool = False) -> tuple[Any, list[Any]]:
        """Greedy translation of ``batch`` (src, tgt, src_valid_len, label) for ``num_steps``
        tokens, starting from tgt's first column (<bos>): (tokens (B, num_steps), the decoder's
        ``attention_weights`` after each step if ``save_attention_weights``)."""
        batch = self.move_batch(check_predict_batch(batch), device)
        src, tgt, src_valid_len, _ = batch
        with self.inference():
            enc_all_outputs = self.encode(src, src_valid_len)
            dec_state = self.decoder.init_state(enc_all_outputs, src_valid_len)
            attention = ((lambda: self.decoder.attention_weights) if save_attention_weights
                         else None)
            return greedy_decode(self.ops, self.decode_step, tgt[:, 0], dec_state, num_steps,
                                 attention)


class Seq2SeqBase:
    """The RNN encoder--decoder for sequence to sequence learning (the book's saved
    ``Seq2Seq``): mix in before the backend's ``EncoderDecoder``, add ``configure_optimizers``
    (Adam)."""

    ops: ClassVar[Any]

    def __init__(self, encoder: Any, decoder: Any, tgt_pad: int, lr: float) -> None:
        check_seq2seq_args(tgt_pad, lr)
        super().__init__(encoder, decoder)
        self.save_hyperparameters()

    def validation_step(self, batch: Any) -> None:
        Y_hat = self(*batch[:-1])
        self.plot("loss", self.loss(Y_hat, batch[-1]), train=False)

    def loss(self, Y_hat: Any, Y: Any) -> Any:
        l = super().loss(Y_hat, Y, averaged=False)
        return masked_mean(self.ops, l, Y, self.tgt_pad)

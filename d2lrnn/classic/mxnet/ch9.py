"""Chapter 9's encoder-decoder and sequence-to-sequence sections on MXNet (numpy interface):
what is Gluon's own (the Blocks, ``sequence_mask`` over ``npx.sequence_mask``,
``MaskedSoftmaxCELoss`` over ``gluon.loss.SoftmaxCELoss``, ``autograd.record()`` steps with a
Gluon Trainer). The loops of ``train_seq2seq`` and ``predict_seq2seq`` and ``bleu`` are shared
(``d2lrnn.classic.seq2seq``)."""

from __future__ import annotations

from typing import Any

from mxnet import autograd, gluon, init, np, npx  # ch8 ran the compat step first
from mxnet.gluon import nn, rnn

from d2lrnn.classic import seq2seq as _s2s
from d2lrnn.classic.mxnet.ch8 import _hooks as _ch8_hooks
from d2lrnn.classic.mxnet.ch8 import grad_clipping
from d2lrnn.classic.seq2seq import bleu  # noqa: F401  (the book's, written once)
from d2lrnn.core import encdec as _encdec
from d2lrnn.mxnet import tensors as _tensors

npx.set_np()


class Encoder(_encdec.EncoderBase, nn.Block):
    """The base encoder interface for the encoder-decoder architecture."""


class Decoder(_encdec.DecoderBase, nn.Block):
    """The base decoder interface for the encoder-decoder architecture."""


class EncoderDecoder(_s2s.EncoderDecoderBase, nn.Block):
    """The base class for the encoder-decoder architecture."""


class Seq2SeqEncoder(Encoder):
    """The RNN encoder for sequence to sequence learning."""

    def __init__(self, vocab_size: int, embed_size: int, num_hiddens: int, num_layers: int,
                 dropout: float = 0, **kwargs: Any) -> None:
        _encdec.check_encoder_args(vocab_size, embed_size)
        super().__init__(**kwargs)
        # Embedding layer
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = rnn.GRU(num_hiddens, num_layers, dropout=dropout)

    def forward(self, X: Any, *args: Any) -> tuple[Any, list[Any]]:
        # The output `X` shape: (`batch_size`, `num_steps`, `embed_size`)
        X = self.embedding(X)
        # In RNN models, the first axis corresponds to time steps
        X = X.swapaxes(0, 1)
        state = self.rnn.begin_state(batch_size=X.shape[1], ctx=X.ctx)
        output, state = self.rnn(X, state)
        # `output` shape: (`num_steps`, `batch_size`, `num_hiddens`)
        # `state[0]` shape: (`num_layers`, `batch_size`, `num_hiddens`)
        return output, state


def sequence_mask(X: Any, valid_len: Any, value: float = 0) -> Any:
    """Mask irrelevant entries in sequences: the entries of X (batch_size, num_steps, ...) at
    steps >= valid_len become ``value`` (the MXNet tab's ``npx.sequence_mask(X, valid_len,
    True, value=value, axis=1)``)."""
    return npx.sequence_mask(X, valid_len, True, value=value, axis=1)


class MaskedSoftmaxCELoss(gluon.loss.SoftmaxCELoss):
    """The softmax cross-entropy loss with masks: one loss per sequence, the mean over its
    steps of the per-token losses, those past its valid length counted as 0."""

    # `pred` shape: (`batch_size`, `num_steps`, `vocab_size`)
    # `label` shape: (`batch_size`, `num_steps`)
    # `valid_len` shape: (`batch_size`,)
    def forward(self, pred: Any, label: Any, valid_len: Any) -> Any:
        # `weights` shape: (`batch_size`, `num_steps`, 1)
        weights = np.expand_dims(np.ones_like(label), axis=-1)
        weights = npx.sequence_mask(weights, valid_len, True, axis=1)
        return super().forward(pred, label, weights)


class _Hooks(_s2s.Seq2SeqHooks):
    loss = MaskedSoftmaxCELoss()

    def check_device(self, device: Any) -> Any:
        return _ch8_hooks.check_device(device)

    def check_net(self, net: Any) -> None:
        if not isinstance(net, gluon.Block):
            raise TypeError(f"net must be a Gluon model (a Block such as "
                            f"d2l.EncoderDecoder(encoder, decoder)); got {type(net).__name__}")

    def vocab_sizes(self, net: Any) -> tuple[int | None, int | None]:
        return tuple(getattr(getattr(part, "embedding", None), "_kwargs", {}).get("input_dim")
                     for part in (net.encoder, net.decoder))

    def prepare(self, net, lr, device, batch):
        net.initialize(init.Xavier(), force_reinit=True, ctx=device)
        return gluon.Trainer(net.collect_params(), "adam", {"learning_rate": lr})

    def step(self, net, optimizer, batch, bos, device):
        X, X_valid_len, Y, Y_valid_len = [x.as_in_ctx(device) for x in batch]
        dec_input = _s2s.teacher_forcing(_tensors, Y, bos)  # Teacher forcing
        with autograd.record():
            Y_hat, _ = net(X, dec_input, X_valid_len)
            l = self.loss(Y_hat, Y, Y_valid_len)
        l.backward()
        grad_clipping(net, 1)
        num_tokens = Y_valid_len.sum()
        optimizer.step(float(num_tokens))
        return l.sum(), num_tokens

    def begin_decoding(self, net, src_tokens, enc_valid_len, device):
        enc_valid_len = np.array([enc_valid_len], ctx=device)
        # Add the batch axis
        enc_X = np.expand_dims(np.array(src_tokens, ctx=device), axis=0)
        enc_outputs = net.encoder(enc_X, enc_valid_len)
        return net.decoder.init_state(enc_outputs, enc_valid_len)

    def decode_step(self, net, token, state, device):
        dec_X = np.array([[token]], ctx=device)
        Y, state = net.decoder(dec_X, state)
        return int(Y.argmax(axis=2).reshape(-1)[0]), state


_seq2seq_hooks = _Hooks()
train_seq2seq, predict_seq2seq = _s2s.book_functions(_seq2seq_hooks)

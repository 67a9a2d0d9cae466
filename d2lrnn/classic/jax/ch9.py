"""Chapter 9's encoder-decoder and sequence-to-sequence sections on JAX with Flax linen and
Optax (the edition never had a JAX tab; these are the same names, written for this project
after the PyTorch tab). The loops of ``train_seq2seq`` and ``predict_seq2seq`` and ``bleu``
are shared (``d2lrnn.classic.seq2seq``).

Flax modules hold no weights, so the JAX API is:

- ``Encoder`` and ``Decoder``: Flax modules, ``__call__(X, *args, training=False)`` and
  ``__call__(X, state, training=False)`` (``training``: dropout on), ``init_state(enc_outputs,
  *args)`` a plain method.
- ``EncoderDecoder(encoder, decoder)``: the two modules and their parameters, ``params =
  {'encoder': ..., 'decoder': ...}`` (made on creation from a one-token example, with
  ``d2l.get_key()``); ``apply(params, enc_X, dec_X, *args, training=False, key=None)`` is the
  forward pass (``key``: dropout while training, split between the two), ``net(enc_X, dec_X,
  *args)`` applies ``net.params``.
- ``sequence_mask`` returns a new array; ``MaskedSoftmaxCELoss()(pred, label, valid_len)`` is
  PyTorch's call.
- ``train_seq2seq(net, data_iter, lr, num_epochs, tgt_vocab, device=None)`` re-initializes
  the dense kernels (Xavier, as the PyTorch tab), jits one Adam update per minibatch and
  writes the parameters back to ``net.params``; ``predict_seq2seq`` runs the encoder and each
  decoder step jitted. A decoder keeps attention weights with ``self.sow('intermediates',
  'attention_weights', weights)``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import jax
import optax
from flax import linen as nn
from jax import numpy as jnp

from d2lrnn.classic import seq2seq as _s2s
from d2lrnn.classic.jax.ch8 import grad_clipping
from d2lrnn.classic.seq2seq import bleu  # noqa: F401  (the book's, written once)
from d2lrnn.core import encdec as _encdec
from d2lrnn.jax import tensors as _tensors
from d2lrnn.jax.cache import enable_compilation_cache as _enable_cache
from d2lrnn.jax.seq2seq import EmbeddingGRU as _EmbeddingGRU
from d2lrnn.jax.tensors import get_key as _get_key


class Encoder(nn.Module):
    """The base encoder interface for the encoder-decoder architecture."""

    def __call__(self, X: jax.Array, *args: Any, training: bool = False) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define "
                                  "__call__(X, *args, training=False)")


class Decoder(nn.Module):
    """The base decoder interface for the encoder-decoder architecture."""

    def init_state(self, enc_outputs: Any, *args: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define "
                                  "init_state(enc_outputs, *args)")

    def __call__(self, X: jax.Array, state: Any, training: bool = False) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define "
                                  "__call__(X, state, training=False)")


class EncoderDecoder:
    """The base class for the encoder-decoder architecture: a Flax encoder and decoder and
    their parameters ``params`` (``{'encoder': ..., 'decoder': ...}``)."""

    def __init__(self, encoder: nn.Module, decoder: nn.Module) -> None:
        _encdec.check_encoder_decoder(encoder, decoder)
        self.encoder = encoder
        self.decoder = decoder
        # the parameters, from a one-token example (valid length 1)
        X, valid_len = jnp.zeros((1, 1), jnp.int32), jnp.ones((1,), jnp.int32)

        def init(enc_key: jax.Array, dec_key: jax.Array) -> dict[str, Any]:
            enc_params = encoder.init(enc_key, X, valid_len)
            dec_state = decoder.init_state(encoder.apply(enc_params, X, valid_len), valid_len)
            return {"encoder": enc_params, "decoder": decoder.init(dec_key, X, dec_state)}

        keys = _get_key(), _get_key()
        _enable_cache()  # d2lrnn's compiled steps are reused across runs (d2lrnn/jax/cache.py)
        try:  # one compilation (eagerly, each Flax RNN would compile its loop)
            self.params = jax.jit(init)(*keys)
        except jax.errors.JAXTypeError:  # Python control flow on values: run eagerly
            self.params = init(*keys)

    def apply(self, params: Any, enc_X: jax.Array, dec_X: jax.Array, *args: Any,
              training: bool = False, key: jax.Array | None = None) -> Any:
        """The forward pass with ``params``: the decoder's (output, state). While training,
        ``key`` is the randomness of dropout."""
        if training and key is None:
            raise ValueError("training=True takes a key (the randomness of dropout), e.g. "
                             "key=d2l.get_key() outside jax.jit")
        rngs = ([{"dropout": k} for k in jax.random.split(key)] if key is not None
                else [{}, {}])
        enc_outputs = self.encoder.apply(params["encoder"], enc_X, *args, training=training,
                                         rngs=rngs[0])
        dec_state = self.decoder.init_state(enc_outputs, *args)
        return self.decoder.apply(params["decoder"], dec_X, dec_state, training=training,
                                  rngs=rngs[1])

    def __call__(self, enc_X: jax.Array, dec_X: jax.Array, *args: Any) -> Any:
        """``apply`` with ``params`` (compiled once: eagerly, each Flax RNN would compile its
        loop at every call)."""
        cache = _compiled(self)
        if "apply" not in cache:
            cache["apply"] = _traced(self.apply)
        return cache["apply"](self.params, enc_X, dec_X, *args)


class Seq2SeqEncoder(_EmbeddingGRU, Encoder):
    """The RNN encoder for sequence to sequence learning: an embedding and a multilayer GRU
    (Flax's ``nn.RNN`` over ``nn.GRUCell``, one per layer, dropout between layers), built as
    the current edition's (``d2lrnn.jax.seq2seq.EmbeddingGRU``)."""

    def __call__(self, X: jax.Array, *args: Any, training: bool = False
                 ) -> tuple[jax.Array, jax.Array]:
        # The output `X` shape: (`batch_size`, `num_steps`, `embed_size`)
        X = self.embedding(X.astype(jnp.int32))
        # In RNN models, the first axis corresponds to time steps
        X = X.transpose(1, 0, 2)
        # When state is not mentioned, it defaults to zeros
        output, state = self.rnn(X, training=training)
        # `output` shape: (`num_steps`, `batch_size`, `num_hiddens`)
        # `state` shape: (`num_layers`, `batch_size`, `num_hiddens`)
        return output, state


def sequence_mask(X: jax.Array, valid_len: jax.Array, value: float = 0) -> jax.Array:
    """Mask irrelevant entries in sequences: the entries of X (batch_size, num_steps, ...) at
    steps >= valid_len become ``value`` (a new array)."""
    maxlen = X.shape[1]
    mask = jnp.arange(maxlen, dtype=jnp.float32)[None, :] < jnp.asarray(valid_len)[:, None]
    mask = mask.reshape(mask.shape + (1,) * (X.ndim - 2))
    return jnp.where(mask, X, value)


class MaskedSoftmaxCELoss:
    """The softmax cross-entropy loss with masks: one loss per sequence, the mean over its
    steps of the per-token losses, those past its valid length counted as 0."""

    # `pred` shape: (`batch_size`, `num_steps`, `vocab_size`)
    # `label` shape: (`batch_size`, `num_steps`)
    # `valid_len` shape: (`batch_size`,)
    def __call__(self, pred: jax.Array, label: jax.Array, valid_len: jax.Array) -> jax.Array:
        label = jnp.asarray(label).astype(jnp.int32)
        weights = sequence_mask(jnp.ones_like(label, dtype=jnp.float32), valid_len)
        unweighted_loss = optax.softmax_cross_entropy_with_integer_labels(pred, label)
        weighted_loss = (unweighted_loss * weights).mean(axis=1)
        return weighted_loss


def xavier_init_weights(params: Any) -> Any:
    """The book's initialization: new Xavier-uniform weights for every dense kernel (the
    output layer's and the GRU cells'), from ``d2l.get_key()``; the rest stays."""
    xavier = nn.initializers.xavier_uniform()

    def init(path: Any, leaf: Any) -> Any:
        if getattr(path[-1], "key", None) == "kernel" and leaf.ndim == 2:
            return xavier(_get_key(), leaf.shape, leaf.dtype)
        return leaf
    return jax.tree_util.tree_map_with_path(init, params)


def _compiled(net: Any) -> dict[Any, Any]:
    """What is compiled for ``net`` (its updates, encoder and decoder step) and the decoder's
    variables of the last step: kept on the model, so that they go with it."""
    return vars(net).setdefault("_d2lrnn_compiled", {})


def _traced(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` jitted, or eager from the first call that cannot be traced (Python control flow
    on values in a reader's module)."""
    compiled, eager = jax.jit(fn), []

    def call(*args: Any) -> Any:
        if not eager:
            try:
                return compiled(*args)
            except jax.errors.JAXTypeError:
                eager.append(True)
        return fn(*args)
    return call


class _Trainer:
    """Adam's state over ``net.params`` and the jitted update (of this model, ``lr`` and
    ``<bos>``: compiled once, also across runs)."""

    def __init__(self, net: Any, lr: float) -> None:
        self.net, self.lr = net, lr
        self.state = optax.adam(lr).init(net.params)
        self.batch_size: int | None = None

    def full_size(self, batch: Any) -> tuple[Any, ...]:
        """A smaller minibatch (the last) padded to the first one's size with pairs whose
        target has valid length 0 (a one-token source): their masked losses and gradients are
        0 and they add no token, so the update is the same, and one compiled update serves
        every minibatch."""
        if self.batch_size is None:
            self.batch_size = batch[0].shape[0]
        missing = self.batch_size - batch[0].shape[0]
        if missing <= 0:
            return tuple(batch)
        return tuple(jnp.concatenate([a, jnp.full((missing, *a.shape[1:]), fill, a.dtype)])
                     for a, fill in zip(batch, (0, 1, 0, 0), strict=True))

    def update(self, bos: int) -> Callable[..., Any]:
        cache, key = _compiled(self.net), ("update", self.lr, bos)
        if key not in cache:
            cache[key] = _jitted_update(self.net, optax.adam(self.lr), bos)
        return cache[key]


def _jitted_update(net: Any, optimizer: optax.GradientTransformation, bos: int
                   ) -> Callable[..., Any]:
    """One minibatch: teacher forcing, the masked loss per sequence, the gradient of its sum,
    clipping at 1, Adam; returns (params, opt_state, sum of the losses, number of tokens)."""
    loss = MaskedSoftmaxCELoss()

    def update(params, opt_state, X, X_valid_len, Y, Y_valid_len, key):
        dec_input = _s2s.teacher_forcing(_tensors, Y, bos)  # Teacher forcing

        def loss_fn(params):
            Y_hat, _ = net.apply(params, X, dec_input, X_valid_len, training=True, key=key)
            l = loss(Y_hat, Y, Y_valid_len)
            return l.sum(), l  # Make the loss scalar for `grad`
        grads, l = jax.grad(loss_fn, has_aux=True)(params)
        grads = grad_clipping(grads, 1)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, l.sum(), Y_valid_len.sum()
    return jax.jit(update)


class _Hooks(_s2s.Seq2SeqHooks):
    attention_hint = ("a Flax decoder keeps them with self.sow('intermediates', "
                      "'attention_weights', weights)")

    def check_device(self, device: Any) -> Any:
        if device is None or isinstance(device, jax.Device):
            return device
        raise TypeError(f"device must be a JAX device such as d2l.try_gpu() (or None); got "
                        f"{device!r} ({type(device).__name__})")

    def device_name(self, device: Any) -> str:
        return str(jax.devices()[0] if device is None else device)

    def check_net(self, net: Any) -> None:
        if not hasattr(net, "params") or not callable(getattr(net, "apply", None)):
            raise TypeError(f"net must hold its parameters, as d2l.EncoderDecoder(encoder, "
                            f"decoder) does (params, apply); got {type(net).__name__}")

    def vocab_sizes(self, net: Any) -> tuple[int | None, int | None]:
        def rows(part: str) -> int | None:
            try:
                return int(net.params[part]["params"]["embedding"]["embedding"].shape[0])
            except (KeyError, TypeError, AttributeError, IndexError):
                return None
        return rows("encoder"), rows("decoder")

    def prepare(self, net, lr, device, batch):
        _enable_cache()
        net.params = xavier_init_weights(net.params)
        if device is not None:
            net.params = jax.device_put(net.params, device)
        return _Trainer(net, lr)

    def step(self, net, optimizer, batch, bos, device):
        batch = optimizer.full_size(batch)
        if device is not None:
            batch = jax.device_put(tuple(batch), device)
        net.params, optimizer.state, l, num_tokens = optimizer.update(bos)(
            net.params, optimizer.state, *batch, _get_key())
        return l, num_tokens

    def _jitted(self, net: Any) -> tuple[Callable[..., Any], Callable[..., Any]]:
        """The encoder and one decoder step, compiled once per model (applying a Flax RNN
        eagerly compiles its loop at every call)."""
        cache = _compiled(net)
        if "steps" not in cache:
            _enable_cache()
            cache["steps"] = (_traced(net.encoder.apply),
                              _traced(functools.partial(net.decoder.apply,
                                                        mutable="intermediates")))
        return cache["steps"]

    def begin_decoding(self, net, src_tokens, enc_valid_len, device):
        encode, _ = self._jitted(net)
        enc_valid_len = jnp.array([enc_valid_len])
        # Add the batch axis
        enc_X = jnp.array([src_tokens], dtype=jnp.int32)
        if device is not None:
            enc_X, enc_valid_len = jax.device_put((enc_X, enc_valid_len), device)
        enc_outputs = encode(net.params["encoder"], enc_X, enc_valid_len)
        return net.decoder.init_state(enc_outputs, enc_valid_len)

    def decode_step(self, net, token, state, device):
        _, decode = self._jitted(net)
        dec_X = jnp.array([[token]], dtype=jnp.int32)
        (Y, state), _compiled(net)["last"] = decode(net.params["decoder"], dec_X, state)
        return int(jnp.argmax(Y, axis=2).reshape(-1)[0]), state

    def attention_weights(self, net: Any) -> Any:
        return _compiled(net)["last"]["intermediates"]["attention_weights"][-1]


_seq2seq_hooks = _Hooks()
train_seq2seq, predict_seq2seq = _s2s.book_functions(_seq2seq_hooks, optional_device=True)

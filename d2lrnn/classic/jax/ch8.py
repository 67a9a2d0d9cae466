"""Chapter 8 (recurrent neural networks) on JAX: what is JAX's own (the edition never had a
JAX tab; these are the same names, written for this project). The rest is shared
(``d2lrnn.classic.common``, ``.train``, ``.text``, ``.utils``); ``d2lrnn.classic.jax``
assembles the book's surface.

Functional parameters: a model holds ``params`` (a dict, e.g. ``W_xh, W_hh, b_h, W_hq, b_q``
for the scratch model) and a pure ``apply(params, X, state) -> (logits, state)``.
``train_ch8`` (``device`` optional) jits one update per minibatch (loss,
``jax.value_and_grad``, clipping at theta 1, SGD) and writes the trained parameters back to
the model; ``train_epoch_ch8``'s ``updater`` is that jitted update.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

import jax
import numpy as np
from jax import numpy as jnp

from d2lrnn.classic import common as _common
from d2lrnn.classic import train as _train
from d2lrnn.core.checks import instance as _instance
from d2lrnn.core.checks import positive_int as _positive_int
from d2lrnn.jax import tensors as _tensors
from d2lrnn.jax.tensors import get_key as _get_key

# -- helpers from earlier chapters that chapter 8 uses ---------------------------------------
sinh, cosh, sigmoid = jnp.sinh, jnp.cosh, jax.nn.sigmoid


def load_array(data_arrays: Any, batch_size: int, is_train: bool = True) -> Any:
    """A data iterator over ``data_arrays`` (minibatches of ``batch_size``, shuffled from the
    shared data stream when ``is_train``); iterate it once per epoch."""
    from d2lrnn.core.random import data_rng
    arrays = [np.asarray(a) for a in data_arrays]
    _positive_int("batch_size", batch_size)

    class _Loader:
        def __iter__(self):
            n = len(arrays[0])
            order = data_rng().permutation(n) if is_train else np.arange(n)
            for i in range(0, n, batch_size):
                idx = order[i: i + batch_size]
                yield tuple(jnp.asarray(a[idx]) for a in arrays)

        def __len__(self):
            return -(-len(arrays[0]) // batch_size)
    return _Loader()


def sgd(params: Any, grads: Any, lr: float, batch_size: int) -> Any:
    """Minibatch stochastic gradient descent; returns the new parameters (functional)."""
    return jax.tree_util.tree_map(lambda p, g: p - lr * g / batch_size, params, grads)


evaluate_loss = _train.book_evaluate_loss(_tensors, reshape_labels=True, module=__name__)


# -- models ----------------------------------------------------------------------------------
def _one_hot_time_major(X: Any, vocab_size: int) -> jax.Array:
    # X (batch_size, num_steps) -> one-hot (num_steps, batch_size, vocab_size)
    return jax.nn.one_hot(jnp.asarray(X).T, vocab_size, dtype=jnp.float32)


class RNNModelScratch(_common.ScratchModel):
    """A RNN Model implemented from scratch: ``params = get_params(vocab_size, num_hiddens,
    device)`` (a dict or list of arrays) and a pure ``forward_fn(inputs, state, params)``."""

    def _one_hot(self, X: Any) -> jax.Array:
        return _one_hot_time_major(X, self.vocab_size)

    def apply(self, params: Any, X: Any, state: Any) -> tuple[jax.Array, Any]:
        return self.forward_fn(self._one_hot(X), state, params)

    def __call__(self, X: Any, state: Any) -> tuple[jax.Array, Any]:
        return self.apply(self.params, X, state)

    def begin_state(self, batch_size: int, device: Any = None) -> Any:
        return self.init_state(batch_size, self.num_hiddens, device)


class RNNModel:
    """The RNN model: a Flax RNN layer (``flax.linen.RNN(cell, time_major=True,
    return_carry=True)``) and a dense output layer; parameters initialised on creation."""

    def __init__(self, rnn_layer: Any, vocab_size: int) -> None:
        from flax import linen as nn

        self.rnn, self.vocab_size = rnn_layer, _check_rnn_layer(rnn_layer, vocab_size)
        self.num_hiddens = rnn_layer.cell.features

        class _LM(nn.Module):
            rnn: nn.Module  # a field (a module captured from outside would not be adopted)

            @nn.compact
            def __call__(self, X, state):
                carry, Y = self.rnn(X, initial_carry=state)         # Y (T, B, H)
                return nn.Dense(vocab_size)(Y.reshape(-1, Y.shape[-1])), carry

        self.module = _LM(rnn_layer)
        X = jnp.zeros((1, 1), jnp.int32)
        self.params = self.module.init(_get_key(), _one_hot_time_major(X, vocab_size),
                                       self.begin_state(None, 1))

    def apply(self, params: Any, X: Any, state: Any) -> tuple[jax.Array, Any]:
        return self.module.apply(params, _one_hot_time_major(X, self.vocab_size), state)

    def __call__(self, X: Any, state: Any) -> tuple[jax.Array, Any]:
        return self.apply(self.params, X, state)

    def begin_state(self, device: Any = None, batch_size: int = 1) -> jax.Array:
        return jnp.zeros((batch_size, self.num_hiddens), jnp.float32)


def _check_rnn_layer(rnn_layer: Any, vocab_size: Any) -> int:
    """``RNNModel``'s arguments: ``flax.linen.RNN(cell, time_major=True, return_carry=True)``
    over a cell with ``features``."""
    from flax import linen as nn

    vocab_size = _common.check_vocab_size(vocab_size)
    _instance("rnn_layer", rnn_layer, "a layer")
    book = "nn.RNN(nn.SimpleCell(num_hiddens), time_major=True, return_carry=True)"
    if not isinstance(rnn_layer, nn.RNN) or not hasattr(rnn_layer.cell, "features"):
        hint = " (a cell: wrap it in nn.RNN)" if isinstance(rnn_layer, nn.RNNCellBase) else ""
        raise TypeError(f"rnn_layer must be a Flax RNN layer, e.g. {book}; got "
                        f"{type(rnn_layer).__name__}{hint}")
    wrong = [f"{flag}=False" for flag in ("time_major", "return_carry")
             if not getattr(rnn_layer, flag)]
    if wrong:
        raise ValueError(f"rnn_layer must be built with time_major=True and return_carry=True "
                         f"(RNNModel feeds (num_steps, batch_size, vocab_size) and reads the "
                         f"state), e.g. {book}; it has {', '.join(wrong)}")
    return vocab_size


# -- training --------------------------------------------------------------------------------
def grad_clipping(grads: Any, theta: float) -> Any:
    """Clip the gradient: g <- min(1, theta / ||g||) g, ||g|| over all parameters; returns
    the clipped gradients (functional; works under ``jax.jit``)."""
    theta = _train.grad_norm_check(theta)
    leaves = jax.tree_util.tree_leaves(grads)
    norm = jnp.sqrt(sum(jnp.sum(g ** 2) for g in leaves))
    scale = jnp.minimum(1.0, theta / norm)
    return jax.tree_util.tree_map(lambda g: g * scale, grads)


def _cross_entropy(y_hat: jax.Array, y: jax.Array) -> jax.Array:
    """Mean cross-entropy of logits (n, V) against labels (n,)."""
    logp = jax.nn.log_softmax(y_hat, axis=-1)
    return -jnp.mean(jnp.take_along_axis(logp, y[:, None].astype(jnp.int32), axis=-1))


class _Hooks(_train.Ch8Hooks):
    def begin_state(self, net, batch_size, device):
        return net.begin_state(batch_size=batch_size, device=device)

    def make_updater(self, net, lr, device):
        apply = net.apply

        def update(params, X, Y, state):
            def loss_fn(params):
                y_hat, new_state = apply(params, X, state)
                return _cross_entropy(y_hat, Y.T.reshape(-1)), new_state  # labels time-major
            (l, new_state), grads = jax.value_and_grad(loss_fn, has_aux=True)(params)
            grads = grad_clipping(grads, 1)
            return l, sgd(params, grads, lr, 1), new_state  # the loss is already a mean

        return jax.jit(update)

    def detach(self, net, state):
        return jax.lax.stop_gradient(state)

    def step(self, net, X, Y, state, loss, updater, device):
        l, net.params, state = updater(net.params, X, Y, state)
        return l, state

    def predict_step(self, net, token, state, device):
        y, state = _decode(net)(net.params, jnp.array([[token]]), state)
        return int(jnp.argmax(y, axis=1)[0]), state


_hooks = _Hooks()
_decoders: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _decode(net: Any) -> Callable[..., Any]:
    """``net.apply`` compiled once per model for one-token steps (``predict_ch8``). Applying a
    Flax ``nn.RNN`` eagerly traces its scan on every call, seconds for one 50-character
    prediction, which train_ch8 makes every 10 epochs. A model whose ``apply`` cannot be traced
    is stepped eagerly."""
    fn = _decoders.get(net)
    if fn is None:
        compiled = jax.jit(net.apply)

        def fn(params: Any, X: Any, state: Any) -> Any:
            try:
                return compiled(params, X, state)
            except jax.errors.JAXTypeError:  # Python control flow on values: run eagerly
                _decoders[net] = net.apply
                return net.apply(params, X, state)
        _decoders[net] = fn
    return fn


predict_ch8, train_epoch_ch8, train_ch8 = _train.book_functions(_hooks, optional_device=True)

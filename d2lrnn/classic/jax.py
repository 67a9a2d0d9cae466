"""``from d2lrnn.classic import jax as d2l``: the older edition's chapter 8 on JAX (the
edition never had a JAX tab; these are the same names, written for this project).

Functional parameters: a model holds ``params`` (a dict, e.g. ``W_xh, W_hh, b_h, W_hq, b_q``
for the scratch model) and a pure ``apply(params, X, state) -> (logits, state)``.
``train_ch8`` jits one update (loss, ``jax.value_and_grad``, clipping, SGD) and writes the
trained parameters back to the model.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

import jax
import numpy as np
from jax import numpy as jnp

from d2lrnn.classic import text as _text
from d2lrnn.classic import train as _train
from d2lrnn.classic import utils as _utils
from d2lrnn.classic.text import (  # noqa: F401  (the book's names)
    DATA_HUB,
    Vocab,
    count_corpus,
    download,
    load_corpus_time_machine,
    read_time_machine,
    tokenize,
)
from d2lrnn.classic.utils import Accumulator, Animator, Timer  # noqa: F401
from d2lrnn.core import names as _names
from d2lrnn.core.checks import check_len, check_shape, positive_int  # noqa: F401
from d2lrnn.core.download import DATA_URL  # noqa: F401
from d2lrnn.core.plot import lazy_plt as _lazy_plt
from d2lrnn.core.plot import plot, set_axes, set_figsize, use_svg_display  # noqa: F401
from d2lrnn.core.random import backend_seed as _backend_seed
from d2lrnn.core.random import randn as _randn
from d2lrnn.jax import device as _device
from d2lrnn.jax.device import cpu, gpu, num_gpus, try_gpu  # noqa: F401
from d2lrnn.jax.tensors import (  # noqa: F401
    abs,
    arange,
    argmax,
    astype,
    concat,
    cos,
    exp,
    expand_dims,
    eye,
    float32,
    get_key,
    int32,
    int64,
    linspace,
    log,
    matmul,
    meshgrid,
    numpy,
    ones,
    reduce_mean,
    reduce_sum,
    reset_key,
    reshape,
    sin,
    size,
    stack,
    tanh,
    tensor,
    transpose,
    zeros,
)

BACKEND = "jax"
sinh, cosh, sigmoid = jnp.sinh, jnp.cosh, jax.nn.sigmoid

seed = _backend_seed(reset_key, "the JAX key")




def normal(mean: float, std: float, shape: Any) -> jax.Array:
    """N(mean, std) samples of ``shape`` from the shared seeded NumPy stream (so one seed
    gives the same weights as on the other frameworks)."""
    return jnp.asarray(_randn(shape)) * std + mean


def randn(*shape: Any) -> jax.Array:
    return jnp.asarray(_randn(*shape))


def rand(*shape: Any) -> jax.Array:
    from d2lrnn.core.random import weights_rng
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return jnp.asarray(weights_rng().random(shape).astype(np.float32))


# -- data ------------------------------------------------------------------------------------
seq_data_iter_random = _text.bind(_text.seq_data_iter_random, jnp.array)
seq_data_iter_sequential = _text.bind(_text.seq_data_iter_sequential, jnp.array)


class SeqDataLoader(_text.SeqDataLoader):
    """An iterator to load sequence data."""
    tensor = staticmethod(jnp.array)


def load_data_time_machine(batch_size: int, num_steps: int, use_random_iter: bool = False,
                           max_tokens: int = 10000) -> tuple[SeqDataLoader, Vocab]:
    """Return the iterator and the vocabulary of the time machine dataset."""
    return _text.load_data_time_machine_with(SeqDataLoader, batch_size, num_steps,
                                             use_random_iter, max_tokens)


def load_array(data_arrays: Any, batch_size: int, is_train: bool = True) -> Any:
    """A data iterator over ``data_arrays`` (minibatches of ``batch_size``, shuffled from the
    shared data stream when ``is_train``); iterate it once per epoch."""
    from d2lrnn.core.random import data_rng
    arrays = [np.asarray(a) for a in data_arrays]
    positive_int("batch_size", batch_size)

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


# -- training helpers from earlier chapters --------------------------------------------------
def sgd(params: Any, grads: Any, lr: float, batch_size: int) -> Any:
    """Minibatch stochastic gradient descent; returns the new parameters (functional)."""
    return jax.tree_util.tree_map(lambda p, g: p - lr * g / batch_size, params, grads)


def evaluate_loss(net: Callable[..., Any], data_iter: Any, loss: Any) -> float:
    """Evaluate the loss of a model on the given dataset."""
    metric = Accumulator(2)  # sum of losses, no. of examples
    for X, y in data_iter:
        out = net(X)
        l = loss(out, jnp.reshape(y, out.shape))
        metric.add(jnp.sum(l), jnp.size(l))
    return metric[0] / metric[1]


# -- chapter 8 -------------------------------------------------------------------------------
def _one_hot_time_major(X: Any, vocab_size: int) -> jax.Array:
    # X (batch_size, num_steps) -> one-hot (num_steps, batch_size, vocab_size)
    return jax.nn.one_hot(jnp.asarray(X).T, vocab_size, dtype=jnp.float32)


class RNNModelScratch:
    """A RNN Model implemented from scratch: ``params = get_params(vocab_size, num_hiddens,
    device)`` (a dict or list of arrays) and a pure ``forward_fn(inputs, state, params)``."""

    def __init__(self, vocab_size: int, num_hiddens: int, device: Any,
                 get_params: Callable[..., Any], init_state: Callable[..., Any],
                 forward_fn: Callable[..., Any]) -> None:
        self.vocab_size = positive_int("vocab_size", vocab_size)
        self.num_hiddens = positive_int("num_hiddens", num_hiddens)
        self.params = get_params(vocab_size, num_hiddens, device)
        self.init_state, self.forward_fn = init_state, forward_fn

    def apply(self, params: Any, X: Any, state: Any) -> tuple[jax.Array, Any]:
        return self.forward_fn(_one_hot_time_major(X, self.vocab_size), state, params)

    def __call__(self, X: Any, state: Any) -> tuple[jax.Array, Any]:
        return self.apply(self.params, X, state)

    def begin_state(self, batch_size: int, device: Any = None) -> Any:
        return self.init_state(batch_size, self.num_hiddens, device)


class RNNModel:
    """The RNN model: a Flax RNN layer (``flax.linen.RNN(cell, time_major=True,
    return_carry=True)``) and a dense output layer; parameters initialised on creation."""

    def __init__(self, rnn_layer: Any, vocab_size: int) -> None:
        from flax import linen as nn

        self.rnn, self.vocab_size = rnn_layer, positive_int("vocab_size", vocab_size)
        self.num_hiddens = rnn_layer.cell.features

        class _LM(nn.Module):
            rnn: nn.Module  # a field (a module captured from outside would not be adopted)

            @nn.compact
            def __call__(self, X, state):
                carry, Y = self.rnn(X, initial_carry=state)         # Y (T, B, H)
                return nn.Dense(vocab_size)(Y.reshape(-1, Y.shape[-1])), carry

        self.module = _LM(rnn_layer)
        X = jnp.zeros((1, 1), jnp.int32)
        self.params = self.module.init(get_key(), _one_hot_time_major(X, vocab_size),
                                       self.begin_state(None, 1))

    def apply(self, params: Any, X: Any, state: Any) -> tuple[jax.Array, Any]:
        return self.module.apply(params, _one_hot_time_major(X, self.vocab_size), state)

    def __call__(self, X: Any, state: Any) -> tuple[jax.Array, Any]:
        return self.apply(self.params, X, state)

    def begin_state(self, device: Any = None, batch_size: int = 1) -> jax.Array:
        return jnp.zeros((batch_size, self.num_hiddens), jnp.float32)


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


def predict_ch8(prefix: str, num_preds: int, net: Any, vocab: Vocab, device: Any = None) -> str:
    """Generate new characters following the ``prefix``."""
    return _train.predict_ch8(_hooks, prefix, num_preds, net, vocab, device)


def train_epoch_ch8(net: Any, train_iter: Any, loss: Any, updater: Any, device: Any,
                    use_random_iter: bool) -> tuple[float, float]:
    """Train a net within one epoch; ``updater`` is the jitted update of ``train_ch8``."""
    return _train.train_epoch_ch8(_hooks, net, train_iter, loss, updater, device,
                                  use_random_iter)


def train_ch8(net: Any, train_iter: Any, vocab: Vocab, lr: float, num_epochs: int,
              device: Any = None, use_random_iter: bool = False) -> None:
    """Train a model (chapter 8): one jitted update per minibatch (value_and_grad, clipping
    at theta 1, SGD)."""
    _train.train_ch8(_hooks, net, train_iter, vocab, lr, num_epochs, device, use_random_iter)


try_all_gpus = _utils.try_all_gpus_or_cpu(_device)  # the older edition's: [cpu()] without a GPU
__getattr__ = _lazy_plt(__name__)  # d2l.plt: matplotlib.pyplot, imported on first use

__all__ = _names.classic_exports("jax")  # the declared surface (d2lrnn/core/names.py)

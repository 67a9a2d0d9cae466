"""Chapter 8 (recurrent neural networks) on JAX: what is JAX's own (the edition never had a
JAX tab; these are the same names, written for this project). The rest is shared
(``d2lrnn.classic.common``, ``.train``, ``.text``, ``.utils``); ``d2lrnn.classic.jax``
assembles the book's surface.

Functional parameters: a model holds ``params`` (a dict, e.g. ``W_xh, W_hh, b_h, W_hq, b_q``
for the scratch model) and a pure ``apply(params, X, state) -> (logits, state)``; the state is
any pytree (``(H,)``, an LSTM's ``(H, C)``, the carries of stacked or bidirectional Flax
layers in ``RNNModel``). ``train_ch8`` (``device`` optional) jits one update per minibatch
(loss, ``jax.value_and_grad``, clipping at theta 1, SGD; compiled once per model and lr) and
writes the trained parameters back to the model; ``train_epoch_ch8``'s ``updater`` is that
jitted update.
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
    """The RNN model: Flax recurrent layers and a dense output layer; parameters initialised on
    creation. ``rnn_layer`` is one layer or a list of layers applied in turn (stacked: each
    reads the outputs of the one before), each of them

    - ``nn.RNN(cell, time_major=True, return_carry=True)`` over a Flax cell (``nn.SimpleCell``,
      ``nn.GRUCell``, ``nn.LSTMCell``, ``nn.OptimizedLSTMCell``...), or
    - ``nn.Bidirectional(nn.RNN(cell), nn.RNN(cell), time_major=True, return_carry=True)``.

    The state is each layer's own carry, from its cells' ``initialize_carry``: an array
    (batch_size, num_hiddens) for a tanh RNN or a GRU, ``(c, h)`` for an LSTM (Flax's order),
    ``(forward, backward)`` for a bidirectional layer; for a list, a tuple of one per layer."""

    def __init__(self, rnn_layer: Any, vocab_size: int) -> None:
        from flax import linen as nn

        vocab_size = _common.check_vocab_size(vocab_size)
        self.layers = _check_rnn_layers(rnn_layer)
        self.rnn, self.vocab_size = rnn_layer, vocab_size
        self.stacked = isinstance(rnn_layer, (list, tuple))
        self.num_layers = len(self.layers)
        self.num_directions = 2 if isinstance(self.layers[0], nn.Bidirectional) else 1
        self.num_hiddens = _cells(self.layers[0])[0].features
        self._states: dict[int, Any] = {}  # batch_size -> the initial state (immutable)

        class _LM(nn.Module):
            # fields, not modules captured from outside (those would not be adopted)
            layers: tuple[nn.Module, ...]
            stacked: bool

            @nn.compact
            def __call__(self, X, state):
                carries = state if self.stacked else (state,)
                Y, new = X, []
                for layer, carry in zip(self.layers, carries, strict=True):
                    carry, Y = layer(Y, initial_carry=carry)    # Y (T, B, outputs)
                    new.append(carry)
                Y = nn.Dense(vocab_size)(Y.reshape(-1, Y.shape[-1]))   # (T * B, V)
                return Y, (tuple(new) if self.stacked else new[0])

        self.module = _LM(self.layers, self.stacked)
        X = jnp.zeros((1, 1), jnp.int32)
        self.params = self.module.init(_get_key(), _one_hot_time_major(X, vocab_size),
                                       self.begin_state(None, 1))

    def apply(self, params: Any, X: Any, state: Any) -> tuple[jax.Array, Any]:
        return self.module.apply(params, _one_hot_time_major(X, self.vocab_size), state)

    def __call__(self, X: Any, state: Any) -> tuple[jax.Array, Any]:
        return self.apply(self.params, X, state)

    def begin_state(self, device: Any = None, batch_size: int = 1) -> Any:
        """The initial state for ``batch_size`` sequences (zeros, from the cells'
        ``initialize_carry``), structured as the layers' carries (see the class)."""
        batch_size = _positive_int("batch_size", batch_size)
        state = self._states.get(batch_size)
        if state is None:
            carries, features = [], self.vocab_size
            key = jax.random.PRNGKey(0)  # Flax's cells start from zeros and ignore it
            for layer in self.layers:
                cells = _cells(layer)
                carry = tuple(cell.initialize_carry(key, (batch_size, features))
                              for cell in cells)
                carries.append(carry if len(cells) == 2 else carry[0])  # (forward, backward)
                # the next layer's inputs: the outputs (both directions, concatenated)
                features = sum(cell.features for cell in cells)
            state = tuple(carries) if self.stacked else carries[0]
            self._states[batch_size] = state
        return state


_BOOK_LAYER = "nn.RNN(nn.GRUCell(num_hiddens), time_major=True, return_carry=True)"


def _cells(layer: Any) -> tuple[Any, ...]:
    """The cells of a checked layer: (cell,) of an ``nn.RNN``, (forward, backward) of an
    ``nn.Bidirectional``."""
    if hasattr(layer, "forward_rnn"):
        return layer.forward_rnn.cell, layer.backward_rnn.cell
    return (layer.cell,)


def _check_rnn_layers(rnn_layer: Any) -> tuple[Any, ...]:
    """``RNNModel``'s ``rnn_layer``: a Flax ``nn.RNN`` or ``nn.Bidirectional`` built with
    ``time_major=True, return_carry=True``, or a non-empty list of them; as a tuple."""
    _instance("rnn_layer", rnn_layer, "a layer")
    if isinstance(rnn_layer, (list, tuple)):
        if not rnn_layer:
            raise ValueError(f"rnn_layer is an empty {type(rnn_layer).__name__}: pass a layer "
                             f"such as {_BOOK_LAYER}, or a list of them (stacked)")
        for i, layer in enumerate(rnn_layer):
            _check_rnn_layer(layer, f"rnn_layer[{i}]")
        return tuple(rnn_layer)
    _check_rnn_layer(rnn_layer, "rnn_layer")
    return (rnn_layer,)


def _check_rnn_layer(layer: Any, name: str) -> None:
    """One layer of ``RNNModel`` (``name``: how the error calls it)."""
    from flax import linen as nn

    _instance(name, layer, "a layer")
    kinds = "a Flax RNN layer (nn.RNN or nn.Bidirectional) or a list of them (stacked)"
    bidirectional = isinstance(layer, nn.Bidirectional)
    rnns = [layer.forward_rnn, layer.backward_rnn] if bidirectional else [layer]
    for rnn in rnns:
        if isinstance(rnn, nn.RNN) and hasattr(rnn.cell, "features"):
            continue
        hint = " (a cell: wrap it in nn.RNN)" if isinstance(rnn, nn.RNNCellBase) else ""
        got = "got" if rnn is layer else "its nn.Bidirectional holds"
        raise TypeError(f"{name} must be {kinds}, e.g. {_BOOK_LAYER}; {got} "
                        f"{type(rnn).__name__}{hint}")
    wrong = [f"{flag}=False" for flag in ("time_major", "return_carry")
             if not getattr(layer, flag)]
    if wrong:
        raise ValueError(f"{name} must be built with time_major=True and return_carry=True "
                         f"(RNNModel feeds (num_steps, batch_size, vocab_size) and reads the "
                         f"state), e.g. {_BOOK_LAYER}; it has {', '.join(wrong)}")


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
        # one compiled update per model and lr: train_ch8 on the same model again (more
        # epochs, random sampling) does not compile it again
        compiled = _updaters.setdefault(net, {})
        if lr not in compiled:
            compiled[lr] = _compile_update(weakref.ref(net), lr)
        return compiled[lr]

    def detach(self, net, state):
        return jax.lax.stop_gradient(state)

    def step(self, net, X, Y, state, loss, updater, device):
        l, net.params, state = updater(net.params, X, Y, state)
        return l, state

    def predict_step(self, net, token, state, device):
        y, state = _decode(net)(net.params, jnp.array([[token]]), state)
        return int(jnp.argmax(y, axis=1)[0]), state


def _compile_update(net: Callable[[], Any], lr: float) -> Callable[..., Any]:
    """One minibatch's update of the model ``net()`` (a weak reference: the cache of updates
    keeps no model alive), compiled: loss, gradients, clipping (theta 1), SGD."""

    def update(params, X, Y, state):
        apply = net().apply

        def loss_fn(params):
            y_hat, new_state = apply(params, X, state)
            return _cross_entropy(y_hat, Y.T.reshape(-1)), new_state  # labels time-major
        (l, new_state), grads = jax.value_and_grad(loss_fn, has_aux=True)(params)
        grads = grad_clipping(grads, 1)
        return l, sgd(params, grads, lr, 1), new_state  # the loss is already a mean

    return jax.jit(update)


_hooks = _Hooks()
_updaters: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
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

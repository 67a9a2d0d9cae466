"""Chapter 8 (recurrent neural networks) on TensorFlow 2 / Keras 3: what is TensorFlow's own,
with the TensorFlow tab's own signatures (``train_ch8(net, train_iter, vocab, lr, num_epochs,
strategy, use_random_iter=False)``, ``predict_ch8(prefix, num_preds, net, vocab)``,
``grad_clipping(grads, theta)``, ``RNNModelScratch(vocab_size, num_hiddens, init_state,
forward_fn, get_params)``). The rest is shared (``d2lrnn.classic.common``, ``.train``,
``.text``, ``.utils``); ``d2lrnn.classic.tensorflow`` assembles the book's surface.

Differences from the book's library, on purpose:
- ``train_ch8`` runs each minibatch's GradientTape step, clipping and SGD update as one
  ``tf.function`` (the book's ``for X in inputs`` loop unrolls while tracing) and clips
  without a host round trip; a model that cannot be traced trains eagerly after a warning.
- ``RNN(cell, time_major=True, ...)`` (``layers``): Keras 3 removed ``time_major``; this layer
  accepts it (the book's rnn-concise cell uses it) and transposes around
  ``tf.keras.layers.RNN``.
- ``RNNModel.begin_state`` accepts the book's ``dtype=`` (Keras 3 cells do not), and
  ``RNNModel`` carries any layer's state (``[H]``, an LSTM's ``[H, C]``, one per stacked cell,
  a ``Bidirectional``'s two directions: ``layers``).
- ``predict_ch8`` steps a ``tf.function`` of the model (compiled once per model), not the
  eager model.
"""

from __future__ import annotations

import contextlib
import warnings
import weakref
from collections.abc import Callable
from typing import Any

import tensorflow as tf

from d2lrnn.classic import common as _common
from d2lrnn.classic import train as _train
from d2lrnn.classic.tensorflow.layers import RNN as _RNN
from d2lrnn.classic.tensorflow.layers import initial_state as _initial_state
from d2lrnn.core.checks import instance as _instance
from d2lrnn.tensorflow import tensors as _tensors
from d2lrnn.tensorflow.device import try_gpu as _try_gpu
from d2lrnn.tensorflow.trainer import unrolled_iteration as _unrolled_iteration

# -- helpers from earlier chapters that chapter 8 uses ---------------------------------------
sinh, cosh, sigmoid = tf.sinh, tf.cosh, tf.sigmoid


def load_array(data_arrays: Any, batch_size: int, is_train: bool = True) -> tf.data.Dataset:
    """Construct a TensorFlow data iterator."""
    dataset = tf.data.Dataset.from_tensor_slices(data_arrays)
    if is_train:
        dataset = dataset.shuffle(buffer_size=1000)
    return dataset.batch(batch_size)


def sgd(params: list[tf.Variable], grads: list[Any], lr: float, batch_size: int) -> None:
    """Minibatch stochastic gradient descent."""
    for param, grad in zip(params, grads, strict=True):
        param.assign_sub(lr * grad / batch_size)


evaluate_loss = _train.book_evaluate_loss(_tensors, reshape_labels=False, module=__name__)


# -- models ----------------------------------------------------------------------------------
class RNNModelScratch:
    """A RNN Model implemented from scratch."""

    def __init__(self, vocab_size: int, num_hiddens: int, init_state: Callable[..., Any],
                 forward_fn: Callable[..., Any], get_params: Callable[..., Any]) -> None:
        # the TensorFlow tab's order: (vocab_size, num_hiddens, init_state, forward_fn,
        # get_params), no device
        self.vocab_size, self.num_hiddens = _common.check_scratch_args(
            vocab_size, num_hiddens, init_state=init_state, forward_fn=forward_fn,
            get_params=get_params)
        self.init_state, self.forward_fn = init_state, forward_fn
        self.trainable_variables = get_params(vocab_size, num_hiddens)

    def __call__(self, X: Any, state: Any) -> tuple[tf.Tensor, Any]:
        # X (batch_size, num_steps) -> one-hot (num_steps, batch_size, vocab_size)
        X = tf.one_hot(tf.transpose(X), self.vocab_size)
        X = tf.cast(X, tf.float32)
        return self.forward_fn(X, state, self.trainable_variables)

    def begin_state(self, batch_size: int, *args: Any, **kwargs: Any) -> Any:
        return self.init_state(batch_size, self.num_hiddens)


class RNNModel(tf.keras.layers.Layer):
    """The RNN model (a Keras RNN layer and a dense output layer). Logits come out time-major,
    (num_steps * batch_size, vocab_size), as on the other frameworks. The layer:
    ``d2l.RNN(cell, time_major=True, return_sequences=True, return_state=True)`` as the book's
    cells build it (over a ``GRUCell``, an ``LSTMCell``, ``StackedRNNCells``...), a batch-major
    Keras 3 RNN layer, or ``tf.keras.layers.Bidirectional`` of one; the state is the layer's
    own (``d2lrnn.classic.tensorflow.layers``: ``[H]``, ``[H, C]``, one list per stacked
    cell, forward then backward)."""

    def __init__(self, rnn_layer: Any, vocab_size: int, **kwargs: Any) -> None:
        vocab_size = _check_rnn_layer(rnn_layer, vocab_size)
        super().__init__(**kwargs)
        self.rnn = rnn_layer
        self.vocab_size = vocab_size
        self.dense = tf.keras.layers.Dense(vocab_size)

    def call(self, inputs: Any, state: Any) -> tuple[tf.Tensor, Any]:
        if getattr(self.rnn, "time_major", False):
            X = tf.one_hot(tf.transpose(inputs), self.vocab_size)
            Y, *state = self.rnn(X, state)                          # (T, B, H)
        else:  # a plain Keras 3 RNN layer is batch-major
            X = tf.one_hot(inputs, self.vocab_size)
            Y, *state = self.rnn(X, initial_state=state)
            Y = tf.transpose(Y, (1, 0, 2))                          # (T, B, H)
        output = self.dense(tf.reshape(Y, (-1, Y.shape[-1])))
        return output, state

    def begin_state(self, batch_size: int | None = None, dtype: Any = None) -> list[Any]:
        """The zero state for ``batch_size`` sequences, as the layer takes and returns it
        (``dtype``: the book's argument, which Keras 3 cells no longer take)."""
        return _initial_state(self.rnn, batch_size, dtype)


def _check_rnn_layer(rnn_layer: Any, vocab_size: Any) -> int:
    """``RNNModel``'s arguments: a Keras RNN layer returning its sequences and its state."""
    vocab_size = _common.check_vocab_size(vocab_size)
    _instance("rnn_layer", rnn_layer, "a layer")
    layer = getattr(rnn_layer, "forward_layer", rnn_layer)  # a Bidirectional's forward RNN
    if not hasattr(layer, "cell") or not callable(rnn_layer):
        hint = (" (a cell: wrap it in a layer)" if hasattr(rnn_layer, "state_size") else "")
        raise TypeError(f"rnn_layer must be a Keras RNN layer such as d2l.RNN(cell, "
                        f"time_major=True, return_sequences=True, return_state=True); got "
                        f"{type(rnn_layer).__name__}{hint}")
    keras_layer = rnn_layer.layer if isinstance(rnn_layer, _RNN) else rnn_layer
    missing = [flag for flag in ("return_sequences", "return_state")
               if not getattr(keras_layer, flag, True)]
    if missing:
        raise ValueError(f"rnn_layer must be built with return_sequences=True and "
                         f"return_state=True (RNNModel reads every step's output and the "
                         f"state); it has {', '.join(f'{m}=False' for m in missing)}")
    return vocab_size


# -- training --------------------------------------------------------------------------------
def compiled_or_eager(compiled: dict[Any, Any], key: Any, args: tuple[Any, ...],
                      eager: Callable[[], Any]) -> Any:
    """``compiled[key](*args)``, the step compiled with tf.function; if it cannot be compiled
    (or was not before: ``compiled[key]`` is None), ``eager()``, after a RuntimeWarning (once:
    ``compiled[key]`` becomes None) that training goes on eagerly."""
    if compiled[key] is not None:
        try:
            return compiled[key](*args)
        except (TypeError, ValueError, NotImplementedError, AttributeError,
                tf.errors.OperatorNotAllowedInGraphError) as err:
            compiled[key] = None
            warnings.warn(f"d2lrnn.classic.tensorflow: this model could not be compiled "
                          f"({type(err).__name__}: {str(err).strip()[-300:]}); training "
                          "eagerly", RuntimeWarning, stacklevel=3)
    return eager()


def grad_clipping(grads: list[Any], theta: float) -> list[tf.Tensor]:
    """Clip the gradient: g <- min(1, theta / ||g||) g, ||g|| over all gradients (computed
    in TensorFlow, no host round trip; works inside ``tf.function``)."""
    theta = _train.grad_norm_check(theta)
    if isinstance(grads, (tf.Tensor, tf.Variable)) or not isinstance(grads, (list, tuple)):
        raise TypeError(f"grads must be a list of gradients (tape.gradient(l, params)); got "
                        f"{type(grads).__name__}")
    if not grads:
        raise ValueError("grads is empty: there is nothing to clip")
    missing = [i for i, g in enumerate(grads) if g is None]
    if missing:
        raise ValueError(f"grads[{missing[0]}] is None: the loss does not depend on that "
                         "parameter (is it used in the forward pass?)")
    grads = [tf.convert_to_tensor(g) if isinstance(g, tf.IndexedSlices) else g for g in grads]
    norm = tf.math.sqrt(tf.add_n([tf.reduce_sum(g ** 2) for g in grads]))
    scale = tf.minimum(1.0, tf.constant(theta, tf.float32) / norm)
    return [g * scale for g in grads]


class _Hooks(_train.Ch8Hooks):
    def __init__(self) -> None:
        self._compiled: dict[int, Any] = {}
        self.scope: Any = contextlib.nullcontext  # the strategy's scope (train_ch8 sets it)

    def begin_state(self, net, batch_size, device):
        return net.begin_state(batch_size=batch_size, dtype=tf.float32)

    def make_loss(self):
        with self.scope():
            return tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    def make_updater(self, net, lr, device):
        self._compiled.clear()
        with self.scope():
            return tf.keras.optimizers.SGD(float(lr))  # Keras 3 rejects the int lr=1

    def _eager_step(self, net, X, Y, state, loss, updater):
        with tf.GradientTape() as g:
            y_hat, state = net(X, state)
            y = tf.reshape(tf.transpose(Y), (-1,))  # labels time-major, as the logits
            l = loss(y, y_hat)
        params = net.trainable_variables
        grads = grad_clipping(g.gradient(l, params), 1)
        updater.apply_gradients(zip(grads, params, strict=True))
        return l, state

    def step(self, net, X, Y, state, loss, updater, device):
        key = id(net)
        if key not in self._compiled:
            def graph(X, Y, state):
                with _unrolled_iteration():
                    return tf.autograph.experimental.do_not_convert(self._eager_step)(
                        net, X, Y, state, loss, updater)
            self._compiled[key] = tf.function(graph, reduce_retracing=False)
        return compiled_or_eager(self._compiled, key, (X, Y, state),
                                 lambda: self._eager_step(net, X, Y, state, loss, updater))

    def predict_step(self, net, token, state, device):
        y, state = _decode(net)(tf.constant([[token]]), state)
        return int(tf.argmax(y, axis=1)[0]), state


_hooks = _Hooks()
_decoders: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_EAGER = object()  # in _decoders: this model is stepped eagerly


def _decode(net: Any) -> Callable[..., Any]:
    """``net`` compiled once per model (and state structure) for one-token steps
    (``predict_ch8``): an eager call of a Keras RNN layer costs tens of milliseconds per token,
    more than training when train_ch8 predicts every 10 epochs. A model not built yet steps
    eagerly (its first call creates its variables); one that cannot be traced (or hashed) is
    stepped eagerly from then on."""
    try:
        fn = _decoders.get(net)
    except TypeError:  # an unhashable model
        return net
    if fn is _EAGER or not getattr(net, "built", True):
        return net
    if fn is None:
        model = weakref.ref(net)  # the cache keeps no model alive

        def call(X: Any, state: Any) -> Any:
            with _unrolled_iteration():
                return tf.autograph.experimental.do_not_convert(model())(X, state)
        compiled = tf.function(call)

        def fn(X: Any, state: Any) -> Any:
            try:
                return compiled(X, state)
            except (TypeError, ValueError, NotImplementedError, AttributeError,
                    tf.errors.OperatorNotAllowedInGraphError):
                _decoders[model()] = _EAGER  # e.g. Python control flow on a value
                return model()(X, state)
        _decoders[net] = fn
    return fn


# the TensorFlow tab's signatures: no device (a strategy for train_ch8)
def predict_ch8(prefix: str, num_preds: int, net: Any, vocab: Any) -> str:
    """Generate new characters following the ``prefix``."""
    return _train.predict_ch8(_hooks, prefix, num_preds, net, vocab, None)


def train_epoch_ch8(net: Any, train_iter: Any, loss: Any, updater: Any,
                    use_random_iter: bool) -> tuple[float, float]:
    """Train a model within one epoch (defined in Chapter 8)."""
    return _train.train_epoch_ch8(_hooks, net, train_iter, loss, updater, None,
                                  use_random_iter)


def train_ch8(net: Any, train_iter: Any, vocab: Any, lr: float, num_epochs: int,
              strategy: Any, use_random_iter: bool = False) -> None:
    """Train a model (defined in Chapter 8)."""
    if not isinstance(strategy, tf.distribute.Strategy):
        raise TypeError(f"strategy must be a tf.distribute.Strategy, e.g. "
                        f"tf.distribute.OneDeviceStrategy(d2l.try_gpu()._device_name); got "
                        f"{strategy!r} ({type(strategy).__name__})")
    _hooks.scope = strategy.scope
    _train.train_ch8(_hooks, net, train_iter, vocab, lr, num_epochs, None, use_random_iter,
                     device_name=_try_gpu()._device_name)

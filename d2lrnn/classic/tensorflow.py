"""``from d2lrnn.classic import tensorflow as d2l``: the older edition's chapter 8 on
TensorFlow 2 / Keras 3, with the TensorFlow tab's own signatures (``train_ch8(net,
train_iter, vocab, lr, num_epochs, strategy, use_random_iter=False)``, ``predict_ch8(prefix,
num_preds, net, vocab)``, ``grad_clipping(grads, theta)``, ``RNNModelScratch(vocab_size,
num_hiddens, init_state, forward_fn, get_params)``).

Differences from the book's library, on purpose:
- ``train_ch8`` runs each minibatch's GradientTape step, clipping and SGD update as one
  ``tf.function`` (the book's ``for X in inputs`` loop unrolls while tracing) and clips
  without a host round trip; a model that cannot be traced trains eagerly after a warning.
- ``RNN(cell, time_major=True, ...)``: Keras 3 removed ``time_major``; this layer accepts it
  (the book's rnn-concise cell uses it) and transposes around ``tf.keras.layers.RNN``.
- ``RNNModel.begin_state`` accepts the book's ``dtype=`` (Keras 3 cells do not).
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable
from typing import Any

import tensorflow as tf

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
from d2lrnn.tensorflow import device as _device
from d2lrnn.tensorflow.device import cpu, gpu, num_gpus, try_gpu  # noqa: F401
from d2lrnn.tensorflow.tensors import (  # noqa: F401
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
    int32,
    int64,
    linspace,
    log,
    matmul,
    meshgrid,
    normal,
    numpy,
    ones,
    rand,
    randn,
    reduce_mean,
    reduce_sum,
    reshape,
    sin,
    size,
    stack,
    tanh,
    tensor,
    transpose,
    zeros,
)
from d2lrnn.tensorflow.trainer import unrolled_iteration as _unrolled_iteration

BACKEND = "tensorflow"
sinh, cosh, sigmoid = tf.sinh, tf.cosh, tf.sigmoid

seed = _backend_seed(lambda n: tf.random.set_seed(n), "TensorFlow's own generator")




# -- data ------------------------------------------------------------------------------------
seq_data_iter_random = _text.bind(_text.seq_data_iter_random, tf.constant)
seq_data_iter_sequential = _text.bind(_text.seq_data_iter_sequential, tf.constant)


class SeqDataLoader(_text.SeqDataLoader):
    """An iterator to load sequence data."""
    tensor = staticmethod(tf.constant)


def load_data_time_machine(batch_size: int, num_steps: int, use_random_iter: bool = False,
                           max_tokens: int = 10000) -> tuple[SeqDataLoader, Vocab]:
    """Return the iterator and the vocabulary of the time machine dataset."""
    return _text.load_data_time_machine_with(SeqDataLoader, batch_size, num_steps,
                                             use_random_iter, max_tokens)


def load_array(data_arrays: Any, batch_size: int, is_train: bool = True) -> tf.data.Dataset:
    """Construct a TensorFlow data iterator."""
    dataset = tf.data.Dataset.from_tensor_slices(data_arrays)
    if is_train:
        dataset = dataset.shuffle(buffer_size=1000)
    return dataset.batch(batch_size)


# -- training helpers from earlier chapters --------------------------------------------------
def sgd(params: list[tf.Variable], grads: list[Any], lr: float, batch_size: int) -> None:
    """Minibatch stochastic gradient descent."""
    for param, grad in zip(params, grads, strict=True):
        param.assign_sub(lr * grad / batch_size)


def evaluate_loss(net: Callable[..., Any], data_iter: Any, loss: Any) -> float:
    """Evaluate the loss of a model on the given dataset."""
    metric = Accumulator(2)  # sum of losses, no. of examples
    for X, y in data_iter:
        l = loss(net(X), y)
        metric.add(tf.reduce_sum(l), size(l))
    return metric[0] / metric[1]


# -- chapter 8 -------------------------------------------------------------------------------
class RNNModelScratch:
    """A RNN Model implemented from scratch."""

    def __init__(self, vocab_size: int, num_hiddens: int, init_state: Callable[..., Any],
                 forward_fn: Callable[..., Any], get_params: Callable[..., Any]) -> None:
        self.vocab_size = positive_int("vocab_size", vocab_size)
        self.num_hiddens = positive_int("num_hiddens", num_hiddens)
        self.init_state, self.forward_fn = init_state, forward_fn
        self.trainable_variables = get_params(vocab_size, num_hiddens)

    def __call__(self, X: Any, state: Any) -> tuple[tf.Tensor, Any]:
        # X (batch_size, num_steps) -> one-hot (num_steps, batch_size, vocab_size)
        X = tf.one_hot(tf.transpose(X), self.vocab_size)
        X = tf.cast(X, tf.float32)
        return self.forward_fn(X, state, self.trainable_variables)

    def begin_state(self, batch_size: int, *args: Any, **kwargs: Any) -> Any:
        return self.init_state(batch_size, self.num_hiddens)


class RNN(tf.keras.layers.Layer):
    """``tf.keras.layers.RNN`` that still accepts ``time_major=True`` (removed in Keras 3):
    inputs (num_steps, batch_size, features), outputs time-major too."""

    def __init__(self, cell: Any, time_major: bool = False, **kwargs: Any) -> None:
        layer_kwargs = {k: kwargs.pop(k) for k in list(kwargs) if k in (
            "return_sequences", "return_state", "go_backwards", "stateful", "unroll")}
        super().__init__(**kwargs)
        self.time_major = time_major
        self.layer = tf.keras.layers.RNN(cell, **layer_kwargs)
        self.cell = _CellView(cell)  # get_initial_state(..., dtype=) as the book calls it

    def call(self, inputs: Any, initial_state: Any = None) -> Any:
        if self.time_major:
            inputs = tf.transpose(inputs, (1, 0, 2))
        outputs = self.layer(inputs, initial_state=initial_state)
        if not self.time_major:
            return outputs
        if isinstance(outputs, (list, tuple)):
            Y, *states = outputs
            return [_time_major(Y), *states]
        return _time_major(outputs)


class _CellView:
    """A Keras 3 cell whose ``get_initial_state`` still accepts the book's ``dtype=``."""

    def __init__(self, cell: Any) -> None:
        self._cell = cell

    def get_initial_state(self, batch_size: int | None = None, dtype: Any = None) -> list[Any]:
        state = self._cell.get_initial_state(batch_size=batch_size)
        return list(state) if isinstance(state, (list, tuple)) else [state]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cell, name)


def _time_major(Y: Any) -> Any:
    return tf.transpose(Y, (1, 0, 2)) if len(Y.shape) == 3 else Y


class RNNModel(tf.keras.layers.Layer):
    """The RNN model (a Keras RNN layer and a dense output layer). Logits come out time-major,
    (num_steps * batch_size, vocab_size), as on the other frameworks."""

    def __init__(self, rnn_layer: Any, vocab_size: int, **kwargs: Any) -> None:
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

    def begin_state(self, *args: Any, **kwargs: Any) -> Any:
        cell = self.rnn.cell
        if not isinstance(cell, _CellView):
            cell = _CellView(cell)  # Keras 3 cells take no dtype
        return cell.get_initial_state(*args, **kwargs)


def grad_clipping(grads: list[Any], theta: float) -> list[tf.Tensor]:
    """Clip the gradient: g <- min(1, theta / ||g||) g, ||g|| over all gradients (computed
    in TensorFlow, no host round trip; works inside ``tf.function``)."""
    theta = _train.grad_norm_check(theta)
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
        compiled = self._compiled[key]
        if compiled is not None:
            try:
                return compiled(X, Y, state)
            except (TypeError, ValueError, NotImplementedError, AttributeError,
                    tf.errors.OperatorNotAllowedInGraphError) as err:
                self._compiled[key] = None
                warnings.warn(f"d2lrnn.classic.tensorflow: this model could not be compiled "
                              f"({type(err).__name__}: {str(err).strip()[-300:]}); training "
                              "eagerly", RuntimeWarning, stacklevel=2)
        return self._eager_step(net, X, Y, state, loss, updater)

    def predict_step(self, net, token, state, device):
        y, state = net(tf.constant([[token]]), state)
        return int(tf.argmax(y, axis=1)[0]), state


_hooks = _Hooks()


def predict_ch8(prefix: str, num_preds: int, net: Any, vocab: Vocab) -> str:
    """Generate new characters following the ``prefix``."""
    return _train.predict_ch8(_hooks, prefix, num_preds, net, vocab, None)


def train_epoch_ch8(net: Any, train_iter: Any, loss: Any, updater: Any,
                    use_random_iter: bool) -> tuple[float, float]:
    """Train a model within one epoch (defined in Chapter 8)."""
    return _train.train_epoch_ch8(_hooks, net, train_iter, loss, updater, None,
                                  use_random_iter)


def train_ch8(net: Any, train_iter: Any, vocab: Vocab, lr: float, num_epochs: int,
              strategy: Any, use_random_iter: bool = False) -> None:
    """Train a model (defined in Chapter 8)."""
    _hooks.scope = strategy.scope
    _train.train_ch8(_hooks, net, train_iter, vocab, lr, num_epochs, None, use_random_iter,
                     device_name=try_gpu()._device_name)


try_all_gpus = _utils.try_all_gpus_or_cpu(_device)  # the older edition's: [cpu()] without a GPU
__getattr__ = _lazy_plt(__name__)  # d2l.plt: matplotlib.pyplot, imported on first use

__all__ = _names.classic_exports("tensorflow")  # the declared surface (d2lrnn/core/names.py)

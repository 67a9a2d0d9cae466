"""``from d2lrnn.classic import mxnet as d2l``: the older edition's chapter 8 on MXNet 1.9.1
(numpy interface), beside numpy 2 (see ``d2lrnn.mxnet.compat``).

Only what is MXNet's lives here (tensors, ``autograd.record()`` steps, clipping in place,
the models); the rest is framework-free (``d2lrnn.classic.text``, ``.train``, ``.utils``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from d2lrnn.mxnet.compat import import_mxnet as _import_mxnet

_import_mxnet()

from mxnet import autograd, gluon, init, np, npx  # noqa: E402
from mxnet.gluon import nn  # noqa: E402

from d2lrnn.classic import text as _text  # noqa: E402
from d2lrnn.classic import train as _train  # noqa: E402
from d2lrnn.classic import utils as _utils  # noqa: E402
from d2lrnn.classic.text import (  # noqa: E402, F401  (the book's names)
    DATA_HUB,
    Vocab,
    count_corpus,
    download,
    load_corpus_time_machine,
    read_time_machine,
    tokenize,
)
from d2lrnn.classic.utils import Accumulator, Animator, Timer  # noqa: E402, F401
from d2lrnn.core import names as _names  # noqa: E402
from d2lrnn.core.checks import check_len, check_shape, positive_int  # noqa: E402, F401
from d2lrnn.core.download import DATA_URL  # noqa: E402, F401
from d2lrnn.core.plot import lazy_plt as _lazy_plt  # noqa: E402
from d2lrnn.core.plot import plot, set_axes, set_figsize, use_svg_display  # noqa: E402, F401
from d2lrnn.core.random import backend_seed as _backend_seed  # noqa: E402
from d2lrnn.mxnet import device as _device  # noqa: E402
from d2lrnn.mxnet.device import cpu, gpu, num_gpus, try_gpu  # noqa: E402, F401
from d2lrnn.mxnet.tensors import (  # noqa: E402, F401
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

npx.set_np()

BACKEND = "mxnet"
sinh, cosh = np.sinh, np.cosh

seed = _backend_seed(lambda n: __import__("mxnet").random.seed(n), "MXNet's own generator")




# -- data ------------------------------------------------------------------------------------
seq_data_iter_random = _text.bind(_text.seq_data_iter_random, np.array)
seq_data_iter_sequential = _text.bind(_text.seq_data_iter_sequential, np.array)


class SeqDataLoader(_text.SeqDataLoader):
    """An iterator to load sequence data."""
    tensor = staticmethod(np.array)


def load_data_time_machine(batch_size: int, num_steps: int, use_random_iter: bool = False,
                           max_tokens: int = 10000) -> tuple[SeqDataLoader, Vocab]:
    """Return the iterator and the vocabulary of the time machine dataset."""
    return _text.load_data_time_machine_with(SeqDataLoader, batch_size, num_steps,
                                             use_random_iter, max_tokens)


def load_array(data_arrays: Any, batch_size: int, is_train: bool = True) -> Any:
    """Construct a Gluon data iterator."""
    dataset = gluon.data.ArrayDataset(*data_arrays)
    return gluon.data.DataLoader(dataset, batch_size, shuffle=is_train)


# -- training helpers from earlier chapters --------------------------------------------------
def sgd(params: list[Any], lr: float, batch_size: int) -> None:
    """Minibatch stochastic gradient descent."""
    for param in params:
        param[:] = param - lr * param.grad / batch_size


def evaluate_loss(net: Callable[..., Any], data_iter: Any, loss: Any) -> float:
    """Evaluate the loss of a model on the given dataset."""
    metric = Accumulator(2)  # sum of losses, no. of examples
    for X, y in data_iter:
        l = loss(net(X), y)
        metric.add(reduce_sum(l), size(l))
    return metric[0] / metric[1]


# -- chapter 8 -------------------------------------------------------------------------------
class RNNModelScratch:
    """An RNN Model implemented from scratch."""

    def __init__(self, vocab_size: int, num_hiddens: int, device: Any,
                 get_params: Callable[..., Any], init_state: Callable[..., Any],
                 forward_fn: Callable[..., Any]) -> None:
        self.vocab_size = positive_int("vocab_size", vocab_size)
        self.num_hiddens = positive_int("num_hiddens", num_hiddens)
        self.params = get_params(vocab_size, num_hiddens, device)
        self.init_state, self.forward_fn = init_state, forward_fn

    def __call__(self, X: Any, state: Any) -> tuple[Any, Any]:
        # X (batch_size, num_steps) -> one-hot (num_steps, batch_size, vocab_size)
        X = npx.one_hot(X.T, self.vocab_size)
        return self.forward_fn(X, state, self.params)

    def begin_state(self, batch_size: int, ctx: Any) -> Any:
        return self.init_state(batch_size, self.num_hiddens, ctx)


class RNNModel(nn.Block):
    """The RNN model (a Gluon RNN layer and a dense output layer)."""

    def __init__(self, rnn_layer: Any, vocab_size: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rnn = rnn_layer
        self.vocab_size = vocab_size
        self.dense = nn.Dense(vocab_size)

    def forward(self, inputs: Any, state: Any) -> tuple[Any, Any]:
        X = npx.one_hot(inputs.T, self.vocab_size)
        Y, state = self.rnn(X, state)
        # (num_steps * batch_size, num_hiddens) -> (num_steps * batch_size, vocab_size)
        output = self.dense(Y.reshape(-1, Y.shape[-1]))
        return output, state

    def begin_state(self, *args: Any, **kwargs: Any) -> Any:
        return self.rnn.begin_state(*args, **kwargs)


def _params_of(net: Any) -> list[Any]:
    if isinstance(net, gluon.Block):
        return [p.data() for p in net.collect_params().values()]
    return list(net.params)


def grad_clipping(net: Any, theta: float) -> None:
    """Clip the gradient: g <- min(1, theta / ||g||) g, ||g|| over all parameters; in place
    and on the device (no host round trip)."""
    theta = _train.grad_norm_check(theta)
    params = _params_of(net)
    norm = np.sqrt(sum((p.grad ** 2).sum() for p in params))
    scale = np.minimum(theta / norm, 1.0)
    for param in params:
        param.grad[:] *= scale


class _Hooks(_train.Ch8Hooks):
    print_every_10 = False  # the MXNet tab's train_ch8 prints only at the end

    def begin_state(self, net, batch_size, device):
        return net.begin_state(batch_size=batch_size, ctx=device)

    def detach(self, net, state):
        return [s.detach() for s in state]

    def make_loss(self):
        return gluon.loss.SoftmaxCrossEntropyLoss()

    def make_updater(self, net, lr, device):
        if isinstance(net, gluon.Block):
            net.initialize(ctx=device, force_reinit=True, init=init.Normal(0.01))
            trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": lr})
            return lambda batch_size: trainer.step(batch_size)
        return lambda batch_size: sgd(net.params, lr, batch_size)

    def step(self, net, X, Y, state, loss, updater, device):
        y = Y.T.reshape(-1)  # labels time-major, as the logits
        X, y = X.as_in_ctx(device), y.as_in_ctx(device)
        with autograd.record():
            y_hat, state = net(X, state)
            l = loss(y_hat, y).mean()
        l.backward()
        grad_clipping(net, 1)
        updater(batch_size=1)  # the loss is already a mean
        return l, state

    def predict_step(self, net, token, state, device):
        y, state = net(np.array([[token]], ctx=device), state)
        return int(y.argmax(axis=1).reshape(1)[0]), state


_hooks = _Hooks()


def predict_ch8(prefix: str, num_preds: int, net: Any, vocab: Vocab, device: Any) -> str:
    """Generate new characters following the ``prefix``."""
    return _train.predict_ch8(_hooks, prefix, num_preds, net, vocab, device)


def train_epoch_ch8(net: Any, train_iter: Any, loss: Any, updater: Any, device: Any,
                    use_random_iter: bool) -> tuple[float, float]:
    """Train a model within one epoch (defined in Chapter 8)."""
    return _train.train_epoch_ch8(_hooks, net, train_iter, loss, updater, device,
                                  use_random_iter)


def train_ch8(net: Any, train_iter: Any, vocab: Vocab, lr: float, num_epochs: int,
              device: Any, use_random_iter: bool = False) -> None:
    """Train a model (defined in Chapter 8)."""
    _train.train_ch8(_hooks, net, train_iter, vocab, lr, num_epochs, device, use_random_iter)


try_all_gpus = _utils.try_all_gpus_or_cpu(_device)  # the older edition's: [cpu()] without a GPU
__getattr__ = _lazy_plt(__name__)  # d2l.plt: matplotlib.pyplot, imported on first use

__all__ = _names.classic_exports("mxnet")  # the declared surface (d2lrnn/core/names.py)

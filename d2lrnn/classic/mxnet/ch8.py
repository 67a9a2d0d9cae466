"""Chapter 8 (recurrent neural networks) on MXNet 1.9.1 (numpy interface): what is MXNet's own
(``autograd.record()`` steps, clipping in place, the models). The rest is shared
(``d2lrnn.classic.common``, ``.train``, ``.text``, ``.utils``); ``d2lrnn.classic.mxnet``
assembles the book's surface."""

from __future__ import annotations

from typing import Any

from d2lrnn.mxnet.compat import import_mxnet as _import_mxnet

_import_mxnet()

import mxnet as _mx  # noqa: E402
from mxnet import autograd, gluon, init, np, npx  # noqa: E402
from mxnet.gluon import nn  # noqa: E402

from d2lrnn.classic import common as _common  # noqa: E402
from d2lrnn.classic import train as _train  # noqa: E402
from d2lrnn.core.checks import instance as _instance  # noqa: E402
from d2lrnn.mxnet import tensors as _tensors  # noqa: E402
from d2lrnn.mxnet.device import num_gpus as _num_gpus  # noqa: E402

npx.set_np()


# -- helpers from earlier chapters that chapter 8 uses ---------------------------------------
sinh, cosh = np.sinh, np.cosh


def load_array(data_arrays: Any, batch_size: int, is_train: bool = True) -> Any:
    """Construct a Gluon data iterator."""
    dataset = gluon.data.ArrayDataset(*data_arrays)
    return gluon.data.DataLoader(dataset, batch_size, shuffle=is_train)


def sgd(params: list[Any], lr: float, batch_size: int) -> None:
    """Minibatch stochastic gradient descent."""
    for param in params:
        param[:] = param - lr * param.grad / batch_size


evaluate_loss = _train.book_evaluate_loss(_tensors, reshape_labels=False, module=__name__)


# -- models ----------------------------------------------------------------------------------
class RNNModelScratch(_common.ScratchModel):
    """An RNN Model implemented from scratch."""

    def _one_hot(self, X: Any) -> Any:
        return npx.one_hot(X.T, self.vocab_size)

    def begin_state(self, batch_size: int, ctx: Any) -> Any:
        return self.init_state(batch_size, self.num_hiddens, ctx)


class RNNModel(nn.Block):
    """The RNN model (a Gluon RNN layer and a dense output layer)."""

    def __init__(self, rnn_layer: Any, vocab_size: int, **kwargs: Any) -> None:
        vocab_size = _check_rnn_layer(rnn_layer, vocab_size)
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


def _check_rnn_layer(rnn_layer: Any, vocab_size: Any) -> int:
    """``RNNModel``'s arguments: a time-major Gluon RNN layer (rnn.RNN, rnn.GRU, rnn.LSTM)."""
    vocab_size = _common.check_vocab_size(vocab_size)
    _instance("rnn_layer", rnn_layer, "a layer")
    if isinstance(rnn_layer, gluon.rnn.RecurrentCell) or not isinstance(
            rnn_layer, gluon.Block) or not hasattr(rnn_layer, "begin_state"):
        raise TypeError(f"rnn_layer must be a Gluon RNN layer (rnn.RNN, rnn.GRU or rnn.LSTM, "
                        f"not a cell), e.g. rnn.RNN(num_hiddens); got "
                        f"{type(rnn_layer).__name__}")
    if getattr(rnn_layer, "_layout", "TNC") != "TNC":
        raise ValueError(f"rnn_layer must be time-major (layout='TNC', the default); got "
                         f"layout={rnn_layer._layout!r}")
    return vocab_size


# -- training --------------------------------------------------------------------------------
def _params_of(net: Any) -> list[Any]:
    if isinstance(net, gluon.Block):
        return [p.data() for p in net.collect_params().values()]
    return list(net.params)


def grad_clipping(net: Any, theta: float) -> None:
    """Clip the gradient: g <- min(1, theta / ||g||) g, ||g|| over all parameters; in place
    and on the device (no host round trip)."""
    theta = _train.grad_norm_check(theta)
    try:
        params = _params_of(net)
    except (AttributeError, TypeError):  # no check on the way of a model that has them
        raise TypeError(f"net must be a model (a Gluon Block, or a scratch model with .params); "
                        f"got {type(net).__name__}") from None
    norm = np.sqrt(sum((p.grad ** 2).sum() for p in params))
    scale = np.minimum(theta / norm, 1.0)
    for param in params:
        param.grad[:] *= scale


class _Hooks(_train.Ch8Hooks):
    print_every_10 = False  # the MXNet tab's train_ch8 prints only at the end

    def begin_state(self, net, batch_size, device):
        return net.begin_state(batch_size=batch_size, ctx=device)

    def check_device(self, device):
        if device is None:  # MXNet's current context
            return device
        if not isinstance(device, _mx.Context):
            raise TypeError(f"device must be an MXNet context such as d2l.try_gpu() or "
                            f"mx.cpu(); got {device!r} ({type(device).__name__})")
        if device.device_type == "gpu" and device.device_id >= _num_gpus():
            raise ValueError(f"device is {device} but MXNet sees {_num_gpus()} "
                             "GPU(s): use d2l.try_gpu(), which falls back to the CPU")
        return device

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
predict_ch8, train_epoch_ch8, train_ch8 = _train.book_functions(_hooks)

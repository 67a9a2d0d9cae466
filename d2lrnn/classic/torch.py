"""``from d2lrnn.classic import torch as d2l``: the older edition's chapter 8 on PyTorch.

Only what is PyTorch's lives here (tensors, the gradient step, clipping, the models); the
text pipeline, the loops and the helpers are framework-free (``d2lrnn.classic.text``,
``.train``, ``.utils``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch import nn
from torch.utils import data

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
from d2lrnn.core.checks import check_len, check_shape  # noqa: F401
from d2lrnn.core.download import DATA_URL  # noqa: F401
from d2lrnn.core.plot import lazy_plt as _lazy_plt
from d2lrnn.core.plot import plot, set_axes, set_figsize, use_svg_display  # noqa: F401
from d2lrnn.core.random import backend_seed as _backend_seed
from d2lrnn.torch import device as _device
from d2lrnn.torch.device import cpu, gpu, num_gpus, try_gpu  # noqa: F401
from d2lrnn.torch.tensors import (  # noqa: F401
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
    to,
    transpose,
    zeros,
)
from d2lrnn.torch.tensors import one_hot_float as _one_hot_float

BACKEND = "torch"
sinh, cosh, sigmoid = torch.sinh, torch.cosh, torch.sigmoid

seed = _backend_seed(lambda n: torch.manual_seed(n), "torch's own generator")




# -- data ------------------------------------------------------------------------------------
seq_data_iter_random = _text.bind(_text.seq_data_iter_random, torch.tensor)
seq_data_iter_sequential = _text.bind(_text.seq_data_iter_sequential, torch.tensor)


class SeqDataLoader(_text.SeqDataLoader):
    """An iterator to load sequence data."""
    tensor = staticmethod(torch.tensor)


def load_data_time_machine(batch_size: int, num_steps: int, use_random_iter: bool = False,
                           max_tokens: int = 10000) -> tuple[SeqDataLoader, Vocab]:
    """Return the iterator and the vocabulary of the time machine dataset."""
    return _text.load_data_time_machine_with(SeqDataLoader, batch_size, num_steps,
                                             use_random_iter, max_tokens)


def load_array(data_arrays: Any, batch_size: int, is_train: bool = True) -> data.DataLoader:
    """Construct a PyTorch data iterator."""
    dataset = data.TensorDataset(*data_arrays)
    return data.DataLoader(dataset, batch_size, shuffle=is_train)


# -- training helpers from earlier chapters --------------------------------------------------
def sgd(params: list[torch.Tensor], lr: float, batch_size: int) -> None:
    """Minibatch stochastic gradient descent (one fused update over all parameters)."""
    with torch.no_grad():
        grads = [p.grad for p in params]
        torch._foreach_add_(params, grads, alpha=-lr / batch_size)
        torch._foreach_zero_(grads)


def evaluate_loss(net: Callable[..., Any], data_iter: Any, loss: Any) -> float:
    """Evaluate the loss of a model on the given dataset."""
    metric = Accumulator(2)  # sum of losses, no. of examples
    for X, y in data_iter:
        out = net(X)
        y = reshape(y, out.shape)
        l = loss(out, y)
        metric.add(reduce_sum(l), size(l))
    return metric[0] / metric[1]


# -- chapter 8 -------------------------------------------------------------------------------
class RNNModelScratch:
    """A RNN Model implemented from scratch."""

    def __init__(self, vocab_size: int, num_hiddens: int, device: Any,
                 get_params: Callable[..., Any], init_state: Callable[..., Any],
                 forward_fn: Callable[..., Any]) -> None:
        from d2lrnn.core.checks import positive_int
        self.vocab_size = positive_int("vocab_size", vocab_size)
        self.num_hiddens = positive_int("num_hiddens", num_hiddens)
        self.params = get_params(vocab_size, num_hiddens, device)
        self.init_state, self.forward_fn = init_state, forward_fn

    def __call__(self, X: torch.Tensor, state: Any) -> tuple[torch.Tensor, Any]:
        # X (batch_size, num_steps) -> one-hot (num_steps, batch_size, vocab_size)
        X = _one_hot_float(X.T, self.vocab_size)
        return self.forward_fn(X, state, self.params)

    def begin_state(self, batch_size: int, device: Any) -> Any:
        return self.init_state(batch_size, self.num_hiddens, device)


class RNNModel(nn.Module):
    """The RNN model (a framework RNN layer and a dense output layer)."""

    def __init__(self, rnn_layer: nn.Module, vocab_size: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rnn = rnn_layer
        self.vocab_size = vocab_size
        self.num_hiddens = self.rnn.hidden_size
        # a bidirectional RNN (later chapters) concatenates two directions
        self.num_directions = 2 if self.rnn.bidirectional else 1
        self.linear = nn.Linear(self.num_hiddens * self.num_directions, self.vocab_size)

    def forward(self, inputs: torch.Tensor, state: Any) -> tuple[torch.Tensor, Any]:
        X = _one_hot_float(inputs.T, self.vocab_size)
        Y, state = self.rnn(X, state)
        # (num_steps * batch_size, num_hiddens) -> (num_steps * batch_size, vocab_size)
        output = self.linear(Y.reshape((-1, Y.shape[-1])))
        return output, state

    def begin_state(self, device: Any, batch_size: int = 1) -> Any:
        shape = (self.num_directions * self.rnn.num_layers, batch_size, self.num_hiddens)
        if not isinstance(self.rnn, nn.LSTM):  # nn.RNN and nn.GRU take a tensor
            return torch.zeros(shape, device=device)
        return (torch.zeros(shape, device=device), torch.zeros(shape, device=device))


def _params_of(net: Any) -> list[torch.Tensor]:
    if isinstance(net, nn.Module):
        return [p for p in net.parameters() if p.requires_grad]
    return list(net.params)


def grad_clipping(net: Any, theta: float) -> None:
    """Clip the gradient: g <- min(1, theta / ||g||) g, ||g|| over all parameters. Computed
    on the device without a host round trip (no ``if norm > theta`` on the host)."""
    theta = _train.grad_norm_check(theta)
    grads = [p.grad for p in _params_of(net) if p.grad is not None]
    if not grads:
        return
    norm = torch.linalg.vector_norm(torch.stack(torch._foreach_norm(grads)))
    torch._foreach_mul_(grads, (theta / norm).clamp(max=1.0))


class _Hooks(_train.Ch8Hooks):
    def begin_state(self, net: Any, batch_size: int, device: Any) -> Any:
        return net.begin_state(batch_size=batch_size, device=device)

    def detach(self, net: Any, state: Any) -> Any:
        if isinstance(state, (tuple, list)):  # scratch models and nn.LSTM
            return tuple(s.detach() for s in state)
        return state.detach()  # nn.RNN, nn.GRU

    def make_loss(self) -> Any:
        return nn.CrossEntropyLoss()

    def make_updater(self, net: Any, lr: float, device: Any) -> Any:
        if isinstance(net, nn.Module):
            return torch.optim.SGD(net.parameters(), lr)
        return lambda batch_size: sgd(net.params, lr, batch_size)

    def step(self, net, X, Y, state, loss, updater, device):
        y = Y.T.reshape(-1)  # labels time-major, as the logits
        X, y = X.to(device), y.to(device)
        y_hat, state = net(X, state)
        l = loss(y_hat, y.long()).mean()
        if isinstance(updater, torch.optim.Optimizer):
            updater.zero_grad()
            l.backward()
            grad_clipping(net, 1)
            updater.step()
        else:
            l.backward()
            grad_clipping(net, 1)
            updater(batch_size=1)  # the loss is already a mean
        return l.detach(), state

    def predict_step(self, net, token, state, device):
        with torch.no_grad():
            y, state = net(torch.tensor([[token]], device=device), state)
        return int(y.argmax(dim=1).reshape(1)[0]), state


_hooks = _Hooks()


def predict_ch8(prefix: str, num_preds: int, net: Any, vocab: Vocab, device: Any) -> str:
    """Generate new characters following the ``prefix``."""
    return _train.predict_ch8(_hooks, prefix, num_preds, net, vocab, device)


def train_epoch_ch8(net: Any, train_iter: Any, loss: Any, updater: Any, device: Any,
                    use_random_iter: bool) -> tuple[float, float]:
    """Train a net within one epoch (defined in Chapter 8)."""
    return _train.train_epoch_ch8(_hooks, net, train_iter, loss, updater, device,
                                  use_random_iter)


def train_ch8(net: Any, train_iter: Any, vocab: Vocab, lr: float, num_epochs: int,
              device: Any, use_random_iter: bool = False) -> None:
    """Train a model (defined in Chapter 8)."""
    # torch's own thread count, as the edition's library and the section's own train_ch8 (the
    # Trainer's one thread on small machines, torch/threads.py, costs this 512-unit model
    # ~1.4x on a quiet 2-CPU machine: benchmarks/classic_bench.py)
    _train.train_ch8(_hooks, net, train_iter, vocab, lr, num_epochs, device, use_random_iter)


try_all_gpus = _utils.try_all_gpus_or_cpu(_device)  # the older edition's: [cpu()] without a GPU
__getattr__ = _lazy_plt(__name__)  # d2l.plt: matplotlib.pyplot, imported on first use

__all__ = _names.classic_exports("torch")  # the declared surface (d2lrnn/core/names.py)

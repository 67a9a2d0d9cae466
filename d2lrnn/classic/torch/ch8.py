"""Chapter 8 (recurrent neural networks) on PyTorch: what is PyTorch's own. The data section,
the loops and the framework-free helpers are shared (``d2lrnn.classic.common``, ``.train``,
``.text``, ``.utils``); ``d2lrnn.classic.torch`` assembles the book's surface."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn
from torch.utils import data

from d2lrnn.classic import common as _common
from d2lrnn.classic import train as _train
from d2lrnn.core.checks import instance as _instance
from d2lrnn.torch import tensors as _tensors
from d2lrnn.torch.tensors import one_hot_float as _one_hot_float
from d2lrnn.torch.threads import fitting_threads

# -- helpers from earlier chapters that chapter 8 uses ---------------------------------------
sinh, cosh, sigmoid = torch.sinh, torch.cosh, torch.sigmoid


def load_array(data_arrays: Any, batch_size: int, is_train: bool = True) -> data.DataLoader:
    """Construct a PyTorch data iterator."""
    dataset = data.TensorDataset(*data_arrays)
    return data.DataLoader(dataset, batch_size, shuffle=is_train)


#: torch's fused multi-tensor kernels (``torch._foreach_*``: private, used by torch.optim) are
#: used when present, for speed; without them the same arithmetic runs tensor by tensor
#: (tests/test_classic_models.py checks both give the same numbers).
FOREACH = all(hasattr(torch, f"_foreach_{op}") for op in ("add_", "zero_", "norm", "mul_"))


def sgd(params: list[torch.Tensor], lr: float, batch_size: int) -> None:
    """Minibatch stochastic gradient descent (one fused update over all parameters)."""
    with torch.no_grad():
        grads = [p.grad for p in params]
        if FOREACH:
            torch._foreach_add_(params, grads, alpha=-lr / batch_size)
            torch._foreach_zero_(grads)
            return
        for p, g in zip(params, grads, strict=True):
            p.add_(g, alpha=-lr / batch_size)
            g.zero_()


evaluate_loss = _train.book_evaluate_loss(_tensors, reshape_labels=True, module=__name__)


# -- models ----------------------------------------------------------------------------------
class RNNModelScratch(_common.ScratchModel):
    """A RNN Model implemented from scratch."""

    def _one_hot(self, X: torch.Tensor) -> torch.Tensor:
        return _one_hot_float(X.T, self.vocab_size)


class RNNModel(nn.Module):
    """The RNN model (a framework RNN layer and a dense output layer)."""

    def __init__(self, rnn_layer: nn.Module, vocab_size: int, **kwargs: Any) -> None:
        vocab_size = _check_rnn_layer(rnn_layer, vocab_size)
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


def _check_rnn_layer(rnn_layer: Any, vocab_size: Any) -> int:
    """``RNNModel``'s arguments: a time-major torch RNN layer (nn.RNN, nn.GRU, nn.LSTM) whose
    inputs are one-hot vectors of ``vocab_size``."""
    vocab_size = _common.check_vocab_size(vocab_size)
    _instance("rnn_layer", rnn_layer, "a layer")
    if not isinstance(rnn_layer, nn.RNNBase):
        raise TypeError(f"rnn_layer must be a torch RNN layer (nn.RNN, nn.GRU or nn.LSTM), "
                        f"e.g. nn.RNN(len(vocab), num_hiddens); got {type(rnn_layer).__name__}")
    if rnn_layer.batch_first:
        raise ValueError("rnn_layer must be time-major (batch_first=False, the default): "
                         "RNNModel feeds it inputs of shape (num_steps, batch_size, vocab_size)")
    if rnn_layer.input_size != vocab_size:
        raise ValueError(f"rnn_layer takes inputs of size {rnn_layer.input_size} but "
                         f"vocab_size is {vocab_size}: the inputs are one-hot vectors, build "
                         f"it as nn.{type(rnn_layer).__name__}(len(vocab), num_hiddens)")
    return vocab_size


# -- training --------------------------------------------------------------------------------
def _params_of(net: Any) -> list[torch.Tensor]:
    if isinstance(net, nn.Module):
        return [p for p in net.parameters() if p.requires_grad]
    return list(net.params)


def grad_clipping(net: Any, theta: float) -> None:
    """Clip the gradient: g <- min(1, theta / ||g||) g, ||g|| over all parameters. Computed
    on the device without a host round trip (no ``if norm > theta`` on the host)."""
    theta = _train.grad_norm_check(theta)
    try:
        params = _params_of(net)
    except (AttributeError, TypeError):  # no check on the way of a model that has them
        raise TypeError(f"net must be a model (an nn.Module, or a scratch model with .params); "
                        f"got {type(net).__name__}") from None
    grads = [p.grad for p in params if p.grad is not None]
    if not grads:
        return
    norms = (torch._foreach_norm(grads) if FOREACH
             else [torch.linalg.vector_norm(g) for g in grads])
    norm = torch.linalg.vector_norm(torch.stack(norms))
    scale = (theta / norm).clamp(max=1.0)
    if FOREACH:
        torch._foreach_mul_(grads, scale)
    else:
        for g in grads:
            g.mul_(scale)


class _Hooks(_train.Ch8Hooks):
    def begin_state(self, net: Any, batch_size: int, device: Any) -> Any:
        return net.begin_state(batch_size=batch_size, device=device)

    def check_device(self, device: Any) -> Any:
        if device is None:  # torch's default device
            return device
        try:
            place = torch.device(device)
        except (RuntimeError, TypeError):
            raise TypeError(f"device must be a torch device such as d2l.try_gpu() or "
                            f"torch.device('cpu'); got {device!r} ({type(device).__name__})"
                            ) from None
        if place.type == "cuda" and (place.index or 0) >= torch.cuda.device_count():
            raise ValueError(f"device is {place} but torch sees {torch.cuda.device_count()} "
                             "GPU(s): use d2l.try_gpu(), which falls back to the CPU")
        return device

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

    def running(self) -> Any:
        # torch's own thread count, as the edition's library; D2LRNN_TORCH_THREADS=1 on a
        # machine shared with other work, where two threads stall at every barrier (a concise
        # GRU's epoch measured 24x slower with two than with one under load: torch/threads.py)
        return fitting_threads()

    def predict_step(self, net, token, state, device):
        with torch.no_grad():
            y, state = net(torch.tensor([[token]], device=device), state)
        return int(y.argmax(dim=1).reshape(1)[0]), state


_hooks = _Hooks()
predict_ch8, train_epoch_ch8, train_ch8 = _train.book_functions(_hooks)

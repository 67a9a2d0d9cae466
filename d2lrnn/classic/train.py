"""The chapter 8 training and prediction loops, written once (framework-free).

Each backend supplies a ``Ch8Hooks`` subclass with what differs: the initial state, cutting
the state off the previous minibatch's graph, one training step (forward, loss, backward,
clipping, update) and one decoding step; ``book_functions(hooks)`` gives it the book's
``predict_ch8``, ``train_epoch_ch8`` and ``train_ch8`` over those hooks, and
``book_evaluate_loss`` its ``evaluate_loss``. The loops here do the rest as the book does: the
state is initialised on the first minibatch (every minibatch with random sampling), the loss
is averaged over tokens, perplexity is exp of it, the Animator gets a point every 10 epochs
and a 50-character prediction is printed.

The per-minibatch losses are kept as the framework's scalars and converted to floats once per
epoch, so a training step never waits for the host.

Bad input fails here, before any framework call, with an error naming the argument: once per
call (the arguments) or once per epoch (the first minibatch), never per minibatch. A run whose
loss becomes NaN or whose perplexity overflows raises ``TrainingDivergedError`` (the current
edition's, a FloatingPointError), read from the per-minibatch losses the loop already keeps.
"""

from __future__ import annotations

import contextlib
import itertools
import math
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from d2lrnn import config
from d2lrnn.classic.utils import Accumulator, Animator, Timer
from d2lrnn.core.checks import (
    boolean,
    instance,
    nonnegative_int,
    positive_int,
    positive_number,
    short_repr,
)
from d2lrnn.core.trainer import TrainingDivergedError

#: the largest learning rate the parameters' float32 can hold (above it, the frameworks fail
#: with overflow or parameter-format errors of their own)
MAX_LR = float(np.finfo(np.float32).max)


class Ch8Hooks:
    """What a framework provides to the chapter 8 loops (see each backend's ``ch8.py``)."""

    def begin_state(self, net: Any, batch_size: int, device: Any) -> Any:
        raise NotImplementedError

    def detach(self, net: Any, state: Any) -> Any:
        """The state as the start of a new graph (no gradient flows into the last batch)."""
        return state

    def step(self, net: Any, X: Any, Y: Any, state: Any, loss: Any, updater: Any,
             device: Any) -> tuple[Any, Any]:
        """One minibatch: forward, mean loss, gradients, clipping (theta 1), update.
        Returns (the loss as a framework scalar, the new state)."""
        raise NotImplementedError

    def predict_step(self, net: Any, token: int, state: Any, device: Any) -> tuple[int, Any]:
        """Feed one token; return the argmax of the next-token logits and the new state."""
        raise NotImplementedError

    #: print a prediction every 10 epochs (the MXNet tab's train_ch8 does not)
    print_every_10 = True

    def make_loss(self) -> Any:
        return None

    def make_updater(self, net: Any, lr: float, device: Any) -> Any:
        return None

    def finish_epoch(self, net: Any) -> None:
        """Called after each epoch (JAX writes its parameters back to the model here)."""

    def check_device(self, device: Any) -> Any:
        """``device`` if this framework can place arrays on it, else a TypeError/ValueError
        naming it (called once per train_ch8 / predict_ch8 call)."""
        return device

    def running(self) -> contextlib.AbstractContextManager[Any]:
        """The context ``train_ch8`` trains in (torch: its thread count, ``D2LRNN_TORCH_THREADS``,
        as a Trainer fits)."""
        return contextlib.nullcontext()


#: The Animator of the last ``train_ch8`` run (``last_animator.save('ppl.png')`` headless).
last_animator: Animator | None = None


def epochs_to_run(num_epochs: int) -> int:
    """``num_epochs``, or fewer when D2LRNN_MAX_EPOCHS is set (CI and the notebook tests)."""
    return config.max_epochs(positive_int("num_epochs", num_epochs))


def check_net(net: Any) -> Any:
    """A model the loops can drive: built (not its class), callable, with ``begin_state``."""
    instance("net", net, "a model")
    if not callable(net) or not callable(getattr(net, "begin_state", None)):
        raise TypeError(f"net must be a model with begin_state (d2l.RNNModelScratch, "
                        f"d2l.RNNModel or the book's own RNNModel); got {short_repr(net)} "
                        f"({type(net).__name__})")
    return net


def check_vocab(net: Any, vocab: Any) -> None:
    """A vocabulary that does not fit the model fails here, not inside a framework."""
    if not hasattr(vocab, "idx_to_token") or not hasattr(vocab, "__len__"):
        raise TypeError(f"vocab must be a d2l.Vocab (the one load_data_time_machine returns); "
                        f"got {type(vocab).__name__}")
    size = getattr(net, "vocab_size", None)
    if size is not None and int(size) != len(vocab):
        raise ValueError(f"vocab has {len(vocab)} tokens but the model was built for "
                         f"vocab_size={int(size)}; pass the vocabulary the model was built "
                         "with")


def predict_ch8(hooks: Ch8Hooks, prefix: str, num_preds: int, net: Any, vocab: Any,
                device: Any = None) -> str:
    """Generate ``num_preds`` characters following ``prefix`` (greedy, as the book)."""
    if not isinstance(prefix, str) or not prefix:
        raise ValueError(f"prefix must be a non-empty string; got {prefix!r}")
    num_preds = nonnegative_int("num_preds", num_preds)
    check_net(net)
    check_vocab(net, vocab)
    device = hooks.check_device(device)
    state = hooks.begin_state(net, 1, device)
    outputs = [vocab[prefix[0]]]
    for y in prefix[1:]:  # warm-up period
        _, state = hooks.predict_step(net, outputs[-1], state, device)
        outputs.append(vocab[y])
    for _ in range(num_preds):  # predict num_preds steps
        y, state = hooks.predict_step(net, outputs[-1], state, device)
        outputs.append(y)
    return "".join([vocab.idx_to_token[i] for i in outputs])


def check_train_iter(train_iter: Any, num_epochs: int) -> None:
    """An iterable of (X, Y) minibatches that can be iterated once per epoch."""
    check_epoch_iter(train_iter, num_epochs, "train_iter", "(X, Y) minibatches",
                     "load_data_time_machine", "a list of minibatches")


def check_epoch_iter(value: Any, num_epochs: int, name: str, minibatches: str, loader: str,
                     a_list: str) -> None:
    """``value``, the argument ``name``: an iterable of ``minibatches`` (what the message
    calls them) that can be iterated once per epoch, e.g. the iterator of ``d2l.<loader>``,
    or ``a_list``; else a TypeError that says so."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise TypeError(f"{name} must be an iterable of {minibatches}, e.g. the iterator of "
                        f"d2l.{loader}; got {short_repr(value)} ({type(value).__name__})")
    if isinstance(value, Iterator) and num_epochs > 1:
        raise TypeError(f"{name} is a {type(value).__name__}, used up after one epoch, and "
                        f"num_epochs={num_epochs}: pass something that can be iterated again "
                        f"each epoch (the iterator of d2l.{loader}, or {a_list})")


def _host(x: Any) -> np.ndarray:
    """A framework's array as NumPy (MXNet's asnumpy, torch's cpu(), else __array__)."""
    if hasattr(x, "asnumpy"):
        return x.asnumpy()
    if hasattr(x, "detach") and hasattr(x, "cpu"):  # torch, on any device
        return x.detach().cpu().numpy()
    return np.asarray(x)


def check_minibatch(batch: Any, vocab_size: int | None) -> None:
    """The first minibatch of an epoch: a pair (X, Y) of token indices of one shape
    (batch_size, num_steps), each index below ``vocab_size`` (MXNet, TensorFlow and JAX would
    one-hot an index out of range as a row of zeros, silently)."""
    if not isinstance(batch, (tuple, list)) or len(batch) != 2:
        raise TypeError(f"train_iter must yield pairs (X, Y) of token indices; its first "
                        f"minibatch is {type(batch).__name__}"
                        + (f" of {len(batch)} items" if hasattr(batch, "__len__") else ""))
    shapes = [tuple(getattr(a, "shape", ())) for a in batch]
    if len(shapes[0]) != 2 or shapes[0] != shapes[1]:
        raise ValueError(f"train_iter must yield X and Y of one shape (batch_size, num_steps) "
                         f"as d2l tensors; the first minibatch has X {shapes[0]} and Y "
                         f"{shapes[1]}")
    if vocab_size is None or 0 in shapes[0]:
        return
    for name, a in zip("XY", batch, strict=True):
        values = _host(a)
        low, high = values.min(), values.max()
        if low < 0 or high >= vocab_size or (values.dtype.kind == "f" and not np.array_equal(
                values, np.round(values))):
            raise ValueError(f"train_iter's minibatches must hold token indices 0 to "
                             f"{vocab_size - 1} (the model's vocab_size={vocab_size}); the "
                             f"first minibatch's {name} holds {low:g} to {high:g}: build the "
                             "data and the model from one vocabulary")


def train_epoch_ch8(hooks: Ch8Hooks, net: Any, train_iter: Iterable[Any], loss: Any,
                    updater: Any, device: Any, use_random_iter: bool) -> tuple[float, float]:
    """Train within one epoch: (perplexity, tokens per second)."""
    use_random_iter = boolean("use_random_iter", use_random_iter)
    state, timer = None, Timer()
    losses = []  # (mean loss of a minibatch as a framework scalar, its number of tokens)
    batches = iter(train_iter)
    first = next(batches, None)
    if first is None:
        raise ValueError("train_iter yielded no minibatch: it is empty (a corpus shorter than "
                         "one minibatch, or an iterator already used up); lower batch_size or "
                         "num_steps, or raise max_tokens")
    check_minibatch(first, getattr(net, "vocab_size", None))
    for X, Y in itertools.chain((first,), batches):
        if state is None or use_random_iter:
            state = hooks.begin_state(net, X.shape[0], device)
        else:
            state = hooks.detach(net, state)
        l, state = hooks.step(net, X, Y, state, loss, updater, device)
        losses.append((l, int(Y.shape[0]) * int(Y.shape[1])))
    hooks.finish_epoch(net)
    values = [float(l) for l, _ in losses]
    total = sum(v * n for v, (_, n) in zip(values, losses, strict=True))
    num_tokens = sum(n for _, n in losses)
    seconds = timer.stop()
    mean = total / num_tokens
    ppl = _perplexity(mean)
    if not math.isfinite(ppl):
        raise TrainingDivergedError(_diverged(values))
    return ppl, num_tokens / seconds


def _perplexity(mean_loss: float) -> float:
    try:
        return math.exp(mean_loss)  # NaN stays NaN
    except OverflowError:
        return math.inf


def _diverged(values: list[float]) -> str:
    """Where the losses went wrong: the first minibatch whose perplexity is not finite."""
    i = next((i for i, v in enumerate(values) if not math.isfinite(_perplexity(v))),
             len(values) - 1)
    what = "loss" if not math.isfinite(values[i]) else "perplexity"
    value = values[i] if what == "loss" else math.inf
    return (f"training diverged: {what} is {value} at minibatch {i + 1} (of {len(values)}) "
            f"(loss {values[i]:.4g})")


def train_ch8(hooks: Ch8Hooks, net: Any, train_iter: Iterable[Any], vocab: Any, lr: float,
              num_epochs: int, device: Any, use_random_iter: bool = False,
              device_name: str | None = None) -> tuple[float, float]:
    """Train a model (chapter 8); prints as the book does and returns (perplexity, tokens/s)."""
    lr = positive_number("lr", lr)
    if lr > MAX_LR:
        raise ValueError(f"lr must be at most {MAX_LR:.4g} (the largest float32, the "
                         f"parameters' type); got {lr:g}")
    epochs = epochs_to_run(num_epochs)
    check_net(net)
    check_vocab(net, vocab)
    check_train_iter(train_iter, epochs)
    use_random_iter = boolean("use_random_iter", use_random_iter)
    device = hooks.check_device(device)
    loss, updater = hooks.make_loss(), hooks.make_updater(net, lr, device)
    animator = Animator(xlabel="epoch", ylabel="perplexity", legend=["train"],
                        xlim=[10, num_epochs])

    def predict(prefix: str) -> str:
        return predict_ch8(hooks, prefix, 50, net, vocab, device)

    ppl = speed = math.nan
    with hooks.running():
        try:
            for epoch in range(epochs):
                try:
                    ppl, speed = train_epoch_ch8(hooks, net, train_iter, loss, updater, device,
                                                 use_random_iter)
                except TrainingDivergedError as err:
                    raise TrainingDivergedError(
                        f"{err} in epoch {epoch + 1} (of {epochs}). The gradients exploded: "
                        f"train with a smaller lr (now {lr:g}; the book's is 1)") from None
                if (epoch + 1) % 10 == 0:
                    if hooks.print_every_10:
                        print(predict("time traveller"))
                    animator.add(epoch + 1, [ppl])
        finally:
            animator.flush()
    name = device_name if device_name is not None else str(device)
    print(f"perplexity {ppl:.1f}, {speed:.1f} tokens/sec on {name}")
    print(predict("time traveller"))
    print(predict("traveller"))
    global last_animator
    last_animator = animator  # the last run's plot, e.g. to save it headless
    return ppl, speed


# the loops under other names, for the wrappers below (which take the book's names)
_predict_loop, _epoch_loop, _train_loop = predict_ch8, train_epoch_ch8, train_ch8


def book_functions(hooks: Ch8Hooks, optional_device: bool = False
                   ) -> tuple[Callable[..., str], Callable[..., tuple[float, float]],
                              Callable[..., None]]:
    """The book's ``predict_ch8``, ``train_epoch_ch8`` and ``train_ch8`` (the PyTorch and
    MXNet tabs' signatures) over ``hooks``; with ``optional_device``, ``device`` defaults to
    None (JAX places arrays itself). They belong to the module of the hooks' class."""

    def predict_ch8(prefix: str, num_preds: int, net: Any, vocab: Any, device: Any) -> str:
        """Generate new characters following the ``prefix``."""
        return _predict_loop(hooks, prefix, num_preds, net, vocab, device)

    def train_epoch_ch8(net: Any, train_iter: Any, loss: Any, updater: Any, device: Any,
                        use_random_iter: bool) -> tuple[float, float]:
        """Train a net within one epoch (defined in Chapter 8)."""
        return _epoch_loop(hooks, net, train_iter, loss, updater, device, use_random_iter)

    def train_ch8(net: Any, train_iter: Any, vocab: Any, lr: float, num_epochs: int,
                  device: Any, use_random_iter: bool = False) -> None:
        """Train a model (defined in Chapter 8)."""
        _train_loop(hooks, net, train_iter, vocab, lr, num_epochs, device, use_random_iter)

    if optional_device:
        predict_ch8.__defaults__ = (None,)
        train_ch8.__defaults__ = (None, False)
    functions = predict_ch8, train_epoch_ch8, train_ch8
    for fn in functions:
        fn.__module__, fn.__qualname__ = type(hooks).__module__, fn.__name__
    return functions


def book_evaluate_loss(tensors: Any, reshape_labels: bool, module: str
                       ) -> Callable[[Any, Iterable[Any], Any], float]:
    """The book's ``evaluate_loss`` over a backend's tensor aliases (``reduce_sum``, ``size``,
    ``reshape``); ``reshape_labels``: the labels take the outputs' shape first, as the PyTorch
    tab does. It belongs to ``module``."""

    def evaluate_loss(net: Callable[..., Any], data_iter: Iterable[Any], loss: Any) -> float:
        """Evaluate the loss of a model on the given dataset."""
        metric = Accumulator(2)  # sum of losses, no. of examples
        for X, y in data_iter:
            out = net(X)
            if reshape_labels:
                y = tensors.reshape(y, out.shape)
            l = loss(out, y)
            metric.add(tensors.reduce_sum(l), tensors.size(l))
        return metric[0] / metric[1]

    evaluate_loss.__module__, evaluate_loss.__qualname__ = module, "evaluate_loss"
    return evaluate_loss


def grad_norm_check(theta: Any) -> float:
    """``theta`` of ``grad_clipping``: a positive number."""
    return positive_number("theta", theta)

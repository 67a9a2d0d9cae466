"""The older edition's sequence-to-sequence loops (chapter 9, "Encoder-Decoder Architecture"
and "Sequence to Sequence Learning"), written once (framework-free).

Each backend's ``ch9.py`` supplies a ``Seq2SeqHooks`` subclass with what differs: preparing the
model (the book's Xavier initialization, the device, Adam), one training step on a minibatch
(teacher forcing, the masked loss, gradients, ``grad_clipping(net, 1)``, the update), and the
decoding steps; ``book_functions(hooks)`` gives it the book's ``train_seq2seq`` and
``predict_seq2seq`` over them. The loops here do the rest as the book does: an Animator
(epoch, loss) with a point every 10 epochs, the loss summed over sequences and divided by the
number of target tokens, the final line ``loss L, S tokens/sec on D``; a greedy translation
from ``<bos>`` that stops at ``<eos>``, the decoder's ``attention_weights`` kept on request.

``EncoderDecoderBase`` is the book's ``EncoderDecoder`` for the frameworks whose layers run
``forward`` (PyTorch, MXNet): its forward returns the decoder's output and state (the current
edition's returns the output only). ``teacher_forcing`` is the decoder's input of a step.

Bad input fails here, before any framework call, with an error naming the argument. A
training run whose loss becomes NaN or infinite raises ``TrainingDivergedError``. The book's
``train_seq2seq`` returns nothing (a notebook cell ending in it shows nothing): the loop here
returns the losses of each epoch, also kept with the plot (``last_run``, ``last_animator``).
"""

from __future__ import annotations

import contextlib
import itertools
import math
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from d2lrnn.classic.nmt import truncate_pad
from d2lrnn.classic.train import MAX_LR, _host, check_epoch_iter, epochs_to_run
from d2lrnn.classic.utils import Accumulator, Animator, Timer
from d2lrnn.core.checks import boolean, instance, positive_int, positive_number, short_repr
from d2lrnn.core.encdec import check_encoder_decoder
from d2lrnn.core.seq2seq import bleu
from d2lrnn.core.trainer import TrainingDivergedError

__all__ = ["EncoderDecoderBase", "Seq2SeqHooks", "Seq2SeqRun", "bleu", "book_functions",
           "predict_seq2seq", "teacher_forcing", "train_seq2seq"]


class EncoderDecoderBase:
    """The base class for the encoder-decoder architecture (mix in before the framework's
    layer class): ``forward(enc_X, dec_X, *args)`` runs the encoder, the decoder's
    ``init_state`` and the decoder, and returns what the decoder returns (output, state)."""

    def __init__(self, encoder: Any, decoder: Any, **kwargs: Any) -> None:
        check_encoder_decoder(encoder, decoder)
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder

    def forward(self, enc_X: Any, dec_X: Any, *args: Any) -> Any:
        enc_outputs = self.encoder(enc_X, *args)
        dec_state = self.decoder.init_state(enc_outputs, *args)
        return self.decoder(dec_X, dec_state)


def teacher_forcing(ops: Any, Y: Any, bos: int) -> Any:
    """The decoder's input while training: ``<bos>`` then the labels but the last, ``concat(
    [bos, Y[:, :-1]], 1)`` (Y (batch_size, num_steps)); ``bos`` takes Y's dtype and device.
    ``ops`` is the backend's tensor aliases (``concat``)."""
    return ops.concat([Y[:, :1] * 0 + bos, Y[:, :-1]], 1)


class Seq2SeqHooks:
    """What a framework provides to the loops (see each backend's ``ch9.py``)."""

    def check_device(self, device: Any) -> Any:
        """``device`` if the framework can place arrays on it, else a TypeError/ValueError."""
        return device

    def device_name(self, device: Any) -> str:
        """How the final line names ``device`` (the book prints ``str(device)``)."""
        return str(device)

    def check_net(self, net: Any) -> None:
        """Anything the framework needs of the model besides its encoder and decoder."""

    def vocab_sizes(self, net: Any) -> tuple[int | None, int | None]:
        """The rows of the encoder's and the decoder's embeddings where they can be read
        (None where not): a vocabulary or batch that does not fit fails before a framework
        looks an index up (TensorFlow and JAX would not say)."""
        return None, None

    def running(self) -> contextlib.AbstractContextManager[Any]:
        """The context training runs in (torch: ``D2LRNN_TORCH_THREADS``'s thread count)."""
        return contextlib.nullcontext()

    def prepare(self, net: Any, lr: float, device: Any, batch: Any) -> Any:
        """Initialize the weights as the book does, put the model on ``device`` in training
        mode and return the optimizer (Adam, ``lr``). ``batch`` is the first minibatch."""
        raise NotImplementedError

    def step(self, net: Any, optimizer: Any, batch: Any, bos: int, device: Any
             ) -> tuple[Any, Any]:
        """One minibatch (X, X_valid_len, Y, Y_valid_len) with teacher forcing: the masked
        loss per sequence, the gradient of its sum, ``grad_clipping(net, 1)``, the update.
        Returns (the sum of the losses, the number of target tokens), framework scalars."""
        raise NotImplementedError

    def finish_epoch(self, net: Any, optimizer: Any) -> None:
        """Called after each epoch (JAX writes the parameters back to the model here)."""

    def begin_decoding(self, net: Any, src_tokens: list[int], enc_valid_len: int,
                       device: Any) -> Any:
        """Inference mode; the source (one sequence of ``num_steps`` indices) through the
        encoder; returns the decoder's ``init_state(enc_outputs, enc_valid_len)``."""
        raise NotImplementedError

    def decode_step(self, net: Any, token: int, state: Any, device: Any) -> tuple[int, Any]:
        """Feed one token to the decoder: (the argmax of its output, the new state)."""
        raise NotImplementedError

    def attention_weights(self, net: Any) -> Any:
        """The decoder's attention weights of the last step (the book's
        ``net.decoder.attention_weights``)."""
        return net.decoder.attention_weights

    #: how a decoder of this framework keeps its attention weights (for the error without)
    attention_hint = "a decoder with attention sets self.attention_weights in its forward"


class Seq2SeqRun(NamedTuple):
    """What ``train_seq2seq`` measured: the loss per token of each epoch, the last epoch's
    tokens per second."""

    losses: list[float]
    tokens_per_sec: float


#: The Animator of the last ``train_seq2seq`` run (``last_animator.save('loss.png')``) and
#: what it measured (the book's ``train_seq2seq`` returns nothing).
last_animator: Animator | None = None
last_run: Seq2SeqRun | None = None


# -- argument checks -------------------------------------------------------------------------
def check_net(net: Any) -> Any:
    """An encoder-decoder model: built, with an ``encoder`` and a ``decoder`` that has
    ``init_state`` (the book's ``EncoderDecoder`` or a reader's own)."""
    instance("net", net, "an encoder-decoder model")
    if not hasattr(net, "encoder") or not hasattr(net, "decoder"):
        raise TypeError(f"net must be an encoder-decoder model such as "
                        f"d2l.EncoderDecoder(encoder, decoder); got {short_repr(net)} "
                        f"({type(net).__name__})")
    check_encoder_decoder(net.encoder, net.decoder)
    return net


def check_vocab(name: str, vocab: Any, tokens: tuple[str, ...]) -> Any:
    """A vocabulary (``d2l.Vocab``) that has each of the reserved ``tokens``: a vocabulary
    without them would map them to ``<unk>``, silently."""
    if not hasattr(vocab, "token_to_idx") or not hasattr(vocab, "to_tokens"):
        raise TypeError(f"{name} must be a d2l.Vocab (the one load_data_nmt returns); got "
                        f"{short_repr(vocab)} ({type(vocab).__name__})")
    missing = [t for t in tokens if t not in vocab.token_to_idx]
    if missing:
        raise ValueError(f"{name} has no {', '.join(repr(t) for t in missing)} token: build it "
                         f"with reserved_tokens=['<pad>', '<bos>', '<eos>'], as load_data_nmt "
                         f"does")
    return vocab


def check_fits(name: str, vocab: Any, rows: int | None, part: str) -> None:
    if rows is not None and len(vocab) != rows:
        raise ValueError(f"{name} has {len(vocab)} tokens but the {part}'s embedding has "
                         f"{rows} rows: build the {part} with len({name})")


def check_batch(batch: Any, sizes: tuple[int | None, int | None], tgt_len: int) -> None:
    """The first minibatch of an epoch: (X, X_valid_len, Y, Y_valid_len), X and Y token
    indices (batch_size, num_steps) within the embeddings and the target vocabulary."""
    if not isinstance(batch, (tuple, list)) or len(batch) != 4:
        got = f"{len(batch)} items" if hasattr(batch, "__len__") else type(batch).__name__
        raise TypeError(f"data_iter must yield minibatches (X, X_valid_len, Y, Y_valid_len), "
                        f"as d2l.load_data_nmt's; its first minibatch has {got}")
    shapes = [tuple(getattr(a, "shape", ())) for a in batch]
    X, X_len, Y, Y_len = shapes
    if len(X) != 2 or len(Y) != 2 or X_len != X[:1] or Y_len != Y[:1] or X[0] != Y[0]:
        raise ValueError(f"data_iter must yield X, Y of shape (batch_size, num_steps) and "
                         f"their valid lengths (batch_size,); the first minibatch has shapes "
                         f"{shapes}")
    bounds = {"X": sizes[0], "Y": tgt_len if sizes[1] is None else min(tgt_len, sizes[1])}
    for name, a in (("X", batch[0]), ("Y", batch[2])):
        values = _host(a)
        if values.size and bounds[name] is not None and (
                values.min() < 0 or values.max() >= bounds[name]):
            raise ValueError(f"data_iter's {name} holds token indices {values.min():g} to "
                             f"{values.max():g}, but the model and vocabulary take 0 to "
                             f"{bounds[name] - 1}: build the data, the vocabularies and the "
                             "model together")


def check_data_iter(data_iter: Any, num_epochs: int) -> None:
    """An iterable of minibatches that can be iterated once per epoch."""
    check_epoch_iter(data_iter, num_epochs, "data_iter",
                     "minibatches (X, X_valid_len, Y, Y_valid_len)", "load_data_nmt", "a list")


def check_sentence(src_sentence: Any) -> str:
    if not isinstance(src_sentence, str) or not src_sentence.strip():
        raise ValueError(f"src_sentence must be a non-empty sentence (a str of tokens "
                         f"separated by spaces, e.g. 'go .'); got {short_repr(src_sentence)}")
    return src_sentence


def check_lr(lr: Any) -> float:
    lr = positive_number("lr", lr)
    if lr > MAX_LR:
        raise ValueError(f"lr must be at most {MAX_LR:.4g} (the largest float32); got {lr:g}")
    return lr


# -- the loops -------------------------------------------------------------------------------
def train_seq2seq(hooks: Seq2SeqHooks, net: Any, data_iter: Iterable[Any], lr: float,
                  num_epochs: int, tgt_vocab: Any, device: Any) -> Seq2SeqRun:
    """Train a model for sequence to sequence; prints as the book does."""
    lr = check_lr(lr)
    epochs = epochs_to_run(num_epochs)
    check_net(net)
    hooks.check_net(net)
    bos = check_vocab("tgt_vocab", tgt_vocab, ("<bos>",))["<bos>"]
    sizes = hooks.vocab_sizes(net)
    check_fits("tgt_vocab", tgt_vocab, sizes[1], "decoder")
    check_data_iter(data_iter, epochs)
    device = hooks.check_device(device)
    animator = Animator(xlabel="epoch", ylabel="loss", xlim=[10, num_epochs])
    losses: list[float] = []
    optimizer, speed = None, math.nan
    try:
        with hooks.running():
            for epoch in range(epochs):
                optimizer, loss, num_tokens, seconds = _train_epoch(
                    hooks, net, data_iter, optimizer, lr, bos, device, sizes, len(tgt_vocab))
                if not math.isfinite(loss):
                    raise TrainingDivergedError(
                        f"training diverged: the loss is {loss} in epoch {epoch + 1} (of "
                        f"{epochs}): train with a smaller lr (now {lr:g}; the book's is 0.005)")
                losses.append(loss)
                speed = num_tokens / seconds
                if (epoch + 1) % 10 == 0:
                    animator.add(epoch + 1, (loss,))
    finally:
        animator.flush()
    print(f"loss {losses[-1]:.3f}, {speed:.1f} tokens/sec on {hooks.device_name(device)}")
    global last_animator, last_run
    last_animator = animator  # the last run's plot, e.g. to save it headless
    last_run = Seq2SeqRun(losses, speed)
    return last_run


def _train_epoch(hooks: Seq2SeqHooks, net: Any, data_iter: Iterable[Any], optimizer: Any,
                 lr: float, bos: int, device: Any, sizes: tuple[int | None, int | None],
                 tgt_len: int) -> tuple[Any, float, float, float]:
    """One epoch, the model prepared at the first minibatch of the run: (the optimizer, the
    loss per token, the number of tokens, the seconds it took)."""
    timer = Timer()
    metric = Accumulator(2)  # Sum of training loss, no. of tokens
    batches = iter(data_iter)
    first = next(batches, None)
    if first is None:
        raise ValueError("data_iter yielded no minibatch: it is empty")
    check_batch(first, sizes, tgt_len)
    if optimizer is None:
        optimizer = hooks.prepare(net, lr, device, first)
    # the losses stay framework scalars until the epoch ends (no wait per minibatch)
    steps = [hooks.step(net, optimizer, batch, bos, device)
             for batch in itertools.chain((first,), batches)]
    hooks.finish_epoch(net, optimizer)
    for l, num_tokens in steps:
        metric.add(l, num_tokens)
    return optimizer, metric[0] / metric[1], metric[1], timer.stop()


def predict_seq2seq(hooks: Seq2SeqHooks, net: Any, src_sentence: str, src_vocab: Any,
                    tgt_vocab: Any, num_steps: int, device: Any,
                    save_attention_weights: bool = False) -> tuple[str, list[Any]]:
    """Predict for sequence to sequence: greedy, one token at a time from ``<bos>``, until
    ``<eos>`` or ``num_steps`` tokens. Returns (the translation, the decoder's attention
    weights of each step if ``save_attention_weights``, else [])."""
    check_sentence(src_sentence)
    num_steps = positive_int("num_steps", num_steps)
    check_net(net)
    hooks.check_net(net)
    check_vocab("src_vocab", src_vocab, ("<pad>", "<eos>"))
    check_vocab("tgt_vocab", tgt_vocab, ("<bos>", "<eos>"))
    for name, vocab, rows, part in zip(("src_vocab", "tgt_vocab"), (src_vocab, tgt_vocab),
                                       hooks.vocab_sizes(net), ("encoder", "decoder"),
                                       strict=True):
        check_fits(name, vocab, rows, part)
    save_attention_weights = boolean("save_attention_weights", save_attention_weights)
    device = hooks.check_device(device)
    src_tokens = src_vocab[src_sentence.lower().split(" ")] + [src_vocab["<eos>"]]
    enc_valid_len = len(src_tokens)
    src_tokens = truncate_pad(src_tokens, num_steps, src_vocab["<pad>"])
    dec_state = hooks.begin_decoding(net, src_tokens, enc_valid_len, device)
    token, eos = tgt_vocab["<bos>"], tgt_vocab["<eos>"]
    output_seq: list[int] = []
    attention_weight_seq: list[Any] = []
    for _ in range(num_steps):
        # the token with the highest prediction likelihood is the decoder's next input
        token, dec_state = hooks.decode_step(net, token, dec_state, device)
        if save_attention_weights:
            attention_weight_seq.append(_attention_weights(hooks, net))
        if token == eos:  # the end-of-sequence token completes the output sequence
            break
        output_seq.append(token)
    return " ".join(tgt_vocab.to_tokens(output_seq)), attention_weight_seq


def _attention_weights(hooks: Seq2SeqHooks, net: Any) -> Any:
    try:
        return hooks.attention_weights(net)
    except (AttributeError, KeyError):
        raise AttributeError(
            f"save_attention_weights=True, but the decoder ({type(net.decoder).__name__}) has "
            f"no attention weights after a step ({hooks.attention_hint}); pass "
            "save_attention_weights=False for a decoder without attention") from None


# the loops under other names, for the wrappers below (which take the book's names)
_train_loop, _predict_loop = train_seq2seq, predict_seq2seq


def book_functions(hooks: Seq2SeqHooks, optional_device: bool = False
                   ) -> tuple[Callable[..., None], Callable[..., tuple[str, list[Any]]]]:
    """The book's ``train_seq2seq`` and ``predict_seq2seq`` (the PyTorch and MXNet tabs'
    signatures) over ``hooks``; with ``optional_device``, ``device`` defaults to None (JAX
    places arrays itself). They belong to the module of the hooks' class."""

    def train_seq2seq(net: Any, data_iter: Any, lr: float, num_epochs: int, tgt_vocab: Any,
                      device: Any) -> None:
        """Train a model for sequence to sequence."""
        _train_loop(hooks, net, data_iter, lr, num_epochs, tgt_vocab, device)

    def predict_seq2seq(net: Any, src_sentence: str, src_vocab: Any, tgt_vocab: Any,
                        num_steps: int, device: Any, save_attention_weights: bool = False
                        ) -> tuple[str, list[Any]]:
        """Predict for sequence to sequence."""
        return _predict_loop(hooks, net, src_sentence, src_vocab, tgt_vocab, num_steps, device,
                             save_attention_weights)

    if optional_device:
        train_seq2seq.__defaults__ = (None,)
        predict_seq2seq.__defaults__ = (None, False)
    for fn in (train_seq2seq, predict_seq2seq):
        fn.__module__, fn.__qualname__ = type(hooks).__module__, fn.__name__
    return train_seq2seq, predict_seq2seq

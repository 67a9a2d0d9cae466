"""Decoding shared by every backend: the book's greedy warm-up-then-predict loop, plus sampling
(temperature, or the book's exercise of sampling from p**alpha)."""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

import numpy as np

from d2lrnn.core.checks import nonnegative_int, positive_number
from d2lrnn.core.text import Vocab

# step(token_index, state, need_logits) -> (logits of shape (vocab_size,) or None, new state)
StepFn = Callable[[int, Any, bool], tuple[Any, Any]]


def check_predict_args(prefix: Any, num_preds: Any, vocab: Any, vocab_size: int,
                       temperature: Any = None, alpha: Any = None) -> None:
    if not isinstance(prefix, str):
        raise TypeError(f"prefix must be a non-empty string; got {type(prefix).__name__}")
    if not prefix:
        raise ValueError("prefix must be a non-empty string; got ''")
    nonnegative_int("num_preds", num_preds)
    if not isinstance(vocab, Vocab):
        raise TypeError(f"vocab must be a d2lrnn Vocab (e.g. data.vocab); got "
                        f"{type(vocab).__name__}")
    if len(vocab) != vocab_size:
        raise ValueError(f"vocab has {len(vocab)} tokens but the model was built for "
                         f"vocab_size={vocab_size}; pass the vocabulary the model was "
                         "trained with")
    if temperature is not None and alpha is not None:
        raise ValueError("give temperature or alpha, not both (alpha = 1 / temperature)")
    if temperature is not None:
        positive_number("temperature", temperature)
    if alpha is not None:
        positive_number("alpha", alpha)


def choose(logits: Any, temperature: float | None, alpha: float | None,
           rng: np.random.Generator | None) -> int:
    """Greedy argmax, or a sample from softmax(logits / temperature) == p**alpha / Z."""
    logits = np.asarray(logits, dtype=np.float64).reshape(-1)
    if temperature is None and alpha is None:
        return int(np.argmax(logits))
    scale = alpha if alpha is not None else 1.0 / temperature
    z = logits * scale
    p = np.exp(z - z.max())
    p /= p.sum()
    return int(rng.choice(len(p), p=p))


def generate(step: StepFn, prefix: str, num_preds: int, vocab: Vocab,
             temperature: float | None = None, alpha: float | None = None,
             seed: int | None = None) -> str:
    """The book's loop: warm up on ``prefix`` (state only), then emit ``num_preds`` tokens, each
    fed back as the next input. Returns prefix + continuation."""
    if seed is not None and not (isinstance(seed, numbers.Integral) and seed >= 0):
        raise TypeError(f"seed must be a non-negative integer; got {seed!r}")
    rng = np.random.default_rng(seed) if (temperature or alpha) else None
    prefix_idx = vocab.lookup_prefix(prefix)
    state, outputs = None, [prefix_idx[0]]
    for i in range(len(prefix) + num_preds - 1):
        warm_up = i < len(prefix) - 1
        logits, state = step(outputs[-1], state, not warm_up)
        if warm_up:
            outputs.append(prefix_idx[i + 1])
        else:
            outputs.append(choose(logits, temperature, alpha, rng))
    return "".join(vocab.idx_to_token[i] for i in outputs)

"""Canonical parameter names shared by all backends, and the checks for moving parameters in
and out of a model as NumPy arrays (``d2l.get_params`` / ``d2l.set_params``, checkpoints)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from d2lrnn.core.checks import positive_int, positive_number

PARAM_NAMES = ("W_xh", "W_hh", "b_h", "W_hq", "b_q")


def canonical(named: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """Map framework paths ('rnn.W_xh', 'rnn/W_xh:0', ('rnn', 'W_xh')) to their last name."""
    out: dict[str, Any] = {}
    for path, value in named:
        parts = [p for p in re.split(r"[./]", path if isinstance(path, str) else "/".join(path))
                 if p]
        name = parts[-1].split(":")[0]
        if name in out:
            raise ValueError(f"two parameters are both called {name!r}; canonical names must be "
                             "unique")
        out[name] = value
    return out


def shapes(vocab_size: int, num_hiddens: int) -> dict[str, tuple[int, ...]]:
    V, H = vocab_size, num_hiddens
    return {"W_xh": (V, H), "W_hh": (H, H), "b_h": (H,), "W_hq": (H, V), "b_q": (V,)}


def check_params(expected: Mapping[str, tuple[int, ...]], given: Mapping[str, Any],
                 what: str = "params") -> dict[str, np.ndarray]:
    """``given`` as float32 arrays, if its names and shapes are exactly ``expected``'s."""
    if not isinstance(given, Mapping):
        raise TypeError(f"{what} must be a dict of arrays keyed by {list(expected)}; got "
                        f"{type(given).__name__}")
    missing = [k for k in expected if k not in given]
    extra = [k for k in given if k not in expected]
    if missing or extra:
        raise ValueError(f"{what} do not fit the model: missing {missing}, unexpected {extra}")
    out = {}
    for k, shape in expected.items():
        a = np.asarray(given[k], dtype=np.float32)
        if a.shape != tuple(shape):
            raise ValueError(f"{what}[{k!r}] has shape {a.shape}; the model needs {tuple(shape)}")
        out[k] = a
    return out


def check_rnn_args(num_inputs: Any, num_hiddens: Any, sigma: Any) -> None:
    positive_int("num_inputs", num_inputs)
    positive_int("num_hiddens", num_hiddens)
    positive_number("sigma", sigma)


def check_lm_args(rnn: Any, vocab_size: Any, lr: Any) -> None:
    """The LM's arguments. ``rnn`` needs ``num_hiddens``; ``num_inputs`` only where it has one
    (RNNScratch and torch's RNN do; the book's MXNet/TensorFlow/JAX ``RNN`` over a framework
    layer take the input size from the first batch)."""
    if not hasattr(rnn, "num_hiddens"):
        raise TypeError(f"rnn must be an RNN module with num_hiddens (e.g. RNNScratch or "
                        f"RNN); got {type(rnn).__name__}")
    positive_int("vocab_size", vocab_size)
    positive_number("lr", lr)
    if getattr(rnn, "num_inputs", vocab_size) != vocab_size:
        raise ValueError(f"vocab_size={vocab_size} but the rnn takes num_inputs="
                         f"{rnn.num_inputs} one-hot inputs; they must be equal")

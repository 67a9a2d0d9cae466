"""Canonical parameter names shared by all backends, and the checks for moving parameters in
and out of a model as NumPy arrays (``d2l.get_params`` / ``d2l.set_params``, checkpoints)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from d2lrnn.core.checks import nonnegative_number, positive_int, positive_number


def _parts(path: Any) -> list[str]:
    text = path if isinstance(path, str) else "/".join(str(p) for p in path)
    parts = [p for p in re.split(r"[./]", text) if p]
    if parts:
        parts[-1] = parts[-1].split(":")[0]  # TensorFlow's 'W_xh:0'
    return parts


def canonical_names(paths: Iterable[Any]) -> list[str]:
    """Canonical names of framework parameter paths, in order: each path's shortest suffix
    that no other path shares ('rnn.W_xh' -> 'W_xh', 'rnn/W_xh:0' -> 'W_xh'), widened past a
    list index so nesting survives ('rnn.layers.0.W_xh' -> 'layers.0.W_xh')."""
    all_parts = [_parts(path) for path in paths]
    suffixes = [[".".join(parts[-k:]) for k in range(1, len(parts) + 1)] for parts in all_parts]
    names: list[str] = []
    for parts, mine in zip(all_parts, suffixes, strict=True):
        # inside a list of layers the name keeps the list and the index: 'layers.0.W_xh'
        index = max((i for i, p in enumerate(parts) if p.isdigit() and i > 0), default=None)
        shortest = 1 if index is None else len(parts) - index + 1
        name = mine[-1]
        for k in range(shortest, len(parts) + 1):
            if sum(mine[k - 1] in other for other in suffixes) == 1:
                name = mine[k - 1]
                break
        if name in names:
            raise ValueError(f"two parameters are both called {name!r}; canonical names must be "
                             "unique")
        names.append(name)
    return names


def canonical(named: Iterable[tuple[Any, Any]]) -> dict[str, Any]:
    """``{canonical name: value}`` for (framework path, value) pairs (see canonical_names)."""
    named = list(named)
    return dict(zip(canonical_names(p for p, _ in named), (v for _, v in named), strict=True))


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


def check_stack_args(*, num_hiddens: Any, num_layers: Any, dropout: Any,
                     num_inputs: Any = None) -> None:
    """A multilayer RNN's arguments (the deep-RNN section's ``GRU``): sizes positive integers,
    ``dropout`` a probability in [0, 1)."""
    if num_inputs is not None:
        positive_int("num_inputs", num_inputs)
    positive_int("num_hiddens", num_hiddens)
    positive_int("num_layers", num_layers)
    if not nonnegative_number("dropout", dropout) < 1:
        raise ValueError(f"dropout must be a probability in [0, 1); got {dropout}")


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

"""Model families: what a model is, independent of the framework.

A family names the book's parameters and their shapes (the canonical names every backend's
``get_params``/``set_params`` speak), how to build the model on a backend (``d2l`` is the
backend module), and the NumPy reference that computes the same thing. Checkpoints, the parity
checks, the session and the CLI are driven by a family, so another model (the concise RNN LM on a
framework's RNN layer, GRU, LSTM, stacked RNNs) plugs in by registering one here (or from its
own module) with its reference.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

from d2lrnn.core import reference
from d2lrnn.core.params import check_params

Shapes = dict[str, tuple[int, ...]]


@dataclass(frozen=True)
class Family:
    """One model family (see the module docstring)."""

    name: str
    #: (vocab_size, hparams) -> {canonical name: shape}; hparams holds e.g. num_hiddens
    shapes: Callable[[int, Mapping[str, Any]], Shapes]
    #: (d2l, vocab_size, hparams) -> a model on that backend, e.g. d2l.RNNLMScratch(...)
    build: Callable[[Any, int, Mapping[str, Any]], Any]
    #: the NumPy oracle: forward, loss_and_grads, clip_gradients, sgd_step, predict, ...
    reference: ModuleType
    description: str = ""

    def check(self, params: Mapping[str, Any], vocab_size: int, hparams: Mapping[str, Any],
              what: str = "params") -> dict[str, np.ndarray]:
        """``params`` as float32 arrays if they are exactly this family's names and shapes."""
        return check_params(self.shapes(vocab_size, hparams), params, what=what)


_FAMILIES: dict[str, Family] = {}


def register(family: Family) -> Family:
    if family.name in _FAMILIES and _FAMILIES[family.name] is not family:
        raise ValueError(f"model family {family.name!r} is registered already")
    _FAMILIES[family.name] = family
    return family


def get(name: str) -> Family:
    """The family called ``name``; a ValueError listing the families otherwise."""
    if name not in _FAMILIES:
        raise ValueError(f"model family must be one of {', '.join(sorted(_FAMILIES))}; got "
                         f"{name!r}")
    return _FAMILIES[name]


def names() -> list[str]:
    return sorted(_FAMILIES)


def _build_scratch(d2l: Any, vocab_size: int, hparams: Mapping[str, Any]) -> Any:
    rnn = d2l.RNNScratch(num_inputs=vocab_size, num_hiddens=int(hparams["num_hiddens"]))
    return d2l.RNNLMScratch(rnn, vocab_size=vocab_size, lr=float(hparams.get("lr", 1.0)))


#: The section "RNN Implementation from Scratch": RNNScratch inside RNNLMScratch.
RNN_LM_SCRATCH = register(Family(
    name="rnn-lm-scratch",
    shapes=lambda vocab_size, hp: reference.shapes(vocab_size, int(hp["num_hiddens"])),
    build=_build_scratch,
    reference=reference,
    description="the book's RNNScratch + RNNLMScratch (W_xh, W_hh, b_h, W_hq, b_q)",
))

"""Parameter tables: a model's weights declared once, as data.

A ``Table`` lists a block's parameters in the order the book's tabs create them, each with its
canonical name (``W_xh``), its shape as dimension names (``("num_inputs", "num_hiddens")``) and
its initialiser (``"normal"``: sigma * N(0, 1) from the shared seeded stream; ``"zeros"``).
Everything that needs a model's parameters reads the table: the scratch models on every
backend (``create``, and JAX's generic Flax ``setup``), the NumPy oracle (``init_numpy``),
checkpoints and parity (``shapes``), the layer maps (the canonical names).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

INITS = ("normal", "zeros")


@dataclass(frozen=True)
class Param:
    """One parameter: canonical name, shape as dimension names, initialiser."""

    name: str
    dims: tuple[str, ...]
    init: str = "normal"

    def __post_init__(self) -> None:
        if self.init not in INITS:
            raise ValueError(f"Param {self.name!r}: init must be one of {INITS}; got "
                             f"{self.init!r}")

    def shape(self, sizes: Mapping[str, int]) -> tuple[int, ...]:
        """The shape for the given dimension sizes (e.g. {'num_hiddens': 32, ...})."""
        missing = [d for d in self.dims if d not in sizes]
        if missing:
            raise KeyError(f"parameter {self.name!r} needs the sizes {missing}")
        return tuple(int(sizes[d]) for d in self.dims)


@dataclass(frozen=True)
class Table:
    """The parameters of one block (a cell, an output layer), in creation order."""

    params: tuple[Param, ...]

    def __iter__(self) -> Iterator[Param]:
        return iter(self.params)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params)

    def shapes(self, sizes: Mapping[str, int], prefix: str = "") -> dict[str, tuple[int, ...]]:
        """{prefix + canonical name: shape}."""
        return {prefix + p.name: p.shape(sizes) for p in self.params}

    def init_numpy(self, sizes: Mapping[str, int], sigma: float,
                   draw: Callable[..., np.ndarray], prefix: str = "") -> dict[str, np.ndarray]:
        """float32 arrays in creation order; ``draw(shape)`` gives N(0, 1) samples
        (``rng.standard_normal``), the normal ones scaled by sigma as the book's
        ``d2l.randn(...) * sigma``."""
        out = {}
        for p in self.params:
            shape = p.shape(sizes)
            out[prefix + p.name] = (draw(shape).astype(np.float32) * np.float32(sigma)
                                    if p.init == "normal" else np.zeros(shape, np.float32))
        return out

    def create(self, module: Any, sizes: Mapping[str, int], sigma: float) -> None:
        """Give ``module`` its parameters as attributes (``module.W_xh``...), in creation order,
        through the backend's hook ``module.new_param(param, shape, sigma)``."""
        for p in self.params:
            setattr(module, p.name, module.new_param(p, p.shape(sizes), sigma))


def table(*params: tuple[str, tuple[str, ...]] | tuple[str, tuple[str, ...], str]) -> Table:
    """``table(("W_xh", ("num_inputs", "num_hiddens")), ("b_h", ("num_hiddens",), "zeros"))``."""
    return Table(tuple(Param(*p) for p in params))


def gate_table(gates: str, inputs: str = "num_inputs", hiddens: str = "num_hiddens") -> Table:
    """The book's triples ``W_x<g>, W_h<g>, b_<g>`` for each gate letter, in order (the GRU's
    ``zrh``, the LSTM's ``ifoc``; the tanh RNN is ``h``)."""
    return table(*(spec for g in gates for spec in (
        (f"W_x{g}", (inputs, hiddens)), (f"W_h{g}", (hiddens, hiddens)),
        (f"b_{g}", (hiddens,), "zeros"))))

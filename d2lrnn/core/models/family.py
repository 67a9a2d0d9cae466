"""Model families: a model declared once, as data, independent of the framework.

A family names its parameters (blocks of ``Table``s with the book's canonical names, shapes from
the hyperparameters, initialisers), its recurrent state (``H`` or ``(H, C)``), its data kind (a
language model over one vocabulary, or sequence-to-sequence over a source and a target
vocabulary with valid lengths), an example batch, how to build it on a backend (``d2l`` is the
backend module) and the NumPy oracle that computes the same thing. Scratch models, the oracle,
checkpoints, parity and the layer maps read this declaration.

Backends register their layer maps (framework weights <-> canonical names) per family when they
are imported (``register_layer_map``); this module never imports a backend.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from d2lrnn.core.models.spec import Table
from d2lrnn.core.params import check_params

Shapes = dict[str, tuple[int, ...]]


@dataclass(frozen=True)
class DataKind:
    """What a family trains on: its vocabularies by role and the parts of a batch."""

    name: str
    vocab_roles: tuple[str, ...]
    batch: tuple[str, ...]


LM = DataKind("lm", ("vocab",), ("X", "Y"))
SEQ2SEQ = DataKind("seq2seq", ("src", "tgt"), ("src", "tgt", "src_valid_len", "label"))
DATA_KINDS = {k.name: k for k in (LM, SEQ2SEQ)}


@dataclass(frozen=True)
class Block:
    """One block of a model's parameters: its table, and the prefix of its canonical names
    (stacked layers: ``l0.``, ``l1.``; empty for the book's flat names)."""

    params: Table
    prefix: str = ""


@dataclass(frozen=True)
class Family:
    """One model family (see the module docstring)."""

    name: str
    blocks: tuple[Block, ...]
    #: (d2l, vocab sizes by role, hparams) -> a model on that backend
    builder: Callable[[Any, Mapping[str, int], Mapping[str, Any]], Any]
    #: the NumPy oracle: forward, loss_and_grads, clip_gradients, sgd_step, predict, ...
    reference: Any
    #: (vocab sizes by role, hparams) -> dimension sizes for the tables
    sizes: Callable[[Mapping[str, int], Mapping[str, Any]], dict[str, int]]
    state: tuple[str, ...] = ("H",)
    data: DataKind = LM
    description: str = ""

    def vocab_sizes(self, vocab: int | Mapping[str, int]) -> dict[str, int]:
        """Vocabulary sizes by role; a plain int is the one vocabulary of a language model."""
        if isinstance(vocab, Mapping):
            sizes = {str(k): int(v) for k, v in vocab.items()}
        else:
            sizes = {self.data.vocab_roles[0]: int(vocab)} if len(self.data.vocab_roles) == 1 \
                else {}
        if set(sizes) != set(self.data.vocab_roles):
            raise ValueError(f"model family {self.name!r} needs the vocabulary sizes of "
                             f"{list(self.data.vocab_roles)}; got {vocab!r}")
        return sizes

    def dims(self, vocab: int | Mapping[str, int], hparams: Mapping[str, Any]) -> dict[str, int]:
        return self.sizes(self.vocab_sizes(vocab), hparams)

    def shapes(self, vocab: int | Mapping[str, int], hparams: Mapping[str, Any]) -> Shapes:
        """{canonical name: shape} of every parameter."""
        dims = self.dims(vocab, hparams)
        out: Shapes = {}
        for block in self.blocks:
            out.update(block.params.shapes(dims, block.prefix))
        return out

    def init_params(self, vocab: int | Mapping[str, int], hparams: Mapping[str, Any],
                    sigma: float = 0.01, rng: np.random.Generator | None = None
                    ) -> dict[str, np.ndarray]:
        """Initial weights in NumPy, block by block in creation order (the normal ones drawn
        from ``rng`` in the order the book's tabs draw them)."""
        rng = rng if rng is not None else np.random.default_rng()
        dims, out = self.dims(vocab, hparams), {}
        for block in self.blocks:
            out.update(block.params.init_numpy(dims, sigma, rng.standard_normal, block.prefix))
        return out

    def build(self, d2l: Any, vocab: int | Mapping[str, int], hparams: Mapping[str, Any]
              ) -> Any:
        """The model on the backend ``d2l`` (e.g. ``d2l.RNNLMScratch(...)``)."""
        return self.builder(d2l, self.vocab_sizes(vocab), hparams)

    def check(self, params: Mapping[str, Any], vocab: int | Mapping[str, int],
              hparams: Mapping[str, Any], what: str = "params") -> dict[str, np.ndarray]:
        """``params`` as float32 arrays if they are exactly this family's names and shapes."""
        return check_params(self.shapes(vocab, hparams), params, what=what)

    def example_batch(self, vocab: int | Mapping[str, int], batch_size: int = 2,
                      num_steps: int = 3) -> tuple[np.ndarray, ...]:
        """A small batch of this family's data kind (int tokens; valid lengths for seq2seq),
        enough to create every parameter of a model that creates them at its first call."""
        sizes = self.vocab_sizes(vocab)
        tokens = lambda role: (np.arange(batch_size * num_steps).reshape(
            batch_size, num_steps) % sizes[role]).astype(np.int64)
        if self.data is LM:
            return tokens("vocab"), tokens("vocab")
        return (tokens("src"), tokens("tgt"), np.full(batch_size, num_steps, np.int64),
                tokens("tgt"))

    def layer_table(self, backend: str) -> Any:
        """The layer map ``backend`` registered for this family (empty: scratch models, whose
        parameters are the canonical ones)."""
        if backend not in _REGISTERED_BACKENDS:
            raise LookupError(f"no layer maps from backend {backend!r}: import "
                              f"d2lrnn.{backend} first")
        return _LAYER_MAPS.get((backend, self.name), ())


_FAMILIES: dict[str, Family] = {}
_LAYER_MAPS: dict[tuple[str, str], Any] = {}
_REGISTERED_BACKENDS: set[str] = set()


def register(family: Family) -> Family:
    if family.name in _FAMILIES and _FAMILIES[family.name] is not family:
        raise ValueError(f"model family {family.name!r} is registered already")
    _FAMILIES[family.name] = family
    return family


def register_layer_maps(backend: str, maps: Mapping[str, Any]) -> None:
    """A backend's layer maps, one per family name (called by the backend's own package)."""
    for family in maps:
        get(family)  # a ValueError naming the registered families if it is none of them
    _REGISTERED_BACKENDS.add(backend)
    for family, table in maps.items():
        _LAYER_MAPS[(backend, family)] = tuple(table)


def get(name: str) -> Family:
    """The family called ``name``; a ValueError listing the families otherwise."""
    if name not in _FAMILIES:
        raise ValueError(f"model family must be one of {', '.join(sorted(_FAMILIES))}; got "
                         f"{name!r}")
    return _FAMILIES[name]


def names() -> list[str]:
    return sorted(_FAMILIES)

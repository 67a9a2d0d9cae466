"""Framework layers' weights <-> the book's canonical parameter names, as data.

A framework's RNN layer keeps the book's weights under other names and layouts (torch's
``nn.RNN`` has ``weight_ih_l0`` of shape (H, V) for ``W_xh`` (V, H), and two biases whose sum
is the book's ``b_h``). Each backend declares one table of ``Slot``s (``LAYER_MAP`` in its
``concise.py``); the functions here, and only these, interpret it:

* ``to_canonical``  framework arrays -> canonical arrays (transpose back; shared biases summed)
* ``to_framework``  canonical arrays -> framework arrays (transpose; a shared bias goes whole into
  its ``primary`` slot and zero into the others)
* ``grads_to_canonical``  framework gradients -> canonical gradients. A parameter the layer
  splits into copies (b_h = b_ih + b_hh) gives each copy the same gradient, dL/db_h: the
  canonical gradient is the primary copy's (the others are checked equal).
* ``expand_grads``  canonical gradients -> what the framework's copies receive (each copy gets
  b_h's gradient): the reference's view of a split layer, used by parity to clip and step in the
  framework's own parameter space (torch clips over both bias copies and moves each by lr * g).

A framework path ('rnn.rnn.weight_ih_l0', 'rnn/cell/i/kernel') is matched on its tail: a slot
``'rnn.weight_ih_l0'`` matches any path ending in those components; what comes before the tail
is the slot's scope. The canonical name is ``scope + canonical`` with the model's own top-level
attribute scope dropped, as for scratch models ('rnn.W_xh' -> 'W_xh'); a nested scope
('layers.0') is kept ('layers.0.rnn.weight_ih_l0' -> 'layers.0.W_xh') when ``keep_scope`` is
true. Paths no slot matches pass through unchanged under their last name (scratch parameters).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from d2lrnn.core.params import canonical as leaf_names


@dataclass(frozen=True)
class Slot:
    """One framework weight: its path tail, the canonical name it stands for, whether it is
    stored transposed, and, for a canonical parameter split into copies that are summed
    (torch's and MXNet's two RNN biases), whether this copy is the ``primary`` one that receives
    the whole value on writing (the others get zeros)."""

    tail: str
    canonical: str
    transpose: bool = False
    primary: bool = True


LayerMap = Sequence[Slot]


def split_path(path: Any) -> list[str]:
    """'rnn.rnn.weight' / 'rnn/cell/kernel:0' / ('rnn', 'cell') -> ['rnn', 'rnn', 'weight']."""
    text = path if isinstance(path, str) else "/".join(str(p) for p in path)
    parts = [p for p in re.split(r"[./]", text) if p]
    if parts:
        parts[-1] = parts[-1].split(":")[0]
    return parts


def match(path: Any, table: LayerMap) -> tuple[Slot | None, list[str]]:
    """The slot whose tail ends ``path`` (longest tail first) and the scope before it."""
    parts = split_path(path)
    best: tuple[Slot | None, list[str]] = (None, parts[:-1])
    best_len = 0
    for slot in table:
        tail = split_path(slot.tail)
        if len(tail) > best_len and parts[-len(tail):] == tail:
            best, best_len = (slot, parts[:-len(tail)]), len(tail)
    return best


def resolve(paths: Iterable[Any], table: LayerMap, keep_scope: bool = False
            ) -> list[tuple[Any, str, Slot | None]]:
    """(framework path, canonical name, slot or None) for every path."""
    out = []
    for path in paths:
        slot, scope = match(path, table)
        if slot is None:
            name = split_path(path)[-1]
        else:
            # the outer attribute ('rnn' of the LM) is not part of the canonical name
            inner = scope[1:] if keep_scope else []
            name = ".".join([*inner, slot.canonical])
        out.append((path, name, slot))
    return out


def _oriented(value: np.ndarray, slot: Slot | None) -> np.ndarray:
    return value.T if slot is not None and slot.transpose else value


def to_canonical(named: Iterable[tuple[Any, Any]], table: LayerMap,
                 keep_scope: bool = False) -> dict[str, np.ndarray]:
    """Framework (path, NumPy array) pairs -> canonical arrays; copies of a split parameter are
    summed (b_h = b_ih + b_hh)."""
    named = list(named)
    out: dict[str, np.ndarray] = {}
    plain = []
    for (path, name, slot), (_, value) in zip(resolve([p for p, _ in named], table, keep_scope),
                                              named, strict=True):
        if slot is None:
            plain.append((path, np.array(value, copy=True)))
            continue
        value = _oriented(np.asarray(value), slot)
        out[name] = out[name] + value if name in out else value.copy()
    for name, value in leaf_names(plain).items():
        if name in out:
            raise ValueError(f"two parameters are both called {name!r}; canonical names must "
                             "be unique")
        out[name] = value
    return out


def grads_to_canonical(named: Iterable[tuple[Any, Any]], table: LayerMap,
                       keep_scope: bool = False, rtol: float = 1e-5) -> dict[str, np.ndarray]:
    """Framework gradients -> canonical gradients: a split parameter's gradient is its primary
    copy's; every other copy must carry the same gradient (within ``rtol``)."""
    named = list(named)
    primary: dict[str, np.ndarray] = {}
    others: list[tuple[str, np.ndarray]] = []
    plain = []
    for (path, name, slot), (_, g) in zip(resolve([p for p, _ in named], table, keep_scope),
                                          named, strict=True):
        if slot is None:
            plain.append((path, np.array(g, copy=True)))
        elif slot.primary:
            primary[name] = _oriented(np.asarray(g), slot).copy()
        else:
            others.append((name, _oriented(np.asarray(g), slot)))
    for name, g in others:
        want = primary[name]
        scale = float(np.max(np.abs(want))) or 1.0
        if float(np.max(np.abs(g - want))) > rtol * scale:
            raise AssertionError(f"the copies of {name!r} got different gradients; each must "
                                 f"get dL/d{name}")
    return {**primary, **leaf_names(plain)}


def to_framework(params: Mapping[str, Any], paths: Iterable[Any], table: LayerMap,
                 keep_scope: bool = False) -> dict[Any, np.ndarray]:
    """Canonical arrays -> one array per framework path (transposed where the framework stores
    the transpose; a split parameter whole in its primary copy, zeros in the others). The caller
    checks shapes against its own parameters."""
    out = {}
    for path, name, slot in resolve(paths, table, keep_scope):
        value = np.asarray(params[name], dtype=np.float32)
        if slot is not None and not slot.primary:
            value = np.zeros_like(value)
        out[path] = np.ascontiguousarray(_oriented(value, slot))
    return out


def canonical_shapes(named_shapes: Iterable[tuple[Any, tuple[int, ...]]], table: LayerMap,
                     keep_scope: bool = False) -> dict[str, tuple[int, ...]]:
    """Framework (path, shape) pairs -> canonical name -> canonical shape."""
    out = {}
    named_shapes = list(named_shapes)
    for (_, name, slot), (_, shape) in zip(
            resolve([p for p, _ in named_shapes], table, keep_scope), named_shapes, strict=True):
        out[name] = tuple(reversed(shape)) if slot is not None and slot.transpose \
            else tuple(shape)
    return out


def copies(table: LayerMap) -> dict[str, int]:
    """How many framework copies each canonical parameter has (2 for a split bias)."""
    count: dict[str, int] = {}
    for slot in table:
        count[slot.canonical] = count.get(slot.canonical, 0) + 1
    return count


def expand_grads(grads: Mapping[str, np.ndarray], table: LayerMap
                 ) -> dict[str, np.ndarray]:
    """Canonical gradients in the framework's parameter space, canonical layout: key
    ``name`` for the primary copy, ``name#k`` for the k-th extra copy (same gradient)."""
    n = copies(table)
    out = {}
    for name, g in grads.items():
        out[name] = g
        for k in range(1, n.get(name, 1)):
            out[f"{name}#{k}"] = g
    return out


def expand_params(params: Mapping[str, np.ndarray], table: LayerMap
                  ) -> dict[str, np.ndarray]:
    """Canonical parameters in the framework's parameter space (canonical layout): the primary
    copy holds the value, each extra copy ``name#k`` zeros (so that the copies sum to it)."""
    n = copies(table)
    out = {}
    for name, v in params.items():
        out[name] = v
        for k in range(1, n.get(name, 1)):
            out[f"{name}#{k}"] = np.zeros_like(v)
    return out


def collapse(values: Mapping[str, np.ndarray], copies_are: str) -> dict[str, np.ndarray]:
    """Inverse of ``expand_grads``: ``copies_are='sum'`` adds the copies (parameters: b_h is the
    sum of the biases), ``'primary'`` keeps the primary copy (gradients)."""
    out: dict[str, np.ndarray] = {}
    for key, v in values.items():
        name = key.split("#")[0]
        if name not in out:
            out[name] = np.array(v, copy=True)
        elif copies_are == "sum":
            out[name] = out[name] + v
    return out


def check_table(table: LayerMap) -> None:
    """Every split parameter has exactly one primary copy."""
    primaries: dict[str, int] = {}
    for slot in table:
        primaries[slot.canonical] = primaries.get(slot.canonical, 0) + int(slot.primary)
    bad = [k for k, n in primaries.items() if n != 1]
    if bad:
        raise ValueError(f"layer map: {bad} need exactly one primary slot each")

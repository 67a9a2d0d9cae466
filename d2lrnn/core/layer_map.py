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

Gates: a framework tensor that stacks several of the book's parameters (torch's ``nn.GRU``
``weight_ih_l0`` (3H, I) holds W_xr, W_xz, W_xh in its r, z, n order; Keras's GRU kernel
(I, 3H) holds z, r, h) is described by one slot per parameter, each with ``part=(k, n)``: the
k-th of n equal slices along the last axis of the tensor as the book lays it out (after the
transpose, if any). ``gate_slots`` writes such a group in the framework's gate order. The
reset-after GRU's candidate biases (``b_in`` and ``b_hn`` in torch's formula) are two distinct
canonical parameters, ``b_h`` and ``b_hh`` (see ``core/models/cells.py``), each a primary
slot; the r and z parts of a second bias tensor are non-primary copies of ``b_r`` and ``b_z``.

A framework path ('rnn.rnn.weight_ih_l0', 'rnn/cell/i/kernel') is matched on its tail: a slot
``'rnn.weight_ih_l0'`` matches any path ending in those components; what comes before the tail
is the slot's scope. The canonical name is ``scope + canonical`` with the model's own top-level
attribute scope dropped, as for scratch models ('rnn.W_xh' -> 'W_xh'); a nested scope
('layers.0') is kept ('layers.0.rnn.weight_ih_l0' -> 'layers.0.W_xh') when ``keep_scope`` is
true. Paths no slot matches pass through unchanged under their canonical name (scratch
parameters: the shortest suffix no other such path shares, kept past a list index: 'W_xh',
'f_rnn.W_xh', 'rnns.0.W_xh'; ``params.canonical_names``), reading and writing alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from d2lrnn.core.params import canonical as leaf_names
from d2lrnn.core.params import canonical_names
from d2lrnn.core.reference.recurrent import stack_prefixes


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
    #: (k, n): this parameter is the k-th of n equal slices of the tensor's last axis (in the
    #: book's orientation); None: the whole tensor
    part: tuple[int, int] | None = None
    #: this parameter lives in row ``row`` of the tensor's first axis (Keras 3's reset-after
    #: GRU bias (2, 3H): row 0 the input biases, row 1 the recurrent ones); None: no row
    row: int | None = None


LayerMap = Sequence[Slot]


def gate_slots(tail: str, canonicals: Sequence[str], transpose: bool = False,
               primary: bool | Sequence[bool] = True, row: int | None = None
               ) -> tuple[Slot, ...]:
    """The slots of one stacked tensor, ``canonicals`` in the framework's gate order, e.g.
    ``gate_slots("rnn.weight_ih_l0", ("W_xr", "W_xz", "W_xh"), transpose=True)``."""
    n = len(canonicals)
    flags = [primary] * n if isinstance(primary, bool) else list(primary)
    if len(flags) != n:
        raise ValueError(f"gate_slots({tail!r}): {n} parameters but {len(flags)} primary flags")
    return tuple(Slot(tail, name, transpose, flag, (k, n), row)
                 for k, (name, flag) in enumerate(zip(canonicals, flags, strict=True)))


def fused_layer(tails: Sequence[str], gates: str, reset_after: bool = False,
                transpose: bool = True) -> tuple[Slot, ...]:
    """The slots of a fused recurrent layer in cuDNN's layout (torch's ``nn.RNN/GRU/LSTM``,
    Gluon's): ``tails`` = (input weight, hidden weight, input bias, hidden bias), each stacking
    ``gates`` (the book's gate letters in the framework's order: ``'h'`` tanh RNN, ``'rzh'``
    GRU, ``'ifco'`` LSTM). The input bias holds b_<g>; the hidden bias a second, summed copy of
    it, except for a reset-after GRU's candidate, whose hidden bias is the distinct ``b_hh``."""
    w_ih, w_hh, b_ih, b_hh = tails
    hidden_bias = [("b_hh", True) if reset_after and g == "h" else (f"b_{g}", False)
                   for g in gates]
    return (*gate_slots(w_ih, [f"W_x{g}" for g in gates], transpose=transpose),
            *gate_slots(w_hh, [f"W_h{g}" for g in gates], transpose=transpose),
            *gate_slots(b_ih, [f"b_{g}" for g in gates]),
            *gate_slots(b_hh, [n for n, _ in hidden_bias], primary=[p for _, p in hidden_bias]))


def fused_tables(layer0: Sequence[str], head: Sequence[Slot]
                 ) -> tuple[tuple[Slot, ...], tuple[Slot, ...], tuple[Slot, ...]]:
    """(the concise RNN LM's table, the GRU's, the LSTM's) for a framework whose recurrent
    layers are fused in cuDNN's layout (torch, Gluon): layer 0's four tensors ``layer0`` (see
    ``fused_layer``) with gates stacked r, z, n for the GRU (reset after) and i, f, g, o for the
    LSTM; ``head`` the LM's output layer."""
    return ((*fused_layer(layer0, "h"), *head), fused_layer(layer0, "rzh", reset_after=True),
            fused_layer(layer0, "ifco"))


def renamed(slots: Iterable[Slot], prefix: str = "",
            tail: Callable[[str], str] = lambda t: t) -> tuple[Slot, ...]:
    """``slots`` with each canonical name under ``prefix`` and each tail rewritten by
    ``tail`` (layer 1 of a stack: ``prefix='l1.'``, ``'cell0.' -> 'cell1.'``)."""
    return tuple(replace(s, tail=tail(s.tail), canonical=prefix + s.canonical) for s in slots)


def stack_table(layer: Callable[[int, int], Sequence[Slot]], num_layers: int = 1,
                bidirectional: bool = False) -> tuple[Slot, ...]:
    """The slots of a stacked and/or bidirectional recurrent layer: ``layer(l, d)`` gives the
    slots of layer l, direction d (0 forward, 1 backward) under the cell's own canonical names;
    they go under the oracle's names for that layer (``l1.W_xz``, ``b_rnn.W_xz``: see
    ``reference.recurrent.stack_prefixes``)."""
    return tuple(slot for l, d, prefix in stack_prefixes(num_layers, bidirectional)
                 for slot in renamed(layer(l, d), prefix))


def _part(value: np.ndarray, slot: Slot) -> np.ndarray:
    """The slot's slice of a tensor in the book's orientation."""
    if slot.row is not None:
        value = value[slot.row]
    if slot.part is None:
        return value
    k, n = slot.part
    size = value.shape[-1] // n
    return value[..., k * size:(k + 1) * size]


def split_path(path: Any) -> list[str]:
    """'rnn.rnn.weight' / 'rnn/cell/kernel:0' / ('rnn', 'cell') -> ['rnn', 'rnn', 'weight']."""
    text = path if isinstance(path, str) else "/".join(str(p) for p in path)
    parts = [p for p in re.split(r"[./]", text) if p]
    if parts:
        parts[-1] = parts[-1].split(":")[0]
    return parts


def match_all(path: Any, table: LayerMap) -> tuple[list[Slot], list[str]]:
    """The slots whose tail ends ``path`` (the longest tail; several for a stacked tensor) and
    the scope before it."""
    parts = split_path(path)
    best: tuple[list[Slot], list[str]] = ([], parts[:-1])
    best_len = 0
    for slot in table:
        tail = split_path(slot.tail)
        if len(tail) >= best_len and parts[-len(tail):] == tail:
            if len(tail) > best_len:
                best, best_len = ([], parts[:-len(tail)]), len(tail)
            best[0].append(slot)
    return best


def match(path: Any, table: LayerMap) -> tuple[Slot | None, list[str]]:
    """The first slot whose tail ends ``path`` (longest tail first) and the scope before it."""
    slots, scope = match_all(path, table)
    return (slots[0] if slots else None), scope


def resolve_all(paths: Iterable[Any], table: LayerMap, keep_scope: bool = False
                ) -> list[tuple[Any, list[tuple[str, Slot | None]]]]:
    """(framework path, [(canonical name, slot)]) for every path: one entry per parameter a
    tensor holds (several for stacked gates; (its canonical name, None) for an unmatched path:
    the name ``to_canonical`` reads it under, 'W_xh', or 'rnns.0.W_xh' for a scratch layer in
    a list, see ``params.canonical_names``)."""
    paths = list(paths)
    matched = [match_all(path, table) for path in paths]
    plain = iter(canonical_names([p for p, (slots, _) in zip(paths, matched, strict=True)
                                  if not slots]))
    out = []
    for path, (slots, scope) in zip(paths, matched, strict=True):
        if not slots:
            out.append((path, [(next(plain), None)]))
            continue
        # the outer attribute ('rnn' of the LM) is not part of the canonical name
        inner = scope[1:] if keep_scope else []
        out.append((path, [(".".join([*inner, s.canonical]), s) for s in slots]))
    return out


def resolve(paths: Iterable[Any], table: LayerMap, keep_scope: bool = False
            ) -> list[tuple[Any, str, Slot | None]]:
    """(framework path, canonical name, slot or None) for every parameter of every path."""
    return [(path, name, slot) for path, entries in resolve_all(paths, table, keep_scope)
            for name, slot in entries]


def _oriented(value: np.ndarray, slot: Slot | None) -> np.ndarray:
    return value.T if slot is not None and slot.transpose else value


def _entries(named: Iterable[tuple[Any, Any]], table: LayerMap, keep_scope: bool
             ) -> list[tuple[Any, str, Slot | None, np.ndarray]]:
    """(path, canonical name, slot, value) per parameter, the value sliced and in the book's
    orientation (unmatched paths: their own value)."""
    named = list(named)
    out = []
    for (path, entries), (_, value) in zip(resolve_all([p for p, _ in named], table,
                                                       keep_scope), named, strict=True):
        for name, slot in entries:
            v = value if slot is None else _part(_oriented(np.asarray(value), slot), slot)
            out.append((path, name, slot, v))
    return out


def to_canonical(named: Iterable[tuple[Any, Any]], table: LayerMap,
                 keep_scope: bool = False) -> dict[str, np.ndarray]:
    """Framework (path, NumPy array) pairs -> canonical arrays; copies of a split parameter are
    summed (b_h = b_ih + b_hh)."""
    out: dict[str, np.ndarray] = {}
    plain = []
    for path, name, slot, value in _entries(named, table, keep_scope):
        if slot is None:
            plain.append((path, np.array(value, copy=True)))
            continue
        out[name] = out[name] + value if name in out else np.array(value, copy=True)
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
    primary: dict[str, np.ndarray] = {}
    others: list[tuple[str, np.ndarray]] = []
    plain = []
    for path, name, slot, g in _entries(named, table, keep_scope):
        if slot is None:
            plain.append((path, np.array(g, copy=True)))
        elif slot.primary:
            primary[name] = np.array(g, copy=True)
        else:
            others.append((name, g))
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
    for path, entries in resolve_all(paths, table, keep_scope):
        rows: dict[int | None, list[tuple[int, np.ndarray]]] = {}
        for name, slot in entries:
            value = np.asarray(params[name], dtype=np.float32)
            if slot is not None and not slot.primary:
                value = np.zeros_like(value)
            k = slot.part[0] if slot is not None and slot.part is not None else 0
            rows.setdefault(slot.row if slot is not None else None, []).append((k, value))
        joined = {r: np.concatenate([v for _, v in sorted(parts, key=lambda p: p[0])], axis=-1)
                  for r, parts in rows.items()}
        value = joined[None] if None in joined else np.stack([joined[r] for r in sorted(joined)])
        out[path] = np.ascontiguousarray(_oriented(value, entries[0][1]))
    return out


def canonical_shapes(named_shapes: Iterable[tuple[Any, tuple[int, ...]]], table: LayerMap,
                     keep_scope: bool = False) -> dict[str, tuple[int, ...]]:
    """Framework (path, shape) pairs -> canonical name -> canonical shape."""
    out = {}
    named_shapes = list(named_shapes)
    for (_, entries), (_, shape) in zip(
            resolve_all([p for p, _ in named_shapes], table, keep_scope), named_shapes,
            strict=True):
        for name, slot in entries:
            s = tuple(reversed(shape)) if slot is not None and slot.transpose else tuple(shape)
            if slot is not None and slot.row is not None:
                s = s[1:]
            if slot is not None and slot.part is not None:
                s = (*s[:-1], s[-1] // slot.part[1])
            out[name] = s
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


def backend_tables(backend: str, maps: Mapping[str, LayerMap], default: LayerMap) -> Any:
    """Register a backend's maps, one per model family, keyed by the family's name (checked
    against the registered families: ``core.models.register_layer_maps``), and return its
    ``table_for(model)``: the map of the model's family, ``default`` otherwise. A new family
    on a framework layer is one entry here per backend."""
    from d2lrnn.core import models

    models.register_layer_maps(backend, maps)
    return lambda model: table_for(model, maps, default)


def table_for(model: Any, maps: Mapping[str, LayerMap], default: LayerMap) -> LayerMap:
    """The layer map of the family a model names (``lm_family`` on the model or on its
    ``rnn``: d2l.GRU says 'gru-lm-concise', so d2l.RNNLM over it reads the GRU's gates), or
    ``default`` (the concise RNN LM's)."""
    for part in (model, getattr(model, "rnn", None)):
        name = getattr(part, "lm_family", None)
        if name in maps:
            return maps[name]
    return default


def check_table(table: LayerMap) -> None:
    """Every split parameter has exactly one primary copy; the parts of a stacked tensor are
    0..n-1, each once."""
    primaries: dict[str, int] = {}
    for slot in table:
        primaries[slot.canonical] = primaries.get(slot.canonical, 0) + int(slot.primary)
    bad = [k for k, n in primaries.items() if n != 1]
    if bad:
        raise ValueError(f"layer map: {bad} need exactly one primary slot each")
    parts: dict[tuple[str, int | None], list[tuple[int, int] | None]] = {}
    for slot in table:
        parts.setdefault((slot.tail, slot.row), []).append(slot.part)
    for (tail, _), got in parts.items():
        n = got[0][1] if got[0] is not None else 1
        want = [None] if n == 1 and got == [None] else [(k, n) for k in range(n)]
        if sorted(got, key=str) != sorted(want, key=str):
            raise ValueError(f"layer map: the parts of {tail!r} must be (0..{n - 1}, {n}) "
                             f"once each; got {got}")


def seq2seq_map(gru: Sequence[Slot], layer: tuple[str, str], rnn: str, embedding: str,
                head: Sequence[Slot], num_layers: int = 2) -> tuple[Slot, ...]:
    """A backend's layer map for ``seq2seq-gru``, from its slots of one GRU layer (``gru``,
    canonical names ``W_xz``...): for the encoder and the decoder, the embedding (weight path
    ``<part>.<embedding>``) and each layer ``l`` of the GRU (tails ``<part>.<rnn>`` + the GRU
    slot's tail with ``layer[0]`` replaced by ``layer[1].format(l)``) under ``<part>.l<l>.``;
    then the decoder's dense ``head`` (tails after ``decoder.``, canonical ``W_hq``, ``b_q``)."""
    old, new = layer
    slots: list[Slot] = []
    for part in ("encoder", "decoder"):
        slots.append(Slot(f"{part}.{embedding}", f"{part}.W_emb"))
        for l in range(num_layers):
            slots += [replace(
                s, tail=f"{part}.{rnn}" + s.tail.replace(old, new.format(l), 1),
                canonical=f"{part}.l{l}.{s.canonical}") for s in gru]
    slots += [replace(s, tail=f"decoder.{s.tail}", canonical=f"decoder.{s.canonical}")
              for s in head]
    return tuple(slots)

"""Recurrent layers built from one cell (cells.py): unrolled over time (forwards or backwards),
bidirectional, stacked; each with backpropagation through time. Inputs and outputs are
time-major, (T, B, features).

Parameter names. A layer reads its cell's parameters under a prefix (``params[prefix + name]``)
and returns its gradients under the same keys:

* one unidirectional layer: no prefix (``W_xh``): the book's RNNScratch / GRUScratch /
  LSTMScratch;
* bidirectional: ``f_rnn.`` and ``b_rnn.`` (``f_rnn.W_xh``, ``b_rnn.W_xh``), the attributes of
  the book's BiRNNScratch;
* ``num_layers > 1`` stacked: layer l under ``l<l>.`` (``l0.W_xh``, ``l1.W_xh``), the layers of
  the book's StackedRNNScratch, with the direction after it when bidirectional
  (``l0.f_rnn.W_xh``, ``l0.b_rnn.W_xh``, ``l1.f_rnn.W_xh``, ...).

States: a cell's state (H (B, H), or (H, C) for the LSTM) for one direction; the pair
(forward state, backward state) for a bidirectional layer; a list over layers for a stack.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from d2lrnn.core.reference import cells
from d2lrnn.core.reference.cells import Cell, Params, State

DIRECTIONS = ("f_rnn.", "b_rnn.")


def unroll(cell: str | Cell, params: Params, inputs: np.ndarray, state: State | None = None,
           reverse: bool = False, prefix: str = "") -> tuple[np.ndarray, State, Any]:
    """inputs (T, B, I) -> (outputs (T, B, H), final state, cache). ``reverse`` runs from t = T-1
    down to 0; outputs[t] is always the output at time t (the book's BiRNNScratch order)."""
    cell = cells.get(cell)
    P = {n: np.asarray(params[prefix + n], np.float64) for n in cell.names}
    T, B = inputs.shape[:2]
    H = P[cell.names[1]].shape[0]  # W_h<g> (H, H), the second entry of every cell's table
    state = cell.zero_state(B, H) if state is None else state
    outputs = np.empty((T, B, H))
    caches: list[Any] = [None] * T
    for t in (reversed(range(T)) if reverse else range(T)):
        state, caches[t] = cell.forward(P, inputs[t], state)
        outputs[t] = cell.output(state)
    return outputs, state, (cell, caches, reverse, prefix, (B, H), inputs.shape)


def unroll_backward(cache: Any, d_outputs: np.ndarray | None = None,
                    d_state: State | None = None) -> tuple[np.ndarray, State, Params]:
    """d_outputs (T, B, H) and the gradient of the final state (None: zero) -> (d_inputs
    (T, B, I), gradient of the initial state, {prefix + name: gradient})."""
    cell, caches, reverse, prefix, (B, H), input_shape = cache
    d_inputs = np.empty(input_shape)
    d = cell.zero_state(B, H) if d_state is None else d_state
    grads: Params = {}
    for t in (range(len(caches)) if reverse else reversed(range(len(caches)))):
        if d_outputs is not None:
            d = cell.add_to_output(d, d_outputs[t])
        d_inputs[t], d, g = cell.backward(caches[t], d)
        for k, v in g.items():
            grads[k] = grads[k] + v if k in grads else v
    return d_inputs, d, {prefix + k: grads[k] for k in cell.names}


def birnn(cell: str | Cell, params: Params, inputs: np.ndarray,
                  state: tuple[State, State] | None = None, prefix: str = ""
                  ) -> tuple[np.ndarray, tuple[State, State], Any]:
    """The book's BiRNNScratch: inputs (T, B, I) -> outputs (T, B, 2H), the forward pass's
    outputs then the backward pass's on the feature axis; state (forward, backward)."""
    f_state, b_state = (None, None) if state is None else state
    f_out, f_state, f_cache = unroll(cell, params, inputs, f_state, False, prefix + DIRECTIONS[0])
    b_out, b_state, b_cache = unroll(cell, params, inputs, b_state, True, prefix + DIRECTIONS[1])
    return np.concatenate([f_out, b_out], axis=-1), (f_state, b_state), (f_cache, b_cache)


def birnn_backward(cache: Any, d_outputs: np.ndarray | None = None,
                           d_state: tuple[State | None, State | None] | None = None
                           ) -> tuple[np.ndarray, tuple[State, State], Params]:
    f_cache, b_cache = cache
    H = f_cache[4][1]
    d_f, d_b = (None, None) if d_outputs is None else (d_outputs[..., :H], d_outputs[..., H:])
    ds_f, ds_b = (None, None) if d_state is None else d_state
    dx_f, ds_f, g_f = unroll_backward(f_cache, d_f, ds_f)
    dx_b, ds_b, g_b = unroll_backward(b_cache, d_b, ds_b)
    return dx_f + dx_b, (ds_f, ds_b), {**g_f, **g_b}


def layer_prefix(layer: int, num_layers: int) -> str:
    """``l<layer>.`` in a stack of several layers; nothing for a single layer."""
    return f"l{layer}." if num_layers > 1 else ""


def stack_prefixes(num_layers: int = 1, bidirectional: bool = False, prefix: str = ""
                   ) -> list[tuple[int, int, str]]:
    """(layer, direction (0 forward, 1 backward), name prefix) of every unidirectional layer
    of a stack, in creation order: ``[(0, 0, '')]`` for one layer, ``l0.``, ``l1.`` stacked,
    ``f_rnn.``, ``b_rnn.`` bidirectional (``l0.f_rnn.``... both). The model families' tables
    and the backends' layer maps name a stack's parameters by these too."""
    dirs = DIRECTIONS if bidirectional else ("",)
    return [(l, d, prefix + layer_prefix(l, num_layers) + name)
            for l in range(num_layers) for d, name in enumerate(dirs)]


def stack_shapes(cell: str | Cell, num_inputs: int, num_hiddens: int, num_layers: int = 1,
                 bidirectional: bool = False, prefix: str = "") -> dict[str, tuple[int, ...]]:
    """{name: shape} of a stack's parameters, in creation order (layer by layer, the forward
    direction first). Layer l > 0 reads the outputs of layer l-1: num_hiddens * directions."""
    cell = cells.get(cell)
    dirs = 2 if bidirectional else 1
    out: dict[str, tuple[int, ...]] = {}
    for l, _, pre in stack_prefixes(num_layers, bidirectional, prefix):
        n_in = num_inputs if l == 0 else num_hiddens * dirs
        out.update({pre + k: s for k, s in cell.shapes(n_in, num_hiddens).items()})
    return out


def stack(cell: str | Cell, params: Params, inputs: np.ndarray, num_layers: int = 1,
          bidirectional: bool = False, state: list[Any] | None = None, prefix: str = ""
          ) -> tuple[np.ndarray, list[Any], Any]:
    """The book's StackedRNNScratch (and, bidirectional, a stack of BiRNNScratch layers):
    inputs (T, B, I) -> (the top layer's outputs (T, B, H * directions), [final state of each
    layer], cache). ``state``: a list with each layer's initial state (None: zeros)."""
    X, states, caches = inputs, [], []
    for l in range(num_layers):
        s = None if state is None else state[l]
        pre = prefix + layer_prefix(l, num_layers)
        X, s, c = (birnn(cell, params, X, s, pre) if bidirectional else
                   unroll(cell, params, X, s, prefix=pre))
        states.append(s)
        caches.append(c)
    return X, states, (caches, bidirectional)


def stack_backward(cache: Any, d_outputs: np.ndarray | None = None,
                   d_states: list[Any] | None = None) -> tuple[np.ndarray, list[Any], Params]:
    """d_outputs of the top layer and of each layer's final state (None: zero) -> (d_inputs,
    [gradient of each layer's initial state], gradients)."""
    caches, bidi = cache
    layer_backward = birnn_backward if bidi else unroll_backward
    d, d_states0, grads = d_outputs, [None] * len(caches), [{}] * len(caches)
    for l in reversed(range(len(caches))):
        ds = None if d_states is None else d_states[l]
        d, d_states0[l], grads[l] = layer_backward(caches[l], d, ds)
    return d, d_states0, {k: v for g in grads for k, v in g.items()}

"""Recurrent cells, float64, each with a forward and a hand-written backward.

A cell's forward is ``forward(params, X, state) -> (new_state, cache)`` for one time step, X of
shape (B, I); its backward is ``backward(cache, d_state) -> (d_X, d_state_prev, d_params)``,
where ``d_state`` is the gradient reaching the new state (its H part includes whatever the
step's output received). A state is H (B, H) for the tanh RNN and the GRUs, and the pair
(H, C), each (B, H), for the LSTM.

Parameters follow the book's triples ``W_x<g> (I, H), W_h<g> (H, H), b_<g> (H,)``, one per gate
letter g, in the order the book's tabs create them; ``gru-reset-after`` adds ``b_hh (H,)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

Params = dict[str, np.ndarray]
State = Any  # np.ndarray (B, H), or a tuple (H, C) of them


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (np.tanh(0.5 * x) + 1.0)  # = 1 / (1 + exp(-x)), without overflow


def _f64(params: Params, names: tuple[str, ...]) -> Params:
    return {k: np.asarray(params[k], np.float64) for k in names}


def _affine(P: Params, g: str, X: np.ndarray, H: np.ndarray) -> np.ndarray:
    """X W_x<g> + H W_h<g> + b_<g>: (B, I), (B, H) -> (B, H)."""
    return X @ P[f"W_x{g}"] + H @ P[f"W_h{g}"] + P[f"b_{g}"]


def _affine_backward(P: Params, g: str, X: np.ndarray, H: np.ndarray, dA: np.ndarray,
                     grads: Params) -> tuple[np.ndarray, np.ndarray]:
    """Given dA (B, H) for _affine's output: fills grads of the triple, returns (d_X, d_H)."""
    grads[f"W_x{g}"] = X.T @ dA
    grads[f"W_h{g}"] = H.T @ dA
    grads[f"b_{g}"] = dA.sum(axis=0)
    return dA @ P[f"W_x{g}"].T, dA @ P[f"W_h{g}"].T


# ----- tanh RNN: H_t = tanh(X W_xh + H W_hh + b_h)
def rnn_forward(params: Params, X: np.ndarray, H: np.ndarray) -> tuple[np.ndarray, Any]:
    P = _f64(params, RNN.names)
    H_new = np.tanh(_affine(P, "h", X, H))
    return H_new, (P, X, H, H_new)


def rnn_backward(cache: Any, dH_new: np.ndarray) -> tuple[np.ndarray, np.ndarray, Params]:
    P, X, H, H_new = cache
    grads: Params = {}
    dA = dH_new * (1.0 - H_new ** 2)                          # through tanh
    dX, dH = _affine_backward(P, "h", X, H, dA, grads)
    return dX, dH, grads


# ----- GRU. Z = σ(X W_xz + H W_hz + b_z), R = σ(X W_xr + H W_hr + b_r), H_new = Z*H + (1-Z)*H~,
# reset before (the book): H~ = tanh(X W_xh + (R*H) W_hh + b_h)
# reset after (torch, Gluon, Keras 3, Flax): H~ = tanh(X W_xh + b_h + R * (H W_hh + b_hh))
def _gru_forward(params: Params, X: np.ndarray, H: np.ndarray, after: bool
                 ) -> tuple[np.ndarray, Any]:
    P = _f64(params, (GRU_RESET_AFTER if after else GRU).names)
    Z = sigmoid(_affine(P, "z", X, H))                        # (B, H)
    R = sigmoid(_affine(P, "r", X, H))                        # (B, H)
    if after:
        HW = H @ P["W_hh"] + P["b_hh"]                        # (B, H)
        H_tilde = np.tanh(X @ P["W_xh"] + P["b_h"] + R * HW)
    else:
        HW = R * H                                            # (B, H): the reset state
        H_tilde = np.tanh(_affine(P, "h", X, HW))
    H_new = Z * H + (1.0 - Z) * H_tilde
    return H_new, (P, X, H, Z, R, HW, H_tilde, after)


def gru_forward(params: Params, X: np.ndarray, H: np.ndarray) -> tuple[np.ndarray, Any]:
    return _gru_forward(params, X, H, after=False)


def gru_reset_after_forward(params: Params, X: np.ndarray, H: np.ndarray
                            ) -> tuple[np.ndarray, Any]:
    return _gru_forward(params, X, H, after=True)


def gru_backward(cache: Any, dH_new: np.ndarray) -> tuple[np.ndarray, np.ndarray, Params]:
    """The backward of both GRU forms (the cache says which)."""
    P, X, H, Z, R, HW, H_tilde, after = cache
    grads: Params = {}
    dZ = dH_new * (H - H_tilde)
    dH = dH_new * Z
    dA_h = dH_new * (1.0 - Z) * (1.0 - H_tilde ** 2)          # (B, H) before tanh
    if after:
        dX = dA_h @ P["W_xh"].T
        grads["W_xh"], grads["b_h"] = X.T @ dA_h, dA_h.sum(axis=0)
        dHW = dA_h * R                                        # d(H W_hh + b_hh)
        dR = dA_h * HW
        grads["W_hh"], grads["b_hh"] = H.T @ dHW, dHW.sum(axis=0)
        dH = dH + dHW @ P["W_hh"].T
    else:
        dX, dHW = _affine_backward(P, "h", X, HW, dA_h, grads)  # dHW: d(R*H)
        dR = dHW * H
        dH = dH + dHW * R
    for g, gate, d_gate in (("z", Z, dZ), ("r", R, dR)):
        dX_g, dH_g = _affine_backward(P, g, X, H, d_gate * gate * (1.0 - gate), grads)
        dX, dH = dX + dX_g, dH + dH_g
    return dX, dH, {k: grads[k] for k in (GRU_RESET_AFTER if after else GRU).names}


# ----- LSTM. I, F, O = σ(X W_x<g> + H W_h<g> + b_<g>), C~ = tanh(X W_xc + H W_hc + b_c),
# C = F*C_prev + I*C~, H = O*tanh(C)
def lstm_forward(params: Params, X: np.ndarray, state: tuple[np.ndarray, np.ndarray]
                 ) -> tuple[tuple[np.ndarray, np.ndarray], Any]:
    H, C_prev = state
    P = _f64(params, LSTM.names)
    I, F, O = (sigmoid(_affine(P, g, X, H)) for g in "ifo")  # each (B, H)
    C_tilde = np.tanh(_affine(P, "c", X, H))
    C = F * C_prev + I * C_tilde
    tanh_C = np.tanh(C)
    H_new = O * tanh_C
    return (H_new, C), (P, X, H, C_prev, I, F, O, C_tilde, tanh_C)


def lstm_backward(cache: Any, d_state: tuple[np.ndarray, np.ndarray]
                  ) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray], Params]:
    P, X, H, C_prev, I, F, O, C_tilde, tanh_C = cache
    dH_new, dC_new = d_state
    dC = dC_new + dH_new * O * (1.0 - tanh_C ** 2)
    d_pre = {"i": dC * C_tilde * I * (1.0 - I), "f": dC * C_prev * F * (1.0 - F),
             "o": dH_new * tanh_C * O * (1.0 - O), "c": dC * I * (1.0 - C_tilde ** 2)}
    grads: Params = {}
    dX, dH = 0.0, 0.0
    for g in "ifoc":
        dX_g, dH_g = _affine_backward(P, g, X, H, d_pre[g], grads)
        dX, dH = dX + dX_g, dH + dH_g
    return dX, (dH, dC * F), {k: grads[k] for k in LSTM.names}


# ----- the declarations: names, shapes and state parts are the model families' cell tables
# (``core/models/cells.py``); this adds the float64 forward and backward
@dataclass(frozen=True)
class Cell:
    """A cell: its declaration (parameter table, the parts of its state) and its forward and
    backward."""

    kind: str
    forward: Callable[..., tuple[State, Any]]
    backward: Callable[..., tuple[np.ndarray, State, Params]]

    @property
    def declared(self) -> Any:
        """The cell's declaration (``core/models/cells.py``; imported here, not at the top:
        the model families' package imports this oracle)."""
        from d2lrnn.core.models import cells as declared_cells
        return declared_cells.cell(self.kind)

    @property
    def names(self) -> tuple[str, ...]:
        return self.declared.params.names

    @property
    def state(self) -> str | tuple[str, ...]:
        """'H', or ('H', 'C') for the LSTM."""
        parts = self.declared.state
        return parts[0] if len(parts) == 1 else parts

    def shapes(self, num_inputs: int, num_hiddens: int) -> dict[str, tuple[int, ...]]:
        return self.declared.params.shapes({"num_inputs": num_inputs,
                                            "num_hiddens": num_hiddens})

    def zero_state(self, batch_size: int, num_hiddens: int) -> State:
        zeros = lambda: np.zeros((batch_size, num_hiddens))
        return zeros() if self.state == "H" else tuple(zeros() for _ in self.state)

    def output(self, state: State) -> np.ndarray:
        """The step's output H (B, H) from its state."""
        return state if self.state == "H" else state[0]

    def add_to_output(self, d_state: State, dH: np.ndarray) -> State:
        """d_state with dH (B, H) added to its H part."""
        return d_state + dH if self.state == "H" else (d_state[0] + dH, *d_state[1:])


RNN = Cell("rnn", rnn_forward, rnn_backward)
GRU = Cell("gru", gru_forward, gru_backward)
GRU_RESET_AFTER = Cell("gru-reset-after", gru_reset_after_forward, gru_backward)
LSTM = Cell("lstm", lstm_forward, lstm_backward)
CELLS: dict[str, Cell] = {c.kind: c for c in (RNN, GRU, GRU_RESET_AFTER, LSTM)}


def get(cell: str | Cell) -> Cell:
    """The cell called ``cell`` (or ``cell`` itself); a ValueError listing the cells otherwise."""
    if isinstance(cell, Cell):
        return cell
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {', '.join(CELLS)}; got {cell!r}")
    return CELLS[cell]


def cell_shapes(kind: str, num_inputs: int, num_hiddens: int) -> dict[str, tuple[int, ...]]:
    """{name: shape} of the cell's parameters, in the book's creation order."""
    return get(kind).shapes(num_inputs, num_hiddens)

"""The modern chapter's other concise language models against the NumPy oracle on all four
backends, through each backend's layer map for the family:

    lstm-lm-concise  d2l.RNNLM over d2l.ConciseLSTM     oracle LM('lstm')
    gru-lm-deep      d2l.RNNLM over d2l.GRU, two layers oracle LM('gru-reset-after', 2)
    gru-lm-bi        d2l.RNNLM over d2l.BiGRU           oracle LM('gru-reset-after', 1, True)

One training step (logits, loss, gradients, clipped gradients, parameters), a short trajectory
and the greedy text from the same weights; then faults injected into the oracle (gates swapped;
layer 1 reading the raw inputs; the backward direction not reversed), each of which must make
the same comparison fail: a check that could not fail would prove nothing. Each backend builds
each model once (``observed``); the faults reuse its step.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pytest

from d2lrnn import parity
from d2lrnn.core import TimeMachine as NumpyTimeMachine
from d2lrnn.core import models as families
from d2lrnn.core.reference import cells as ref_cells
from d2lrnn.core.reference import recurrent

LSTM, DEEP, BI = (families.LSTM_LM_CONCISE.name, families.GRU_LM_DEEP.name,
                  families.GRU_LM_BI.name)
FAMILIES = (LSTM, DEEP, BI)
#: num_hiddens per family: the deep GRU's equals the vocabulary size (28), so that the fault
#: "layer 1 reads the raw one-hot inputs" has the shapes of the real thing
HIDDENS = {LSTM: 8, DEEP: 28, BI: 8}
#: the pair of gates each fault test swaps in the oracle's cell
SWAPS = {LSTM: ("lstm", "i", "f"), DEEP: ("gru-reset-after", "r", "z"),
         BI: ("gru-reset-after", "r", "z")}
STEPS = 5  # the trajectory's training steps


@functools.cache
def case(family: str) -> parity.Case:
    return parity.make_case(seed=0, batch_size=8, num_steps=6, num_hiddens=HIDDENS[family],
                            family=family)


def reference(backend: str, family: str) -> dict[str, Any]:
    """The oracle's step, as the backend's layer map lays the weights out."""
    return parity.reference_step(case(family), parity.layer_table(backend, False, case(family)))


def trained(backend: str, family: str) -> tuple[list[float], parity.Case]:
    """The oracle's losses over STEPS steps, and the case with its weights after them."""
    c = case(family)
    losses, params = parity.reference_training(c, STEPS, parity.layer_table(backend, False, c))
    return losses, parity.Case(**{**c.__dict__, "params": {k: v.astype(np.float32)
                                                           for k, v in params.items()}})


@pytest.fixture(scope="module")
def observed():
    """observed(backend, family) -> the backend's step, trajectory and greedy text, from one
    model and one compiled step (built on first use, kept for the module)."""
    cache: dict[tuple[str, str], dict[str, Any]] = {}

    def get(backend: str, family: str) -> dict[str, Any]:
        if (backend, family) not in cache:
            c = case(family)
            built = parity.build(backend, c)
            out = {"step": parity.backend_step(backend, c, built=built),
                   "losses": parity.trajectory(backend, c, STEPS, built=built)}
            if family != BI:  # a bidirectional model sees the future: no continuation
                out["text"] = parity.greedy(backend, trained(backend, family)[1], built=built)
            cache[(backend, family)] = out
        return cache[(backend, family)]
    return get


each_family = pytest.mark.parametrize("family", FAMILIES)


# ----- parity
@each_family
def test_one_step_equals_the_oracle(backend, family, observed):
    devs = parity.assert_step_matches(f"{backend} {family}", observed(backend, family)["step"],
                                      reference(backend, family))
    assert max(r for _, r in devs.values()) < parity.STEP_RTOL


@each_family
def test_clipping_is_checked(backend, family, observed):
    """The comparison fails when the oracle skips clipping (the case clips at half the
    gradient norm)."""
    c = case(family)
    unclipped = parity.reference_step(parity.Case(**{**c.__dict__, "clip": 0.0}),
                                      parity.layer_table(backend, False, c))
    got = observed(backend, family)["step"]
    assert parity.deviation(got["clipped"], unclipped["clipped"])[1] > 100 * parity.STEP_RTOL


@each_family
def test_trajectory_and_greedy_text(backend, family, observed):
    got = observed(backend, family)
    want, after = trained(backend, family)
    assert max(abs(a - r) / r for a, r in zip(got["losses"], want, strict=True)) \
        < parity.TRAJECTORY_RTOL
    if family == BI:
        with pytest.raises(ValueError, match="sees the future"):
            after.ref.predict(after.params, "it has", 20, NumpyTimeMachine(1, 1).vocab)
        return
    assert got["text"] == after.ref.predict(after.params, "it has", 20,
                                            NumpyTimeMachine(1, 1).vocab)


# ----- faults injected into the oracle: each must make the comparison fail
def assert_fault_shows(got: dict[str, Any], backend: str, family: str) -> None:
    """The backend's step ``got`` against the (faulty) oracle's: the comparison must fail,
    and the logits alone be off by far more than the tolerance."""
    want = reference(backend, family)
    assert parity.deviation(got["logits"], want["logits"])[1] > 10 * parity.STEP_RTOL
    with pytest.raises(AssertionError, match="differs from the NumPy reference"):
        parity.assert_step_matches(f"{backend} {family}", got, want)


def swapped_gates(kind: str, a: str, b: str) -> ref_cells.Cell:
    """The oracle's cell ``kind`` with gates ``a`` and ``b`` exchanged (W_x<a> used where
    W_x<b> belongs, and so on for W_h and b): a layer map that sliced them the wrong way."""
    cell = ref_cells.get(kind)
    letters = {a: b, b: a}

    def rename(P: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for k, v in P.items():
            head, _, gate = k.rpartition("_")
            if len(gate) == 2 and head == "W" and gate[1] in letters:   # W_x<g>, W_h<g>
                k = f"W_{gate[0]}{letters[gate[1]]}"
            elif head == "b" and gate in letters:                        # b_<g>
                k = f"b_{letters[gate]}"
            out[k] = v
        return out

    return ref_cells.Cell(kind, lambda P, X, state: cell.forward(rename(P), X, state),
                          lambda cache, d: (lambda dX, dS, g: (dX, dS, rename(g)))(
                              *cell.backward(cache, d)))


def stack_on_raw_inputs(cell: Any, params: Any, inputs: np.ndarray, num_layers: int = 1,
                        bidirectional: bool = False, state: Any = None, prefix: str = ""
                        ) -> tuple[np.ndarray, list[Any], Any]:
    """``recurrent.stack`` with every layer reading the model's inputs instead of the outputs
    of the layer below."""
    assert not bidirectional
    X, states, caches = inputs, [], []
    for l in range(num_layers):
        X, s, c = recurrent.unroll(cell, params, inputs, None if state is None else state[l],
                                   prefix=prefix + recurrent.layer_prefix(l, num_layers))
        states.append(s)
        caches.append(c)
    return X, states, (caches, False)


def birnn_unreversed(cell: Any, params: Any, inputs: np.ndarray, state: Any = None,
                     prefix: str = "") -> tuple[np.ndarray, Any, Any]:
    """``recurrent.birnn`` with the backward direction run forwards in time."""
    f_state, b_state = (None, None) if state is None else state
    outs, states, caches = [], [], []
    for direction, s in zip(recurrent.DIRECTIONS, (f_state, b_state), strict=True):
        out, s, c = recurrent.unroll(cell, params, inputs, s, False, prefix + direction)
        outs.append(out)
        states.append(s)
        caches.append(c)
    return np.concatenate(outs, axis=-1), tuple(states), tuple(caches)


@each_family
def test_fault_swapped_gates_is_caught(backend, family, observed, monkeypatch):
    """LSTM: input and forget gate exchanged; GRU: reset and update gate exchanged."""
    kind, a, b = SWAPS[family]
    got = observed(backend, family)["step"]  # the backend's step, before the oracle is broken
    monkeypatch.setitem(ref_cells.CELLS, kind, swapped_gates(kind, a, b))
    assert_fault_shows(got, backend, family)


def test_fault_deep_layer1_reads_raw_inputs_is_caught(backend, observed, monkeypatch):
    got = observed(backend, DEEP)["step"]
    monkeypatch.setattr(recurrent, "stack", stack_on_raw_inputs)
    assert_fault_shows(got, backend, DEEP)


def test_fault_bidirectional_backward_not_reversed_is_caught(backend, observed, monkeypatch):
    got = observed(backend, BI)["step"]
    monkeypatch.setattr(recurrent, "birnn", birnn_unreversed)
    assert_fault_shows(got, backend, BI)

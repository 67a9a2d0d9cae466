"""The reader's own from-scratch models of the chapter "Modern Recurrent Neural Networks" (current
edition) against the NumPy oracle on all four backends:

    gru-lm-scratch       GRUScratch          (section gru)       oracle LM('gru'): reset before
    lstm-lm-scratch      LSTMScratch         (section lstm)      oracle LM('lstm')
    rnn-lm-deep-scratch  StackedRNNScratch   (section deep-rnn)  oracle LM('rnn', 2)
    rnn-lm-bi-scratch    BiRNNScratch        (section bi-rnn)    oracle LM('rnn', 1, True)

d2lrnn ships none of these classes: the book's reader defines them. Each test takes the class
from the section's transcribed cells (tests/book/modern/<section>_<tab>.py): the import cell,
the class cell and its ``@d2l.add_to_class`` cell run in a fresh module as the reader runs
them. The model is what the sections build, ``d2l.RNNLMScratch(cls(num_inputs=V,
num_hiddens=H, ...), vocab_size=V)`` (the family's builder), loaded with the case's canonical
float32 weights: the book names them as the oracle does, but for StackedRNNScratch's layers
(``rnns.<l>.`` for the oracle's ``l<l>.``; ``scratch_lm.book_names``).

The weights go in and read back exactly; one training step (logits, loss, gradients, clipped
gradients, parameters after SGD) and a short trajectory equal the oracle's; the greedy text of
the unidirectional models equals the oracle's. Then faults injected into the oracle (GRU
reset/update gates swapped, the GRU's reset applied after the product as the frameworks' layers
do, LSTM input/forget gates swapped, layer 1 reading the raw inputs, the backward direction not
reversed), each of which must make the same comparison fail. Each backend builds each model once
(``observed``); the faults reuse its step.

The JAX tab's BiRNNScratch: the book's cell cannot be built (its ``setup`` reads undefined names
and doubles a frozen field); the transcription mends ``setup`` and drops the doubling
(tests/book/modern/transcribe.py, FIXES). Without ``num_hiddens *= 2``, RNNLMScratch sizes its
head W_hq for H features where the model gives 2H, and the first batch fails
(``test_jax_birnn_without_the_doubling_cannot_train``); the parity checks on JAX give the
reader's class the doubled output width the other tabs give it (``doubled``). The TensorFlow
tab's BiRNNScratch cannot be traced by tf.function (``reversed`` of a symbolic tensor): it trains
eagerly, with the Trainer's warning, and computes the same.
"""

from __future__ import annotations

import contextlib
import functools
import re
import sys
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from test_modern_parity import birnn_unreversed, stack_on_raw_inputs, swapped_gates

from d2lrnn import load_backend, parity
from d2lrnn.core import TimeMachine as NumpyTimeMachine
from d2lrnn.core import models as families
from d2lrnn.core.models import scratch_lm
from d2lrnn.core.reference import cells as ref_cells
from d2lrnn.core.reference import recurrent

# the book's MXNet StackedRNNScratch keeps its layers in a plain list, which Gluon warns about
# (d2lrnn reads the list's arrays all the same)
pytestmark = pytest.mark.filterwarnings(
    "ignore:\"StackedRNNScratch.rnns\" is an unregistered container:UserWarning")

MODERN = Path(__file__).parent / "book" / "modern"
TABS = {"torch": "pytorch", "mxnet": "mxnet", "tensorflow": "tensorflow", "jax": "jax"}
STEPS = 5  # the trajectory's training steps
PREFIX, NUM_PREDS = "it has", 10  # the greedy text


@dataclass(frozen=True)
class Model:
    family: str
    section: str  # the transcription's file: tests/book/modern/<section>_<tab>.py
    #: num_hiddens: the deep model's equals the vocabulary size (28), so that the fault "layer
    #: 1 reads the raw one-hot inputs" has the shapes of the real thing
    num_hiddens: int = 8

    @property
    def class_name(self) -> str:
        """The reader's name for the class (GRUScratch, ...)."""
        return scratch_lm.READER_CLASSES[self.family]


GRU, LSTM, DEEP, BI = "gru", "lstm", "deep", "bi"
MODELS = {GRU: Model(families.GRU_LM_SCRATCH.name, "gru"),
          LSTM: Model(families.LSTM_LM_SCRATCH.name, "lstm"),
          DEEP: Model(families.RNN_LM_DEEP_SCRATCH.name, "deep_rnn", num_hiddens=28),
          BI: Model(families.RNN_LM_BI_SCRATCH.name, "bi_rnn")}


def test_a_reader_family_is_built_from_the_readers_class():
    with pytest.raises(ValueError, match=r"reader's GRUScratch.*hparams\['rnn_class'\]"):
        families.GRU_LM_SCRATCH.build(None, 28, {"num_hiddens": 8})
    assert scratch_lm.READER_CLASSES == {m.family: name for m, name in zip(
        MODELS.values(), ("GRUScratch", "LSTMScratch", "StackedRNNScratch", "BiRNNScratch"),
        strict=True)}


# ----- the reader's class, from the book's cells
SEPARATOR = "\n# %%\n"


def book_cells(backend: str, section: str) -> tuple[Path, list[tuple[int, str]]]:
    """The transcription's path and its parts in order, each (its first line's number - 1,
    its code): the head (``_show``), then the cells."""
    path = MODERN / f"{section}_{TABS[backend]}.py"
    parts, line = [], 0
    for code in path.read_text().split(SEPARATOR):
        parts.append((line, code))
        line += code.count("\n") + SEPARATOR.count("\n")
    return path, parts


@functools.cache
def reader_class(backend: str, section: str, name: str) -> type:
    """The class ``name`` as the reader defines it on ``backend``: the section's import cell,
    the cell ``class <name>(...)`` and its ``@d2l.add_to_class(<name>)`` cell, executed in
    order in one fresh module, as a notebook runs them (the training cells are not run).
    Tracebacks name the transcription's own lines."""
    path, (head, imports, *cells) = book_cells(backend, section)
    assert f"from d2lrnn import {backend} as d2l" in imports[1], path
    defining = [(line, code) for line, code in cells
                if re.match(rf"(class {name}\(|@d2l\.add_to_class\({name}\))", code)]
    assert [code.split("\n", 1)[0] for _, code in defining] == [
        f"class {name}(d2l.Module):", f"@d2l.add_to_class({name})"], path
    # a module of its own (Flax's dataclasses look the class's module up in sys.modules)
    module = types.ModuleType(f"book_modern_{section}_{backend}", f"cells of {path.name}")
    module.__file__ = str(path)
    sys.modules[module.__name__] = module
    for line, code in (head, imports, *defining):
        exec(compile("\n" * line + code, str(path), "exec"), module.__dict__)
    return getattr(module, name)


def doubled(cls: type) -> Any:
    """JAX's BiRNNScratch as the other tabs build it: ``doubled(cls)(num_inputs, num_hiddens)``
    is the reader's ``cls(num_inputs, num_hiddens)`` (its setup and forward unchanged) inside a
    module whose ``num_hiddens``, what RNNLMScratch sizes its head by, is the output width 2H:
    the book's ``self.num_hiddens *= 2``, which a Flax field cannot take."""
    from flax import linen as nn

    class Doubled(nn.Module):
        num_inputs: int
        num_hiddens: int  # the output width: twice the reader's
        sigma: float = 0.01

        def setup(self) -> None:
            self.inner = cls(self.num_inputs, self.num_hiddens // 2, self.sigma)

        def __call__(self, inputs: Any, Hs: Any = None) -> Any:
            return self.inner(inputs, Hs)

    return lambda num_inputs, num_hiddens, sigma=0.01: Doubled(num_inputs, 2 * num_hiddens,
                                                               sigma)


# ----- the models, built once per backend and family
@functools.cache
def case(key: str) -> parity.Case:
    return parity.make_case(seed=0, batch_size=8, num_steps=6,
                            num_hiddens=MODELS[key].num_hiddens, family=MODELS[key].family)


class BookNamed:
    """A Trainer of a reader's model that reads and writes the parameters (and gradients) under
    the oracle's names: ``parity``'s step, trajectory and greedy text run through it."""

    def __init__(self, trainer: Any) -> None:
        object.__setattr__(self, "trainer", trainer)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.trainer, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self.trainer, name, value)  # train_batch_idx, stepped by parity.trajectory

    def set_params(self, params: dict[str, Any]) -> None:
        self.trainer.set_params(scratch_lm.book_names(params))

    def get_params(self) -> dict[str, Any]:
        return scratch_lm.oracle_names(self.trainer.get_params())

    def probe(self, batch: Any) -> dict[str, Any]:
        out = self.trainer.probe(batch)
        return {**out, "grads": scratch_lm.oracle_names(out["grads"]),
                "clipped": scratch_lm.oracle_names(out["clipped"])}


def rnn_class(backend: str, key: str) -> Any:
    m = MODELS[key]
    cls = reader_class(backend, m.section, m.class_name)
    return doubled(cls) if (backend, key) == ("jax", BI) else cls


def build(backend: str, key: str) -> parity.Built:
    """``parity.build`` for the reader's model: data, model and trainer (under the oracle's
    names), set up and given the case's weights."""
    c, m = case(key), MODELS[key]
    d2l = load_backend(backend)
    d2l.seed(c.seed)
    data = d2l.TimeMachine(batch_size=c.batch_size, num_steps=c.num_steps, seed=c.seed)
    model = families.get(m.family).build(d2l, len(data.vocab), {
        "num_hiddens": c.num_hiddens, "lr": c.lr, "rnn_class": rnn_class(backend, key)})
    model.board.display = False
    trainer = d2l.Trainer(max_epochs=1, gradient_clip_val=c.clip)
    trainer.setup(model, data)
    named = BookNamed(trainer)
    named.set_params(c.params)
    return d2l, data, model, named


@functools.cache
def text_case(key: str) -> parity.Case:
    """The weights the greedy text is read from: N(0, 1) (seed 3), with which every model's
    continuation of 'it has' varies (after a few steps of training, or at sigma 0.1, they
    continue with spaces, which would not tell a state passed on wrongly from a right one)."""
    return parity.make_case(seed=3, batch_size=8, num_steps=6,
                            num_hiddens=MODELS[key].num_hiddens, family=MODELS[key].family,
                            sigma=1.0)


@pytest.fixture(scope="module")
def observed():
    """observed(backend, key) -> the backend's step, trajectory and greedy text, from one
    model (built on first use, kept for the module)."""
    cache: dict[tuple[str, str], dict[str, Any]] = {}

    def get(backend: str, key: str) -> dict[str, Any]:
        if (backend, key) not in cache:
            c, built = case(key), build(backend, key)
            out = {"params": built[3].get_params()}
            # TensorFlow cannot trace the reader's BiRNNScratch.forward: reversed(inputs) takes
            # len() of a symbolic tensor; the Trainer says so and trains it eagerly
            with (pytest.warns(RuntimeWarning, match="could not be compiled with tf.function")
                  if (backend, key) == ("tensorflow", BI) else contextlib.nullcontext()):
                out["step"] = parity.backend_step(backend, c, built=built)
            out["losses"] = parity.trajectory(backend, c, STEPS, built=built)
            if key != BI:  # a bidirectional model sees the future: no continuation
                out["text"] = parity.greedy(backend, text_case(key), PREFIX, NUM_PREDS,
                                            built=built)
            cache[(backend, key)] = out
        return cache[(backend, key)]
    return get


each_model = pytest.mark.parametrize("key", list(MODELS))


# ----- parity
@each_model
def test_the_reader_model_takes_the_canonical_weights(backend, key, observed):
    """The book names the parameters as the oracle does (StackedRNNScratch's layers aside),
    with the same shapes: every weight goes in and reads back exactly."""
    got, want = observed(backend, key)["params"], case(key).params
    assert sorted(got) == sorted(want)
    for k, v in want.items():
        np.testing.assert_array_equal(np.asarray(got[k]), v, err_msg=k)


@each_model
def test_one_step_equals_the_oracle(backend, key, observed):
    devs = parity.assert_step_matches(f"{backend} {MODELS[key].family}",
                                      observed(backend, key)["step"],
                                      parity.reference_step(case(key)))
    assert max(r for _, r in devs.values()) < parity.STEP_RTOL


@each_model
def test_clipping_is_checked(backend, key, observed):
    """The comparison fails when the oracle skips clipping (the case clips at half the
    gradient norm)."""
    unclipped = parity.reference_step(parity.Case(**{**case(key).__dict__, "clip": 0.0}))
    got = observed(backend, key)["step"]
    assert parity.deviation(got["clipped"], unclipped["clipped"])[1] > 100 * parity.STEP_RTOL


@each_model
def test_trajectory(backend, key, observed):
    """STEPS training steps over the case's seeded batch order, each loss the oracle's."""
    want, _ = parity.reference_training(case(key), STEPS)
    got = observed(backend, key)["losses"]
    assert max(abs(a - r) / r for a, r in zip(got, want, strict=True)) < parity.TRAJECTORY_RTOL


@pytest.mark.parametrize("key", [GRU, LSTM, DEEP])
def test_greedy_text(backend, key, observed):
    """The reader's model continues 'it has' as the oracle does: the state (H; (H, C); one per
    layer) carried from step to step through the reader's forward."""
    c = text_case(key)
    want = c.ref.predict(c.params, PREFIX, NUM_PREDS, NumpyTimeMachine(1, 1).vocab)
    assert len(set(want[len(PREFIX):])) > 3  # a text that varies
    assert observed(backend, key)["text"] == want


def test_a_bidirectional_model_has_no_greedy_text():
    c = text_case(BI)
    with pytest.raises(ValueError, match="sees the future"):
        c.ref.predict(c.params, PREFIX, NUM_PREDS, NumpyTimeMachine(1, 1).vocab)


# ----- faults injected into the oracle: each must make the comparison fail
def assert_fault_shows(got: dict[str, Any], backend: str, key: str) -> None:
    """The backend's step ``got`` against the (faulty) oracle's: the comparison must fail,
    and the logits alone be off by far more than the tolerance."""
    want = parity.reference_step(case(key))
    assert parity.deviation(got["logits"], want["logits"])[1] > 10 * parity.STEP_RTOL
    with pytest.raises(AssertionError, match="differs from the NumPy reference"):
        parity.assert_step_matches(f"{backend} {MODELS[key].family}", got, want)


def reset_after() -> ref_cells.Cell:
    """The oracle's 'gru' computed as the frameworks' GRU layers compute it, the reset applied
    after the product (H~ = tanh(X W_xh + b_h + R * (H W_hh))), with b_hh = 0."""
    def forward(P: dict[str, Any], X: np.ndarray, H: np.ndarray) -> Any:
        return ref_cells.gru_reset_after_forward({**P, "b_hh": np.zeros(H.shape[1])}, X, H)
    return ref_cells.Cell("gru", forward, ref_cells.gru_backward)


@pytest.mark.parametrize(("key", "kind", "a", "b"), [(GRU, "gru", "r", "z"),
                                                     (LSTM, "lstm", "i", "f")])
def test_fault_swapped_gates_is_caught(backend, key, kind, a, b, observed, monkeypatch):
    """GRU: reset and update gate exchanged; LSTM: input and forget gate exchanged."""
    got = observed(backend, key)["step"]  # the backend's step, before the oracle is broken
    monkeypatch.setitem(ref_cells.CELLS, kind, swapped_gates(kind, a, b))
    assert_fault_shows(got, backend, key)


def test_fault_gru_reset_after_is_caught(backend, observed, monkeypatch):
    """The book's GRUScratch resets before the product: the frameworks' form (the concise
    models' oracle) must not pass for it."""
    got = observed(backend, GRU)["step"]
    monkeypatch.setitem(ref_cells.CELLS, "gru", reset_after())
    assert_fault_shows(got, backend, GRU)


def test_fault_deep_layer1_reads_raw_inputs_is_caught(backend, observed, monkeypatch):
    got = observed(backend, DEEP)["step"]
    monkeypatch.setattr(recurrent, "stack", stack_on_raw_inputs)
    assert_fault_shows(got, backend, DEEP)


def test_fault_bidirectional_backward_not_reversed_is_caught(backend, observed, monkeypatch):
    got = observed(backend, BI)["step"]
    monkeypatch.setattr(recurrent, "birnn", birnn_unreversed)
    assert_fault_shows(got, backend, BI)


# ----- the JAX tab's BiRNNScratch, as transcribed
def test_jax_birnn_without_the_doubling_cannot_train():
    """The transcription's JAX BiRNNScratch (the book's bug mended, the doubling dropped) under
    RNNLMScratch: the head reads H features where the model gives 2H. If this starts to pass,
    drop ``doubled``."""
    pytest.importorskip("jax")
    d2l = load_backend("jax")
    cls = reader_class("jax", MODELS[BI].section, MODELS[BI].class_name)
    model = families.get(MODELS[BI].family).build(d2l, 28, {"num_hiddens": 8,
                                                             "rnn_class": cls})
    assert model.rnn.num_hiddens == 8
    with pytest.raises(TypeError, match=r"contracting dimensions .* \(16,\) and \(8,\)"):
        model.init(d2l.get_key(), np.zeros((2, 3), np.int32))

"""What the seq2seq parity tests (tests/test_seq2seq_torch_mxnet.py, tests/test_seq2seq_tf_jax.py)
share: the case (the oracle's weights and an MTFraEng-like batch), the oracle's answer, the
parity assertions, and the faults injected into the oracle to show that those assertions can
fail. Each backend file builds its model once (a module-scoped fixture), compares its answer with
the oracle's (the parity test), then with each faulty oracle's (one test per fault): a fault the
comparison did not reject would mean the parity test could not fail there.

The faults (subclasses of the oracle, d2lrnn/core/reference/seq2seq.py; the library is never
changed), and the parts of the answer each must make deviate beyond the parity tolerances:

    UnmaskedLoss           the plain mean over every position, padding included  loss, grads
    SummedLoss             the masked loss summed instead of averaged            loss, grads
    WrongContext("layer")  the context from the encoder's first layer's final
                           state instead of its last layer's                     all three
    WrongContext("step")   the context from the encoder's output at time step 0
                           instead of its final one                              all three
    TeacherForcedPredict   greedy decoding fed the ground truth instead of its
                           own previous prediction                               preds

This file's own tests are the oracle's alone (NumPy, no framework)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from d2lrnn.core.reference import losses
from d2lrnn.core.reference.seq2seq import Seq2Seq as Oracle

V_SRC, V_TGT, E, H, L = 11, 13, 8, 16, 2
B, T_SRC, T_TGT, NUM_STEPS = 4, 6, 7, 5  # each decoding step costs JAX two compiles
PAD, BOS, EOS = 1, 2, 3
CELL = "gru-reset-after"  # d2l.GRU: the frameworks' GRU layers
ORACLE = Oracle(CELL, num_layers=L)
LOSS_RTOL, GRAD_RTOL, GRAD_ATOL = 1e-5, 1e-4, 1e-6
PARTS = frozenset({"loss", "grads", "preds"})


@functools.cache
def case(seed: int = 0) -> tuple[dict[str, np.ndarray], tuple[np.ndarray, ...]]:
    """Oracle weights (float32 values) and an MTFraEng-like batch: (src, tgt_in,
    src_valid_len, label), int32, label padded at the end of each row (rows of 7, 5, 2 and 4
    tokens, <eos> last: 10 of the 28 labels are padding). Cached: treat it as read-only."""
    rng = np.random.default_rng(seed)
    params = {k: (rng.standard_normal(s) * 0.4).astype(np.float32)
              for k, s in ORACLE.shapes(V_SRC, V_TGT, E, H).items()}
    src = rng.integers(4, V_SRC, (B, T_SRC))
    src_valid_len = np.array([6, 4, 3, 5])
    for b, n in enumerate(src_valid_len):
        src[b, n:] = PAD
    label = rng.integers(4, V_TGT, (B, T_TGT))
    for b, n in enumerate([7, 5, 2, 4]):
        label[b, n - 1] = EOS
        label[b, n:] = PAD
    tgt_in = np.concatenate([np.full((B, 1), BOS), label[:, :-1]], axis=1)
    return params, tuple(a.astype(np.int32) for a in (src, tgt_in, src_valid_len, label))


@dataclass(frozen=True)
class Answer:
    """What the parity test compares: the masked loss, the gradients of every parameter under
    the oracle's names, and the greedy translation of each source sentence (a backend's:
    (B, NUM_STEPS) token ids, not cut; the oracle's: lists cut before the first <eos>)."""

    loss: float
    grads: dict[str, np.ndarray]
    preds: Any


def expect(oracle: Oracle = ORACLE) -> Answer:
    """``oracle``'s answer on the case."""
    params, (src, tgt_in, _, label) = case()
    loss, grads = oracle.loss_and_grads(params, src, tgt_in, label, PAD)
    return Answer(loss, grads, oracle.predict(params, src, BOS, EOS, NUM_STEPS))


@functools.cache
def expected(fault: str | None = None) -> Answer:
    """The oracle's answer on the case, with ``fault`` injected (a name of FAULTS) or none;
    computed once (every backend's tests compare with it): treat it as read-only."""
    return expect(ORACLE if fault is None else faulty(fault))


def cut(row: np.ndarray) -> list[int]:
    """The tokens before the first <eos>, as the book's cell prints them."""
    out = []
    for t in row.tolist():
        if t == EOS:
            break
        out.append(int(t))
    return out


# -- the parity assertions ------------------------------------------------------------------
def check_loss(got: Answer, want: Answer) -> None:
    assert got.loss == pytest.approx(want.loss, rel=LOSS_RTOL), "loss"


def check_grads(got: Answer, want: Answer) -> None:
    assert sorted(got.grads) == sorted(want.grads)
    for name, g in want.grads.items():
        np.testing.assert_allclose(got.grads[name], g, rtol=GRAD_RTOL, atol=GRAD_ATOL,
                                   err_msg=name)


def check_preds(got: Answer, want: Answer) -> None:
    assert np.shape(got.preds) == (B, NUM_STEPS)
    assert [cut(row) for row in got.preds] == want.preds, "greedy translation"


CHECKS = {"loss": check_loss, "grads": check_grads, "preds": check_preds}


def assert_matches(got: Answer, want: Answer) -> None:
    """The parity test: a backend's answer is the oracle's, part by part."""
    for check in CHECKS.values():
        check(got, want)


def deviations(got: Answer, want: Answer) -> set[str]:
    """The parts of ``got`` that assert_matches rejects against ``want``."""
    out = set()
    for part, check in CHECKS.items():
        try:
            check(got, want)
        except AssertionError:
            out.add(part)
    return out


# -- faults injected into the oracle --------------------------------------------------------
@dataclass(frozen=True)
class UnmaskedLoss(Oracle):
    """The loss not masked: the plain mean of the per-token losses over all B*T positions,
    the <pad> labels included, and its gradient."""

    def loss_and_grads(self, params, src, tgt_in, Y, pad):
        logits, cache = self.forward(params, src, tgt_in)
        value, d_logits = losses.cross_entropy(logits, Y)
        return value, self.backward(params, cache, d_logits)


@dataclass(frozen=True)
class SummedLoss(Oracle):
    """``mean`` changed to ``sum`` in the masked loss: sum(l * mask), not divided by
    sum(mask), and its gradient."""

    def loss_and_grads(self, params, src, tgt_in, Y, pad):
        logits, cache = self.forward(params, src, tgt_in)
        value, d_logits = losses.masked_cross_entropy(logits, Y, pad)
        count = float((np.asarray(Y) != pad).sum())
        return value * count, self.backward(params, cache, d_logits * count)


@dataclass(frozen=True)
class WrongContext(Oracle):
    """The decoder's context (in training and in decoding) taken from the wrong encoder state:
    ``"layer"``, the first layer's final state (the right one is the last layer's); ``"step"``,
    the top layer's output at time step 0 (the right one is at the last step). The oracle's
    backward still sends the context's gradient to the last step's top output, so its
    gradients are not quite those of this loss: they deviate either way."""

    source: str = "layer"

    def context(self, outputs: np.ndarray, states: list[Any]) -> np.ndarray:
        return {"layer": lambda: states[0], "step": lambda: outputs[0]}[self.source]()

    def forward(self, params, src, tgt_in):
        outputs, states, enc_cache = self.encode(params, src)
        logits, _, dec_cache = self.decode(params, tgt_in, self.context(outputs, states),
                                           states)
        return logits, (outputs.shape, enc_cache, dec_cache)

    def predict(self, params, src, bos, eos, num_steps):
        outputs, states, _ = self.encode(params, src)
        return _greedy(self, params, self.context(outputs, states), states, bos, eos,
                       num_steps, len(src))


@dataclass(frozen=True)
class TeacherForcedPredict(Oracle):
    """Greedy decoding with teacher forcing left on: step t is fed the ground truth
    ``truth[:, t]`` (the decoder's input in training: <bos>, then the labels) instead of the
    previous step's prediction; after the last ground-truth token, its own prediction."""

    truth: tuple[tuple[int, ...], ...] = ()

    def predict(self, params, src, bos, eos, num_steps):
        outputs, states, _ = self.encode(params, src)
        return _greedy(self, params, outputs[-1], states, bos, eos, num_steps, len(src),
                       np.array(self.truth, dtype=int).reshape(len(src), -1))


def _greedy(oracle: Oracle, params, context, states, bos, eos, num_steps, batch_size,
            truth: np.ndarray | None = None) -> list[list[int]]:
    """The oracle's greedy decoding (decoding.greedy_seq2seq) with the context given, each step
    fed ``truth[:, t]`` where ``truth`` has a column t, else the previous prediction."""
    out: list[list[int]] = [[] for _ in range(batch_size)]
    done = np.zeros(batch_size, dtype=bool)
    tokens = np.full(batch_size, bos)
    for t in range(num_steps):
        if truth is not None and t < truth.shape[1]:
            tokens = truth[:, t]
        logits, states, _ = oracle.decode(params, tokens[:, None], context, states)
        tokens = logits[:, 0].argmax(axis=-1)
        for b in np.flatnonzero(~done):
            if tokens[b] == eos:
                done[b] = True
            else:
                out[b].append(int(tokens[b]))
        if done.all():
            break
    return out


def faulty(fault: str) -> Oracle:
    """The oracle with ``fault`` injected (the names of FAULTS)."""
    _, (_, tgt_in, _, _) = case()
    return {"unmasked loss": lambda: UnmaskedLoss(CELL, L),
            "summed loss": lambda: SummedLoss(CELL, L),
            "context from the first layer": lambda: WrongContext(CELL, L, "layer"),
            "context from time step 0": lambda: WrongContext(CELL, L, "step"),
            "teacher forcing in predict": lambda: TeacherForcedPredict(
                CELL, L, tuple(map(tuple, tgt_in.tolist())))}[fault]()


#: each fault, and the parts of the answer it must make deviate (no fewer, no more)
FAULTS = {"unmasked loss": {"loss", "grads"},
          "summed loss": {"loss", "grads"},
          "context from the first layer": set(PARTS),
          "context from time step 0": set(PARTS),
          "teacher forcing in predict": {"preds"}}


# -- the oracle's own tests ------------------------------------------------------------------
def test_masked_loss_ignores_padding():
    """Padding positions change nothing: a label of pads after its first 3 tokens gives the
    mean over those of them that are not padding (the oracle's loss is the book's)."""
    params, (src, tgt_in, _, label) = case()
    short = label.copy()
    short[:, 3:] = PAD
    logits = ORACLE.forward(params, src, tgt_in)[0]
    logp = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    picked = -np.take_along_axis(logp[:, :3], short[:, :3, None], -1)[..., 0]
    keep = short[:, :3] != PAD  # a short row has padding already among its first tokens
    assert 0 < keep.sum() < keep.size
    assert ORACLE.loss(params, src, tgt_in, short, PAD) == pytest.approx(picked[keep].mean())


def test_the_case_can_tell_the_faults_apart():
    """The faults' premises hold in the case: labels with padding, greedy translations of more
    than one token, decoding fed its own predictions differs from the ground truth, the
    encoder's layers and steps end in different states. And the faulty oracles written here
    change nothing but their fault: with no fault, WrongContext's and TeacherForcedPredict's
    rewritten forward and decoding give the oracle's answer."""
    params, (src, tgt_in, _, label) = case()
    assert 0 < (label == PAD).sum() < label.size
    want = expected()
    assert all(len(p) >= 2 for p in want.preds), want.preds
    truth = [cut(row) for row in label]  # what teacher forcing feeds after <bos>
    assert any(p[:len(y)] != y[:len(p)] for p, y in zip(want.preds, truth, strict=True))
    outputs, states, _ = ORACLE.encode(params, src)
    assert not np.allclose(states[0], states[-1])
    assert not np.allclose(outputs[0], outputs[-1])

    class RightContext(WrongContext):
        def context(self, outputs, states):
            return outputs[-1]

    for oracle in (RightContext(CELL, L), TeacherForcedPredict(CELL, L)):
        got = expect(oracle)
        got = Answer(got.loss, got.grads,  # as a backend gives them: (B, NUM_STEPS), uncut
                     np.array([p + [EOS] * (NUM_STEPS - len(p)) for p in got.preds]))
        assert deviations(got, want) == set(), type(oracle).__name__

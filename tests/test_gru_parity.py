"""The modern chapter's GRU language model (d2l.RNNLM over the saved d2l.GRU, each framework's
own GRU layer) against the NumPy oracle's reset-after GRU LM, through each backend's layer map
for the family: one training step (logits, loss, gradients, clipped gradients, parameters),
a short trajectory, and the greedy text from the same weights."""

from __future__ import annotations

import numpy as np
import pytest

from d2lrnn import parity
from d2lrnn.core import TimeMachine as NumpyTimeMachine

FAMILY = "gru-lm-concise"


@pytest.fixture(scope="module")
def case():
    return parity.make_case(seed=0, batch_size=64, num_steps=8, num_hiddens=16, family=FAMILY)


def test_one_step_equals_the_oracle(backend, case):
    devs = parity.assert_step_parity(backend, case)
    assert max(r for _, r in devs.values()) < parity.STEP_RTOL


def test_clipping_is_checked(backend, case):
    """The same comparison fails when the reference skips clipping (the case clips at half the
    gradient norm): a check that could not fail would prove nothing."""
    got = parity.backend_step(backend, case)
    unclipped = parity.reference_step(parity.Case(**{**case.__dict__, "clip": 0.0}),
                                      parity.layer_table(backend, False, case))
    assert parity.deviation(got["clipped"], unclipped["clipped"])[1] > 100 * parity.STEP_RTOL


def test_trajectory_and_greedy_text(backend, case):
    steps = 10
    got = parity.trajectory(backend, case, steps=steps)
    want, trained = parity.reference_training(case, steps,
                                              parity.layer_table(backend, False, case))
    assert max(abs(a - r) / r for a, r in zip(got, want, strict=True)) < parity.TRAJECTORY_RTOL
    after = parity.Case(**{**case.__dict__,
                           "params": {k: v.astype(np.float32) for k, v in trained.items()}})
    text = case.ref.predict(after.params, "it has", 20, NumpyTimeMachine(1, 1).vocab)
    assert parity.greedy(backend, after) == text

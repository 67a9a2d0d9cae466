"""Shared fixtures. Every backend test runs on all four backends; none is skipped: a backend
that does not import is a failure, not a skip."""

from __future__ import annotations

import importlib
import os

import pytest

from d2lrnn import BACKENDS

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def d2l(backend: str):
    return importlib.import_module(f"d2lrnn.{backend}")


def build_lm(d2l, batch_size: int = 64, num_steps: int = 8, num_hiddens: int = 16,
             lr: float = 1.0, **data_kwargs):
    """A small Time Machine LM on any backend (data, model)."""
    data = d2l.TimeMachine(batch_size=batch_size, num_steps=num_steps, **data_kwargs)
    rnn = d2l.RNNScratch(num_inputs=len(data.vocab), num_hiddens=num_hiddens)
    model = d2l.RNNLMScratch(rnn, vocab_size=len(data.vocab), lr=lr)
    return data, model


@pytest.fixture
def hooks(backend: str):
    """What a test does differently on this framework (tests/backend_hooks/<backend>.py)."""
    return importlib.import_module(f"backend_hooks.{backend}")

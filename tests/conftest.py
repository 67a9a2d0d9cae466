"""Shared fixtures. Every backend test runs on all four backends; none is skipped: a backend
that does not import is a failure, not a skip."""

from __future__ import annotations

import importlib
import os

import pytest

from d2lrnn import BACKENDS

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# The suite runs on shared CI machines: torch trains with one thread there (the setting for a
# machine shared with other work; d2lrnn's default is torch's own count, which
# tests/test_torch_threads.py checks with the variable unset). Set it to 0 to test with that.
os.environ.setdefault("D2LRNN_TORCH_THREADS", "1")

# `./dev test-pythons` runs on Pythons where only some frameworks install without a multi-GB
# download; it names them here (and deselects the torch-only tests with -k). Unset: all four.
TESTED = tuple(os.environ.get("D2LRNN_TEST_BACKENDS", ",".join(BACKENDS)).split(","))


def pytest_report_header(config: pytest.Config) -> str:
    return f"d2lrnn backends under test: {', '.join(TESTED)}"


@pytest.fixture(params=TESTED)
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


def load_by_path(name: str, path: os.PathLike):
    """Import the file at `path` as module `name`: two helper scripts share a file name
    (tests/book/{classic,modern}/transcribe.py), so `import transcribe` would hand the second
    caller the first one's module from sys.modules."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module

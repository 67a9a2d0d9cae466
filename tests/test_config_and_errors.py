"""Settings in one place (d2lrnn/config.py), no import-time side effects, one atomic writer,
and errors raised at the right depth."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import warnings

import pytest

from d2lrnn import config
from d2lrnn.core import checks
from d2lrnn.core.atomic import atomic_write

PACKAGE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "d2lrnn")


def test_every_setting_is_read_in_config_only():
    """No module but d2lrnn/config.py reads a D2LRNN_* variable from the environment."""
    offenders = []
    for folder, _, files in os.walk(PACKAGE):
        for name in files:
            path = os.path.join(folder, name)
            if not name.endswith(".py") or path.endswith(os.path.join("d2lrnn", "config.py")):
                continue
            text = open(path, encoding="utf-8").read()
            if re.search(r"environ(\.get\(|\[)\s*[\"']D2LRNN_", text):
                offenders.append(os.path.relpath(path, PACKAGE))
    assert not offenders, offenders


def test_max_epochs_cap_warns_once(monkeypatch):
    monkeypatch.setenv("D2LRNN_MAX_EPOCHS", "3")
    config._warned.clear()
    with pytest.warns(UserWarning, match="D2LRNN_MAX_EPOCHS=3: training 3 epochs instead of 100"):
        assert config.max_epochs(100) == 3
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert config.max_epochs(100) == 3  # said once
        assert config.max_epochs(2) == 2    # no cap, nothing to say
    monkeypatch.setenv("D2LRNN_MAX_EPOCHS", "zero")
    with pytest.raises(ValueError, match="D2LRNN_MAX_EPOCHS must be a positive integer"):
        config.max_epochs(100)
    monkeypatch.delenv("D2LRNN_MAX_EPOCHS")
    assert config.max_epochs(100) == 100


def test_importing_jax_backend_changes_no_jax_setting():
    code = ("import jax; before = jax.config.jax_compilation_cache_dir\n"
            "import d2lrnn.jax\n"
            "assert jax.config.jax_compilation_cache_dir == before, "
            "jax.config.jax_compilation_cache_dir\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_atomic_write_leaves_nothing_on_error(tmp_path):
    target = tmp_path / "out.bin"
    atomic_write(target, lambda f: f.write(b"old"))

    def broken(f):
        f.write(b"half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, broken)
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["out.bin"]


def test_board_save_uses_atomic_write(tmp_path, monkeypatch):
    from d2lrnn.core.board import ProgressBoard

    board = ProgressBoard(display=False)
    board.draw(1, 2.0, "x")
    monkeypatch.setattr(ProgressBoard, "png", lambda self: (_ for _ in ()).throw(OSError("disk")))
    with pytest.raises(OSError):
        board.save(tmp_path / "p.png")
    assert os.listdir(tmp_path) == []


def test_shape_checks_survive_python_O():
    code = ("import numpy as np\nfrom d2lrnn.core.checks import check_shape, check_len\n"
            "for f, a in ((check_shape, (np.ones(2), (3,))), (check_len, ([1], 2))):\n"
            "    try:\n        f(*a)\n    except AssertionError:\n        pass\n"
            "    else:\n        raise SystemExit('not raised')\n")
    proc = subprocess.run([sys.executable, "-O", "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_internal_import_errors_are_not_user_errors():
    assert not issubclass(ImportError, checks.CHECKS_ERRORS)
    assert issubclass(checks.FrameworkUnavailableError, checks.CHECKS_ERRORS)


def test_tensorflow_fallback_does_not_swallow_a_model_bug():
    """A plain bug in a reader's model surfaces as itself, not as 'could not be compiled'."""
    import d2lrnn.tensorflow as d2l

    class Buggy(d2l.RNNLMScratch):
        def forward(self, X, state=None):
            raise ValueError("my bug")

    data = d2l.TimeMachine(batch_size=16, num_steps=4, num_train=32, num_val=16)
    rnn = d2l.RNNScratch(num_inputs=len(data.vocab), num_hiddens=8)
    model = Buggy(rnn, vocab_size=len(data.vocab), lr=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # a fallback notice would fail here
        with pytest.raises(ValueError, match="my bug"):
            d2l.Trainer(max_epochs=1).fit(model, data)

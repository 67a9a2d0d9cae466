"""Device placement: with the Trainer's device set to a second device, parameters, gradients
and batches live there after prepare_model / prepare_batch, and training there gives the same
numbers as on the default device. CI has no GPU: MXNet's cpu(1), JAX's second host device
(XLA_FLAGS) and TensorFlow's second logical CPU stand in; the GPU checks run where a GPU is."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).parent


def run(backend: str, *flags: str) -> dict:
    hooks = importlib.import_module(f"backend_hooks.{backend}")
    env = {**os.environ, **hooks.SECOND_DEVICE_ENV, "PYTHONPATH": os.pathsep.join(
        [str(HERE), str(HERE.parent), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, str(HERE / "placement_run.py"), backend, *flags],
                          capture_output=True, text=True, env=env, timeout=600, cwd=HERE)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])




@pytest.mark.parametrize("backend", ["mxnet", "tensorflow", "jax"])
def test_training_on_a_second_cpu_device(backend):
    out = run(backend)
    placed, default, device = out["placed"], out["default"], out["device"]
    for what in ("batch", "params", "params_after", "grads"):
        assert len(placed[what]) == 1, (what, placed[what])
        assert placed[what] != default[what], (what, placed[what], default[what], device)
    assert placed["batch"] == placed["params"] == placed["params_after"] == placed["grads"]
    np.testing.assert_allclose(placed["losses"], default["losses"], rtol=1e-5)
    assert placed["text"] == default["text"]


gpu = pytest.mark.gpu


@gpu
@pytest.mark.parametrize("backend", ["torch", "mxnet", "tensorflow", "jax"])
def test_training_on_the_gpu(backend):
    d2l = importlib.import_module(f"d2lrnn.{backend}")
    if not d2l.num_gpus():
        pytest.skip(f"no GPU that {backend} can use on this machine")
    out = run(backend, "--gpu")
    placed, default = out["placed"], out["default"]
    for what in ("batch", "params", "params_after", "grads"):
        assert any("gpu" in d.lower() or "cuda" in d.lower() for d in placed[what]), \
            (what, placed[what])
    np.testing.assert_allclose(placed["losses"], default["losses"], rtol=1e-3)

"""On a GPU the book's run reaches the CPU's perplexity (within float32 round-off grown over a
few epochs). Runs where the backend sees a GPU; elsewhere each case is skipped saying so."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

# Both runs from seed 0, the book's shapes, 3 epochs; num_gpus=1 as in the book's cells.
CODE = """
    import json
    from d2lrnn.session import train
    run = train({backend!r}, epochs=3, seed=0)
    print(json.dumps({{"val_ppl": run.metrics[-1]["val_ppl"],
                       "devices": run.d2l.num_gpus()}}))
"""
TOLERANCE = 0.02  # relative; measured CPU runs of different backends agree to ~0.3% at 3 epochs


def book_run(backend: str, gpu: bool) -> dict:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    if not gpu:
        env.update(CUDA_VISIBLE_DEVICES="", JAX_PLATFORMS="cpu")
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(CODE.format(backend=backend))],
                          capture_output=True, text=True, timeout=900, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.gpu
def test_gpu_run_reaches_the_cpu_perplexity(backend, d2l):
    if d2l.num_gpus() == 0:
        pytest.skip(f"no GPU visible to {backend} (d2l.num_gpus() == 0)")
    on_gpu, on_cpu = book_run(backend, gpu=True), book_run(backend, gpu=False)
    assert on_gpu["devices"] >= 1 and on_cpu["devices"] == 0
    assert abs(on_gpu["val_ppl"] / on_cpu["val_ppl"] - 1) < TOLERANCE, (on_gpu, on_cpu)

"""The chapter notebooks execute headless through a real Jupyter kernel (training shortened
with D2LRNN_MAX_EPOCHS), and the training cell shows the live perplexity plot."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def test_there_is_a_notebook_per_framework():
    names = {p.name for p in NOTEBOOKS}
    assert {f"rnn_scratch_{fw}.ipynb" for fw in ("torch", "mxnet", "tensorflow", "jax")} <= names
    assert {f"rnn_concise_{fw}.ipynb" for fw in ("torch", "mxnet", "tensorflow", "jax")} <= names
    assert "compare_frameworks.ipynb" in names
    for path in NOTEBOOKS:  # committed without outputs
        nb = nbformat.read(path, as_version=4)
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), path


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_executes(path, tmp_path, monkeypatch):
    monkeypatch.setenv("D2LRNN_MAX_EPOCHS", "2")
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "2")
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    images = [c for c in nb.cells if c.cell_type == "code" and any(
        "image/png" in o.get("data", {}) for o in c.get("outputs", []))]
    assert images, "no cell produced an image"
    if path.stem.startswith(("rnn_scratch_", "rnn_concise_")):
        train_cell = next(c for c in nb.cells if "trainer.fit(" in c.source)
        assert train_cell in images, "the training cell did not show the perplexity plot"
        last = nb.cells[-1].outputs[0]["data"]["text/plain"]
        text = eval(last)
        assert isinstance(text, str) and len(text) == 26 and text.startswith("it has")
    assert not os.path.exists(path.with_suffix(".png"))

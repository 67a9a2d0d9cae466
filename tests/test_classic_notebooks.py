"""The older edition's notebooks (notebooks/classic/, one per section and framework) execute
through a Jupyter kernel, training shortened to 10 epochs (the book's ``num_epochs, lr = 500,
1`` is replaced in memory), and show their plots: ``d2l.plot``'s figures and the Animator's
perplexity curve in the training cells."""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "notebooks" / "classic"
NOTEBOOKS = sorted(HERE.glob("*.ipynb"))
PLOTS = ("sequence", "language_models_and_dataset", "rnn_scratch", "rnn_concise")


def test_a_notebook_per_section_and_framework():
    names = {p.stem for p in NOTEBOOKS}
    sections = ("sequence", "text_preprocessing", "language_models_and_dataset", "rnn",
                "rnn_scratch", "rnn_concise")
    assert names == {f"{s}_{fw}" for s in sections for fw in ("torch", "mxnet", "tensorflow",
                                                                "jax")}
    for path in NOTEBOOKS:  # committed without outputs
        nb = nbformat.read(path, as_version=4)
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), path


def has_image(cell) -> bool:
    return any("image/png" in o.get("data", {}) or "image/svg+xml" in o.get("data", {})
               for o in cell.get("outputs", []))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_executes(path, tmp_path, monkeypatch):
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "2")
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.delenv("MPLBACKEND", raising=False)
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        cell.source = cell.source.replace("num_epochs, lr = 500, 1", "num_epochs, lr = 10, 1")
    NotebookClient(nb, timeout=900, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    section = path.stem.rsplit("_", 1)[0]
    if section in PLOTS:
        assert any(has_image(c) for c in nb.cells if c.cell_type == "code"), "no plot shown"
    if section in ("rnn_scratch", "rnn_concise"):
        training = [c for c in nb.cells if re.search(r"^(d2l\.)?train_ch8\(", c.source, re.M)]
        assert len(training) == (2 if section == "rnn_scratch" else 1)
        assert training and all(has_image(c) for c in training), \
            "a training cell did not show the Animator's perplexity plot"
        text = "".join(o.get("text", "") for c in training for o in c.outputs)
        assert "perplexity " in text and "tokens/sec" in text
    assert not list(tmp_path.glob("*.png"))  # nothing written beside the notebook
    assert os.path.exists(path)

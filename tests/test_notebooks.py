"""The chapter notebooks execute headless through a real Jupyter kernel (training shortened
with D2LRNN_MAX_EPOCHS): every cell that plots (``d2l.plot``, ``trainer.fit``) shows an image,
and the notebooks built from the book's cells stay in step with their transcriptions. Those
section notebooks (notebooks/<section>_<fw>.ipynb, 9.1-9.4) execute in
tests/test_book_chapter.py, with the same image checks: each book cell runs once in the
suite; the others (rnn_scratch_*, rnn_concise_*, compare_frameworks: written by
notebooks/build.py and build_concise.py, not from transcriptions) execute here."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SECTIONS = ("sequence", "text_sequence", "language_model", "rnn")
FRAMEWORKS = ("torch", "mxnet", "tensorflow", "jax")
IMAGE_TYPES = ("image/png", "image/svg+xml")
#: built from the transcriptions (notebooks/build_chapter.py): executed by test_book_chapter.py
SECTION_NOTEBOOKS = {f"{s}_{fw}" for s in SECTIONS for fw in FRAMEWORKS}
EXECUTED_HERE = [p for p in NOTEBOOKS if p.stem not in SECTION_NOTEBOOKS]


def test_there_is_a_notebook_per_framework():
    names = {p.name for p in NOTEBOOKS}
    assert {f"rnn_scratch_{fw}.ipynb" for fw in ("torch", "mxnet", "tensorflow", "jax")} <= names
    assert {f"rnn_concise_{fw}.ipynb" for fw in ("torch", "mxnet", "tensorflow", "jax")} <= names
    assert "compare_frameworks.ipynb" in names
    assert {f"{s}_{fw}.ipynb" for s in SECTIONS for fw in FRAMEWORKS} <= names
    for path in NOTEBOOKS:  # committed without outputs
        nb = nbformat.read(path, as_version=4)
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), path


@pytest.mark.parametrize("path", EXECUTED_HERE, ids=lambda p: p.stem)
def test_notebook_executes(path, tmp_path, monkeypatch):
    monkeypatch.setenv("D2LRNN_MAX_EPOCHS", "2")
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "2")
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    images = [c for c in nb.cells if c.cell_type == "code" and any(
        t in o.get("data", {}) for o in c.get("outputs", []) for t in IMAGE_TYPES)]
    plotting = [c for c in nb.cells if c.cell_type == "code" and (
        "d2l.plot(" in c.source or "trainer.fit(" in c.source or "_overlay(" in c.source)]
    assert all(c in images for c in plotting), "a plotting cell showed no image"
    if path.stem.startswith(("rnn_scratch_", "rnn_concise_")):
        train_cell = next(c for c in nb.cells if "trainer.fit(" in c.source)
        assert train_cell in images, "the training cell did not show the perplexity plot"
        last = nb.cells[-1].outputs[0]["data"]["text/plain"]
        text = eval(last)
        assert isinstance(text, str) and len(text) == 26 and text.startswith("it has")
    for cell in nb.cells:  # the parity table is text only: no empty plots between its rows
        if cell.cell_type == "code" and "report(" in cell.source:
            assert not any("image/png" in o.get("data", {}) for o in cell.outputs), \
                "the parity cell drew plots"
    assert not os.path.exists(path.with_suffix(".png"))


def test_section_notebooks_are_built_from_the_transcriptions():
    """notebooks/build_chapter.py regenerates the committed section notebooks exactly."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("build_chapter",
                                                  ROOT / "notebooks" / "build_chapter.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    for section, title in build.SECTIONS:
        for fw in FRAMEWORKS:
            want = build.section_notebook(section, title, fw)
            got = nbformat.read(ROOT / "notebooks" / f"{section}_{fw}.ipynb", as_version=4)
            assert [c.source for c in got.cells] == [c.source for c in want.cells], \
                f"{section}_{fw}.ipynb is out of date: run python notebooks/build_chapter.py"

"""The older edition's notebooks (notebooks/classic/, one per section and framework): one per
section and framework, committed without outputs, and exactly what notebooks/classic/build.py
writes from the transcribed book cells. They execute (through a Jupyter kernel, training
shortened, their plots checked) in tests/test_classic_book.py::test_book_section: each book
cell runs once in the suite."""

from __future__ import annotations

from pathlib import Path

import nbformat
from conftest import load_by_path

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "notebooks" / "classic"
NOTEBOOKS = sorted(HERE.glob("*.ipynb"))
SECTIONS = ("sequence", "text_preprocessing", "language_models_and_dataset", "rnn",
            "rnn_scratch", "rnn_concise")
SECTIONS_CH9 = ("gru", "lstm", "deep_rnn", "bi_rnn", "machine_translation_and_dataset",
                "encoder_decoder", "seq2seq")
FRAMEWORKS = ("torch", "mxnet", "tensorflow", "jax")
#: (chapter 9 has no TensorFlow tab of the bidirectional section)
EXPECTED = [(s, fw) for s in (*SECTIONS, *SECTIONS_CH9) for fw in FRAMEWORKS
            if (s, fw) != ("bi_rnn", "tensorflow")]


def test_a_notebook_per_section_and_framework():
    names = {p.stem for p in NOTEBOOKS}
    assert names == {f"{s}_{fw}" for s, fw in EXPECTED}
    for path in NOTEBOOKS:  # committed without outputs
        nb = nbformat.read(path, as_version=4)
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), path


def test_notebooks_are_built_from_the_transcriptions():
    """notebooks/classic/build.py regenerates the committed notebooks exactly (sources): the
    book tests execute the notebooks, so the transcriptions' cells are what they run."""
    build = load_by_path("classic_build", HERE / "build.py")
    assert tuple(build.SECTIONS) == SECTIONS and tuple(build.SECTIONS_CH9) == SECTIONS_CH9
    for section, fw in EXPECTED:
        want = build.notebook(section, fw)
        got = nbformat.read(HERE / f"{section}_{fw}.ipynb", as_version=4)
        assert [c.source for c in got.cells] == [c.source for c in want.cells], \
            f"{section}_{fw}.ipynb is out of date: run python notebooks/classic/build.py"
        assert not any("_show(" in c.source for c in got.cells)

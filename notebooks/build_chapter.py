"""Writes one notebook per section per framework for the chapter's sections before
rnn-scratch, without outputs, from the book's cells transcribed in ``tests/book/`` (one
transcription feeds both the acceptance tests and the notebooks):

    python notebooks/build_chapter.py

The transcriptions are cells separated by ``# %%``; a value the notebook displays is written
``print(repr(value))  # the notebook displays this value`` there and becomes the bare
``value`` here.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).parent
BOOK = HERE.parent / "tests" / "book"

#: (file stem, the book's title), in the chapter's order
SECTIONS = [
    ("sequence", "Working with Sequences"),
    ("text_sequence", "Converting Raw Text into Sequence Data"),
    ("language_model", "Language Models"),
    ("rnn", "Recurrent Neural Networks"),
]
#: framework -> the book's tab name
TABS = {"torch": "pytorch", "mxnet": "mxnet", "tensorflow": "tensorflow", "jax": "jax"}
DISPLAYED = re.compile(r"^print\(repr\((.*)\)\)  # the notebook displays this value$",
                       re.M | re.S)


def split_cells(text: str) -> list[str]:
    """A transcription's cells: the parts after its header, ``# %%`` between them."""
    return [c.strip("\n") for c in text.split("\n# %%\n")[1:]]


def cells_of(section: str, fw: str) -> list[str]:
    """The section's code cells for the framework's tab, as the book writes them."""
    text = (BOOK / f"{section}_{TABS[fw]}.py").read_text()
    return [DISPLAYED.sub(lambda m: m.group(1), c) for c in split_cells(text)]


def book_notebook(intro: str, code: list[str]) -> nbformat.NotebookNode:
    """A markdown cell, then the code cells (plots inline from the first one), no outputs."""
    code = ["%matplotlib inline\n" + code[0], *code[1:]]
    cells = [new_markdown_cell(intro)] + [new_code_cell(c) for c in code]
    return new_notebook(cells=cells, metadata={"kernelspec": {
        "name": "python3", "display_name": "Python 3", "language": "python"}})


def section_notebook(section: str, title: str, fw: str) -> nbformat.NotebookNode:
    return book_notebook(
        f"# {title} ({fw})\n\nThe book's cells of this section for the {TABS[fw]} tab, with "
        f"only `from d2l import {fw} as d2l` changed to `from d2lrnn import {fw} as d2l`. "
        "Set the environment variable `D2LRNN_MAX_EPOCHS` to shorten training.",
        cells_of(section, fw))


def main() -> None:
    for section, title in SECTIONS:
        for fw in TABS:
            nbformat.write(section_notebook(section, title, fw),
                           HERE / f"{section}_{fw}.ipynb")


if __name__ == "__main__":
    main()

"""Writes the notebooks of the current edition's chapter "Modern Recurrent Neural Networks", one
per section per framework (``notebooks/modern/<section>_<fw>.ipynb``), without outputs, from the
book's cells transcribed in ``tests/book/modern/`` (one transcription: the notebooks are what
the test suite executes, tests/test_book_modern.py):

    python notebooks/build_modern.py

A value the transcription shows as the notebook does, ``_show((value))`` (a cell's trailing
expression, tests/book/modern/transcribe.py), becomes the bare ``value`` again.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import nbformat

HERE = Path(__file__).parent
ROOT = HERE.parent
MODERN = ROOT / "tests" / "book" / "modern"
OUT = HERE / "modern"

#: (file stem, the book's number and title), in the chapter's order (10.8 Beam Search has no
#: code)
SECTIONS = [
    ("lstm", "10.1 Long Short-Term Memory (LSTM)"),
    ("gru", "10.2 Gated Recurrent Units (GRU)"),
    ("deep_rnn", "10.3 Deep Recurrent Neural Networks"),
    ("bi_rnn", "10.4 Bidirectional Recurrent Neural Networks"),
    ("machine_translation_and_dataset", "10.5 Machine Translation and the Dataset"),
    ("encoder_decoder", "10.6 The Encoder-Decoder Architecture"),
    ("seq2seq", "10.7 Sequence-to-Sequence Learning for Machine Translation"),
]
#: what a reader changes beyond the import line, where the transcription changes lines
#: (transcribe.FIXES): the book's JAX BiRNNScratch is a bug, the others are removed APIs
BOOK_BUGS = {("bi_rnn", "jax")}


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


chapter = _load("build_chapter", HERE / "build_chapter.py")
transcribe = _load("modern_transcribe", MODERN / "transcribe.py")
TABS = chapter.TABS


def unshow(cell: str) -> str:
    """``_show((value))`` -> ``value``, only where the call is a whole top-level statement (the
    transcription wraps a trailing expression; a ``_show`` elsewhere stays)."""
    try:
        tree = ast.parse(cell)
    except SyntaxError:
        return cell
    lines = cell.split("\n")
    for stmt in reversed(tree.body):  # from the end: earlier positions stay valid
        call = stmt.value if isinstance(stmt, ast.Expr) else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
                and call.func.id == "_show" and len(call.args) == 1 and not call.keywords):
            continue
        segment = ast.get_source_segment(cell, stmt)
        if not (segment.startswith("_show((") and segment.endswith("))")):
            continue
        first, last = stmt.lineno - 1, stmt.end_lineno - 1  # offsets count UTF-8 bytes
        head = lines[first].encode()[:stmt.col_offset].decode()
        tail = lines[last].encode()[stmt.end_col_offset:].decode()
        lines[first:last + 1] = (head + segment[len("_show(("):-len("))")] + tail).split("\n")
    return "\n".join(lines)


def changes(section: str, fw: str) -> str:
    """What the notebook changes in the book's cells of this tab, in words."""
    change = f"`from d2l import {fw} as d2l` changed to `from d2lrnn import {fw} as d2l`"
    fixes = transcribe.FIXES.get((section.replace("_", "-"), TABS[fw]), [])
    docs = "([docs/modern.md](../../docs/modern.md))"
    if not fixes:
        return f"only {change}"
    if (section, fw) in BOOK_BUGS:
        return f"{change}, and the book's bug in `BiRNNScratch.setup` mended {docs}"
    n = sum(new.count("\n") + 1 for _, new in fixes)
    lines = ("the line that calls an API the framework removed changed as a reader changes it, "
             "marked by a comment" if n == 1 else f"the {n} lines that call an API the "
             "framework removed changed as a reader changes them, each marked by a comment")
    return f"{change}, and {lines} {docs}"


def section_notebook(section: str, title: str, fw: str) -> nbformat.NotebookNode:
    text = (MODERN / f"{section}_{TABS[fw]}.py").read_text()
    intro = (f"# {title} ({fw})\n\nThe book's cells of this section for the {TABS[fw]} tab, "
             f"with {changes(section, fw)}. Set the environment variable `D2LRNN_MAX_EPOCHS` "
             "to shorten training.")
    nb = chapter.book_notebook(intro, [unshow(c) for c in chapter.split_cells(text)])
    for i, cell in enumerate(nb.cells):  # stable ids: a rebuild changes nothing
        cell.id = f"cell-{i}"
    return nb


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for section, title in SECTIONS:
        for fw in TABS:
            nbformat.write(section_notebook(section, title, fw), OUT / f"{section}_{fw}.ipynb")


if __name__ == "__main__":
    main()

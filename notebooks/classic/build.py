"""Writes the older edition's notebooks, one per section and framework, without outputs, from
the transcribed book cells (tests/book/classic/: the book's tabs; JAX written for d2lrnn),
chapters 8 and 9:

    python notebooks/classic/build.py

Each cell of the transcription becomes a notebook cell; ``_show(expr)`` (how the script shows
a cell's last value) becomes the bare expression again, and plotting sections start with
``%matplotlib inline`` as in the book. Training runs the book's 500 epochs; the test suite
shortens them.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).parent
BOOK = HERE.parents[1] / "tests" / "book" / "classic"
SECTIONS = {"sequence": "Sequence Models", "text_preprocessing": "Text Preprocessing",
            "language_models_and_dataset": "Language Models and the Dataset",
            "rnn": "Recurrent Neural Networks",
            "rnn_scratch": "Implementation of Recurrent Neural Networks from Scratch",
            "rnn_concise": "Concise Implementation of Recurrent Neural Networks"}
#: chapter 9, "Modern Recurrent Neural Networks" (the book has no TensorFlow bi-rnn tab)
SECTIONS_CH9 = {"gru": "Gated Recurrent Units (GRU)", "lstm": "Long Short-Term Memory (LSTM)",
                "deep_rnn": "Deep Recurrent Neural Networks",
                "bi_rnn": "Bidirectional Recurrent Neural Networks",
                "machine_translation_and_dataset": "Machine Translation and the Dataset",
                "encoder_decoder": "Encoder-Decoder Architecture",
                "seq2seq": "Sequence to Sequence Learning"}
TABS = {"torch": "pytorch", "mxnet": "mxnet", "tensorflow": "tensorflow", "jax": "jax"}
PLOTS = ("sequence", "language_models_and_dataset", "rnn_scratch", "rnn_concise", "gru", "lstm",
         "deep_rnn", "bi_rnn", "machine_translation_and_dataset", "seq2seq")


def chapter(section: str) -> int:
    return 8 if section in SECTIONS else 9


def tabs(section: str) -> list[str]:
    """The frameworks with a transcription of ``section``."""
    return [fw for fw, tab in TABS.items() if (BOOK / f"{section}_{tab}.py").exists()]


def unshow(cell: str) -> str:
    match = re.search(r"^_show\(\((.*)\)\)\s*$", cell, re.S | re.M)
    if not match:
        return cell
    return cell[:match.start()] + match.group(1) + cell[match.end():]


def notebook(section: str, fw: str) -> nbformat.NotebookNode:
    source = (BOOK / f"{section}_{TABS[fw]}.py").read_text()
    cells = re.split(r"^# %% cell \d+\n", source, flags=re.M)[1:]
    code = [unshow(c.strip()) for c in cells]
    if section in PLOTS:
        code[0] = "%matplotlib inline\n" + code[0]
    origin = ("written for d2lrnn (the edition has no JAX tab)" if fw == "jax"
              else f"the book's {TABS[fw]} tab, with only the import line changed")
    title = {**SECTIONS, **SECTIONS_CH9}[section]
    intro = (f"# {title} ({fw})\n\nThe older edition of *Dive into Deep Learning*, "
             f"chapter {chapter(section)}, on `d2lrnn.classic.{fw}`: {origin}.")
    return new_notebook(cells=[new_markdown_cell(intro)] + [new_code_cell(c) for c in code],
                        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                 "language": "python"}})


def main() -> None:
    for section in [*SECTIONS, *SECTIONS_CH9]:
        for fw in tabs(section):
            nbformat.write(notebook(section, fw), HERE / f"{section}_{fw}.ipynb")


if __name__ == "__main__":
    main()

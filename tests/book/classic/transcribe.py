"""Writes the older edition's cells, one file per section and tab, from the book's sources
(the specification: chapter 8 in ../shared/reference/classic/, chapter 9 in
../shared/reference/classic-modern/), as the acceptance fixtures:

    python tests/book/classic/transcribe.py [REFERENCE_ROOT]   # default ../shared/reference

Each file holds the tab's cells in order. What changes, and nothing else:
- the import line: ``from d2l import X as d2l`` -> ``from d2lrnn.classic import X as d2l``;
- ``%matplotlib inline`` (IPython syntax) is dropped;
- a cell ending in an expression shows its value as Jupyter does: ``_show(expr)`` prints repr
  (not after a trailing ``;``, which hides it);
- the few cells that call APIs the framework or NumPy removed get the one-line change a
  reader makes (``FIXES`` below, listed in README.md).
JAX has no tab in the book: its files (``*_jax.py``) are written by hand, not generated.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

SECTIONS = ("sequence", "text-preprocessing", "language-models-and-dataset", "rnn",
            "rnn-scratch", "rnn-concise")
#: chapter 9, "Modern Recurrent Neural Networks" (beam-search has no code; bi-rnn no
#: TensorFlow tab: a tab without cells gets no file)
SECTIONS_CH9 = ("gru", "lstm", "deep-rnn", "bi-rnn", "machine-translation-and-dataset",
                "encoder-decoder", "seq2seq")
#: the folder of each chapter's sources under the reference root
CHAPTERS = {"classic": SECTIONS, "classic-modern": SECTIONS_CH9}
TABS = ("mxnet", "pytorch", "tensorflow")
HERE = Path(__file__).parent
DEFAULT_ROOT = HERE.parents[2].parent / "shared" / "reference"  # beside the repo

#: (section, tab) -> [(old line, new line)]: APIs removed by Keras 3 / NumPy 2.
FIXES = {
    ("rnn-scratch", "tensorflow"): [(
        "        updater = tf.keras.optimizers.SGD(lr)",
        "        updater = tf.keras.optimizers.SGD(float(lr))  # Keras 3 rejects an int lr"), (
        "        outputs.append(int(y.numpy().argmax(axis=1).reshape(1)))",
        "        outputs.append(int(y.numpy().argmax(axis=1).reshape(1)[0]))  # NumPy 2")],
    ("rnn-concise", "tensorflow"): [(
        "rnn_layer = tf.keras.layers.RNN(rnn_cell, time_major=True,",
        "rnn_layer = d2l.RNN(rnn_cell, time_major=True,  # Keras 3 removed time_major"), (
        "state = rnn_cell.get_initial_state(batch_size=batch_size, dtype=tf.float32)",
        "state = rnn_cell.get_initial_state(batch_size=batch_size)[0]  # Keras 3: no dtype")],
    ("gru", "tensorflow"): [(
        "gru_layer = tf.keras.layers.RNN(gru_cell, time_major=True,",
        "gru_layer = d2l.RNN(gru_cell, time_major=True,  # Keras 3 removed time_major")],
    ("lstm", "tensorflow"): [(
        "lstm_layer = tf.keras.layers.RNN(lstm_cell, time_major=True,",
        "lstm_layer = d2l.RNN(lstm_cell, time_major=True,  # Keras 3 removed time_major")],
    ("deep-rnn", "tensorflow"): [(
        "lstm_layer = tf.keras.layers.RNN(stacked_lstm, time_major=True,",
        "lstm_layer = d2l.RNN(stacked_lstm, time_major=True,  # Keras 3 removed time_major")],
    ("seq2seq", "tensorflow"): [(
        "        state = output[1:]",
        "        state = [s[0] if isinstance(s, list) else s for s in output[1:]]  # Keras 3: [h]"
        " per cell"), (
        "        label_one_hot = tf.one_hot(label, depth=pred.shape[-1])",
        "        label_one_hot = tf.one_hot(tf.cast(label, tf.int32), depth=pred.shape[-1])  #"
        " Keras 3 casts y_true")],
}

PRELUDE = '''def _show(value):  # what a notebook shows for a cell ending in an expression
    if value is not None:
        print(repr(value))


'''


def cell_tabs(block: str) -> tuple[str, ...]:
    first = block.splitlines()[0] if block.strip() else ""
    if not first.startswith("#@tab"):
        return ("mxnet",)
    names = first[len("#@tab"):].replace(",", " ").split()
    return TABS if names == ["all"] else tuple("pytorch" if n == "pytorch" else n
                                               for n in names)


def transform(block: str, tab: str) -> str:
    lines = [line for line in block.splitlines() if not line.startswith("#@tab")
             and line.strip() != "%matplotlib inline"]
    src = "\n".join(lines)
    src = re.sub(r"from d2l import (\w+) as d2l", r"from d2lrnn.classic import \1 as d2l", src)
    try:
        tree = ast.parse(src)
    except SyntaxError:
        return src
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = tree.body[-1]
        head = "\n".join(src.splitlines()[:last.lineno - 1])
        expr = "\n".join(src.splitlines()[last.lineno - 1:last.end_lineno]).strip()
        if not expr.endswith(";"):  # a trailing ';' hides the value in a notebook
            src = (head + "\n" if head else "") + f"_show(({expr}))"
    return src


def transcribe(ref: Path, out: Path = HERE, sections: tuple[str, ...] = SECTIONS) -> None:
    """Write the tabs of ``sections`` from the chapter's sources in ``ref``."""
    for section in sections:
        blocks = re.findall(r"```\{\.python \.input\}\n(.*?)```", (ref / f"{section}.md")
                            .read_text(), re.S)
        for tab in TABS:
            cells = [transform(b, tab) for b in blocks if tab in cell_tabs(b)]
            if not cells:
                continue
            body = "\n\n".join(f"# %% cell {i + 1}\n{c.strip()}\n" for i, c in enumerate(cells))
            for old, new in FIXES.get((section, tab), []):
                if old not in body:
                    raise SystemExit(f"{section}/{tab}: line to fix not found: {old!r}")
                body = body.replace(old, new)
            name = section.replace("-", "_")
            header = (f'"""The book\'s (older edition) section {section!r}, {tab} tab, '
                      'transcribed by transcribe.py."""\n# ruff: noqa\n')
            (out / f"{name}_{tab}.py").write_text(header + PRELUDE + body)


if __name__ == "__main__":
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_ROOT
    for folder, chapter in CHAPTERS.items():
        transcribe(root / folder, sections=chapter)

"""Writes the current edition's chapter "Modern Recurrent Neural Networks", one file per
section and tab, from the book's sources (the specification in ../shared/reference/modern/), as
the acceptance fixtures:

    python tests/book/modern/transcribe.py [REFERENCE_DIR]

Each file holds the tab's cells in order (``# %%`` between cells), with ``tab.selected(...)``
resolved as d2lbook resolves it (the block kept, dedented, when the tab is listed; dropped
otherwise). What changes, and nothing else:
- the import line: ``from d2l import X as d2l`` -> ``from d2lrnn import X as d2l``;
- ``%load_ext``/``tab.interact_select`` (d2lbook's notebook set-up) are dropped;
- a cell ending in an expression shows its value as Jupyter does: ``_show(expr)`` prints repr;
- the few lines that call an API the framework removed get the one-line change a reader makes
  (``FIXES`` below, listed in docs/modern.md).
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

SECTIONS = ("lstm", "gru", "deep-rnn", "bi-rnn", "machine-translation-and-dataset",
            "encoder-decoder", "seq2seq")
TABS = ("pytorch", "mxnet", "tensorflow", "jax")
IMPORT = {"pytorch": "torch", "mxnet": "mxnet", "tensorflow": "tensorflow", "jax": "jax"}
HERE = Path(__file__).parent
DEFAULT_REF = HERE.parents[2].parent / "shared" / "reference" / "modern"  # beside the repo

#: (section, tab) -> [(old lines, new lines)]: APIs removed by Keras 3 / Flax (docs/modern.md).
FIXES: dict[tuple[str, str], list[tuple[str, str]]] = {
    ("lstm", "tensorflow"): [(
        "        self.rnn = tf.keras.layers.LSTM(",
        "        self.rnn = d2l.LSTM(  # Keras 3 removed time_major")],
    ("gru", "jax"): [(
        "            H = nn.GRUCell.initialize_carry(jax.random.PRNGKey(0),\n"
        "                                            (batch_size,), self.num_hiddens)",
        "            H = jnp.zeros((batch_size, self.num_hiddens))  # Flax 0.7 removed the class"
        "method"), (
        "        H, outputs = GRU()(H, inputs)",
        "        H, outputs = GRU(self.num_hiddens)(H, inputs)  # Flax cells take features")],
    ("deep-rnn", "tensorflow"): [(
        "        self.rnn = tf.keras.layers.RNN(gru_cells, return_sequences=True,",
        "        self.rnn = d2l.TimeMajorRNN(gru_cells, return_sequences=True,  # Keras 3")],
    ("deep-rnn", "jax"): [(
        "            state = [nn.GRUCell.initialize_carry(jax.random.PRNGKey(0),\n"
        "                    (batch_size,), self.num_hiddens)] * self.num_layers",
        "            state = [jnp.zeros((batch_size, self.num_hiddens))] * self.num_layers  # Flax"
        " 0.7"), (
        "            layer_i_state, X = GRU()(state[i], outputs)",
        "            layer_i_state, X = GRU(self.num_hiddens)(state[i], outputs)  # features"), (
        "        out_state, X = GRU()(state[-1], X)",
        "        out_state, X = GRU(self.num_hiddens)(state[-1], X)  # Flax cells take features")],
    ("bi-rnn", "jax"): [(  # the book's bug: setup reads undefined names, assigns a field
        "        self.f_rnn = d2l.RNNScratch(num_inputs, num_hiddens, sigma)\n"
        "        self.b_rnn = d2l.RNNScratch(num_inputs, num_hiddens, sigma)\n"
        "        self.num_hiddens *= 2  # The output dimension will be doubled",
        "        self.f_rnn = d2l.RNNScratch(self.num_inputs, self.num_hiddens, self.sigma)\n"
        "        self.b_rnn = d2l.RNNScratch(self.num_inputs, self.num_hiddens, self.sigma)")],
    ("lstm", "jax"): [(
        "            H_C = nn.OptimizedLSTMCell.initialize_carry(jax.random.PRNGKey(0),\n"
        "                                                        (batch_size,),\n"
        "                                                        self.num_hiddens)",
        "            H_C = (jnp.zeros((batch_size, self.num_hiddens)),) * 2  # Flax 0.7 removed "
        "the classmethod"), (
        "        H_C, outputs = LSTM()(H_C, inputs)",
        "        H_C, outputs = LSTM(self.num_hiddens)(H_C, inputs)  # Flax cells take features")],
}

CELL = re.compile(r"```\{\.python \.input[^}]*\}\n(.*?)```", re.S)
SELECTED = re.compile(r"^(\s*)if tab\.selected\((.*)\):\s*$")


def tabs_of(header: str) -> tuple[str, ...]:
    """The tabs a cell's ``%%tab`` line names (no line: the first tab, pytorch)."""
    if not header.startswith("%%tab"):
        return ("pytorch",)
    names = header[len("%%tab"):].replace(",", " ").split()
    return TABS if names == ["all"] else tuple(names)


def resolve(lines: list[str], tab: str) -> list[str]:
    """Keep the bodies of ``if tab.selected(...)`` blocks that name ``tab`` (dedented), drop the
    others; an ``else:`` directly after such a block belongs to the reader's code."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        m = SELECTED.match(lines[i])
        if not m:
            out.append(lines[i])
            i += 1
            continue
        indent, wanted = len(m.group(1)), ast.literal_eval(f"({m.group(2)},)")
        body = []
        i += 1
        while i < len(lines) and (not lines[i].strip() or
                                  len(lines[i]) - len(lines[i].lstrip()) > indent):
            body.append(lines[i])
            i += 1
        if tab in wanted:
            out.extend(line[4:] if line.strip() else line for line in resolve(body, tab))
    return out


def show_last_expression(code: str) -> str:
    """A trailing expression statement is displayed, as a notebook cell displays it."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return code
    if not tree.body or not isinstance(tree.body[-1], ast.Expr):
        return code
    last = tree.body[-1]
    if code.rstrip().endswith(";"):  # a trailing semicolon: the notebook shows nothing
        return code
    func = last.value.func if isinstance(last.value, ast.Call) else None
    if getattr(func, "attr", getattr(func, "id", "")) in ("fit", "plot"):
        return code
    lines = code.splitlines()
    start, end = last.lineno - 1, last.end_lineno
    expr = "\n".join(lines[start:end])
    return "\n".join([*lines[:start], f"_show(({expr}))", *lines[end:]])


def transcribe(section: str, tab: str, ref: Path) -> str:
    text = (ref / f"{section}.md").read_text()
    fixes, used = FIXES.get((section, tab), []), set()
    cells = []
    for raw in CELL.findall(text):
        lines = raw.rstrip("\n").splitlines()
        if not lines or tab not in tabs_of(lines[0]):
            continue
        body = lines[1:] if lines[0].startswith("%%tab") else lines
        body = [line for line in body if not line.startswith(("%load_ext", "tab.interact"))]
        body = resolve(body, tab)
        code = "\n".join(body).strip("\n")
        code = code.replace(f"from d2l import {IMPORT[tab]} as d2l",
                            f"from d2lrnn import {IMPORT[tab]} as d2l")
        for old, new in fixes:
            if old in code:
                code = code.replace(old, new)
                used.add(old)
        if code.strip():
            cells.append(show_last_expression(code))
    assert used == {old for old, _ in fixes}, (section, tab, fixes)
    head = (f'"""The book\'s section {section!r}, tab {tab}: every cell in order, only the '
            'import line\nchanged (written by tests/book/modern/transcribe.py)."""\n'
            "_show = lambda value: None if value is None else print(repr(value))  # as a notebook "
            "displays\n")
    return head + "".join(f"\n# %%\n{cell}\n" for cell in cells)


def main(argv: list[str]) -> None:
    ref = Path(argv[0]) if argv else DEFAULT_REF
    for section in SECTIONS:
        for tab in TABS:
            path = HERE / f"{section.replace('-', '_')}_{tab}.py"
            path.write_text(transcribe(section, tab, ref))


if __name__ == "__main__":
    main(sys.argv[1:])

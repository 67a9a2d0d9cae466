"""Execute a notebook through a real Jupyter kernel (nbclient), as a reader runs it, and read
back what it showed: the cells' stdout and displayed values in order (as the page shows them),
their stderr, the values of expressions evaluated in the kernel after the last cell, and which
plotting cells showed no image.

The committed notebook is not changed: a first cell is added in memory that records every
``Trainer.fit``'s metrics as ``_fits`` (tests/book/run_section.py) and makes displayed values
plain ``repr`` (IPython's pretty printer wraps long lists over lines), and a last one prints the
expressions' values as one JSON line (``onp`` is NumPy there, ``_fits`` the fits).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell

ROOT = Path(__file__).resolve().parents[1]
RUN_SECTION = ROOT / "tests" / "book" / "run_section.py"
IMAGE_TYPES = ("image/png", "image/svg+xml")
#: a cell that calls one of these shows a figure (a ``def`` of one is no call, nor a line
#: commented out: the book's MXNet deep-RNN cell leaves its ``# trainer.fit(model, data)`` off)
PLOTTING = re.compile(r"^[^#]*(?<!def )\b(trainer\.fit|d2l\.plot|show_list_len_pair_hist)\(",
                      re.M)

SETUP = f"""\
import importlib.util as _ilu
_spec = _ilu.spec_from_file_location('_run_section', {str(RUN_SECTION)!r})
_run_section = _ilu.module_from_spec(_spec)
_spec.loader.exec_module(_run_section)
_fits = _run_section.record_fits()
get_ipython().display_formatter.formatters['text/plain'].pprint = False
del _ilu, _spec"""

#: a ``prelude`` for a torch notebook whose cells train in their own loop (the older edition's
#: ``train_ch8``/``train_seq2seq`` cells): torch's thread count as d2lrnn's Trainer would set it
#: (``D2LRNN_TORCH_THREADS``, one thread in the suite: two stall on a shared machine)
TORCH_THREADS = """\
import torch as _torch
from d2lrnn import config as _config
if _config.torch_threads():
    _torch.set_num_threads(_config.torch_threads())
del _torch, _config"""

REPORT = """\
import json as _json, numpy as _onp
print(_json.dumps({{_e: _run_section.plain(eval(_e, {{**globals(), 'onp': _onp, '_fits': _fits}}))
                   for _e in {exprs!r}}}))"""

#: a ``prelude`` for run_notebook: the inline backend closes a cell's figures once shown (a
#: later cell plots on a new figure, as the reader sees); this keeps the last figure it closed
#: as ``_last_figure`` (what ``d2l.plt.gcf()`` was at the end of a script), to read its legend
KEEP_LAST_FIGURE = """\
import matplotlib.pyplot as _plt
_last_figure, _plt_close = None, _plt.close
def _keeping_close(fig=None):
    global _last_figure
    if fig == 'all' and _plt.get_fignums():
        _last_figure = _plt.gcf()
    return _plt_close(fig)
_plt.close = _keeping_close"""


def kernel_env(monkeypatch: pytest.MonkeyPatch, **env: str) -> None:
    """The kernel's environment: ``env`` (e.g. D2LRNN_MAX_EPOCHS), TensorFlow's C++ log quiet,
    and no MPLBACKEND (Agg would draw nothing inline: the notebook's %matplotlib sets it)."""
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "2")
    monkeypatch.delenv("MPLBACKEND", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)


def execute(nb: nbformat.NotebookNode, workdir: Path, timeout: int = 600) -> None:
    """Run every cell in a fresh ``python3`` kernel whose working folder is ``workdir``; a
    cell that raises fails with its traceback (nbclient.exceptions.CellExecutionError). The
    kernel is stopped at once afterwards (a graceful shutdown waits ~2.5 s more per notebook)."""
    NotebookClient(nb, timeout=timeout, kernel_name="python3", shutdown_kernel="immediate",
                   resources={"metadata": {"path": str(workdir)}}).execute()


def shows_image(cell) -> bool:
    return any(t in o.get("data", {}) for o in cell.get("outputs", []) for t in IMAGE_TYPES)


def plots_without_image(nb: nbformat.NotebookNode) -> list[str]:
    """The sources of the code cells that plot but showed no image."""
    return [c.source for c in nb.cells if c.cell_type == "code"
            and PLOTTING.search(c.source) and not shows_image(c)]


def shown(cells) -> tuple[str, str]:
    """(stdout, stderr) of the cells, in order: stdout holds the printed text and each
    displayed value's text/plain line, as ``python script.py`` printed them in the transcription
    (its ``_show``)."""
    out, err = [], []
    for cell in cells:
        for o in cell.get("outputs", []):
            if o.output_type == "stream":
                (out if o.name == "stdout" else err).append(o.text)
            elif o.output_type == "execute_result":
                out.append(o.data.get("text/plain", "") + "\n")
    return "".join(out), "".join(err)


@dataclass
class Run:
    notebook: nbformat.NotebookNode  # the notebook's own cells, executed, with their outputs
    stdout: str  # stripped, as the transcription's runner returned it
    stderr: str
    values: dict  # {expression: JSON-friendly value} (run_section.plain)


def run_notebook(path: Path, workdir: Path, *exprs: str, timeout: int = 600,
                 prelude: str = "", edit: Callable[[str], str] | None = None) -> Run:
    """Execute the notebook at ``path`` (set the kernel's environment first: kernel_env), then
    evaluate ``exprs`` in its namespace. ``prelude``: more code for the added first cell (e.g.
    ``%config InlineBackend.close_figures = False`` to read a figure after its cell). ``edit``:
    applied to each code cell's source in memory before running (e.g. the older edition's
    ``num_epochs, lr = 500, 1`` shortened); the returned notebook holds the edited cells."""
    nb = nbformat.read(path, as_version=4)
    if edit is not None:
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.source = edit(cell.source)
    nb.cells.insert(0, new_code_cell(SETUP + ("\n" + prelude if prelude else "")))
    nb.cells.append(new_code_cell(REPORT.format(exprs=list(exprs))))
    execute(nb, workdir, timeout)
    setup, *own, report = nb.cells
    stdout, stderr = shown([setup, *own])
    report_out, report_err = shown([report])
    values = json.loads(report_out.strip().splitlines()[-1])
    nb.cells = own
    return Run(nb, "\n".join(stdout.strip().splitlines()), stderr + report_err, values)

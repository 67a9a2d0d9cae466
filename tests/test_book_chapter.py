"""Acceptance for the chapter's sections before rnn-scratch: each section's notebook for each
framework (notebooks/<section>_<fw>.ipynb, built by notebooks/build_chapter.py from the book's
cells transcribed in tests/book/<section>_<tab>.py, only the import line changed) executes
through a Jupyter kernel with training shortened (D2LRNN_MAX_EPOCHS), shows its plots, and
states what the section states. Each book cell runs once in the suite: here
(tests/test_notebooks.py checks the notebooks' files)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import numpy as np
import pytest
from notebook_run import KEEP_LAST_FIGURE, kernel_env, run_notebook, shows_image

ROOT = Path(__file__).resolve().parents[1]
BOOK = Path(__file__).parent / "book"
NOTEBOOKS = ROOT / "notebooks"
TABS = {"torch": "pytorch", "mxnet": "mxnet", "tensorflow": "tensorflow", "jax": "jax"}
EPOCHS = 3


def plots(cell) -> bool:
    """A cell that draws: its image must show (as tests/test_notebooks.py requires)."""
    return cell.cell_type == "code" and any(
        call in cell.source for call in ("d2l.plot(", "trainer.fit(", "_overlay("))


def run_section(section: str, backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                *exprs: str) -> tuple[str, dict]:
    """Execute the section's notebook for the backend; what its cells printed and displayed
    (in order, as the transcription printed them) and ``{expr: value}`` after its last cell."""
    path = NOTEBOOKS / f"{section}_{backend}.ipynb"
    source = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells
                       if c.cell_type == "code")
    assert f"from d2lrnn import {backend} as d2l" in source and "from d2l import" not in source
    assert "if tab.selected" not in source
    kernel_env(monkeypatch, D2LRNN_MAX_EPOCHS=str(EPOCHS))
    # the last figure shown stays readable as _last_figure (its legend)
    run = run_notebook(path, tmp_path, *exprs, prelude=KEEP_LAST_FIGURE)
    assert "could not be compiled" not in run.stderr  # TensorFlow: no eager fallback
    assert all(shows_image(c) for c in run.notebook.cells if plots(c)), \
        "a plotting cell showed no image"
    assert not path.with_suffix(".png").exists()
    return run.stdout, run.values


def test_sequence(backend, tmp_path, monkeypatch):
    _, got = run_section(
        "sequence", backend, tmp_path, monkeypatch,
        "[row['loss'] for row in trainer.metrics]",
        "sorted(model.board.history())", "model.board.xlim",
        "tuple(onestep_preds.shape)", "tuple(multistep_preds.shape)",
        "[tuple(p.shape) for p in preds]",
        "[t.get_text() for t in _last_figure.gca().get_legend().get_texts()]",
        "float(onp.abs(onp.asarray(d2l.numpy(preds[0])) - onp.asarray(d2l.numpy(data.x))"
        "[data.tau:data.tau + len(preds[0])]).mean())",
        "float(onp.abs(onp.asarray(d2l.numpy(preds[63])) - onp.asarray(d2l.numpy(data.x))"
        "[data.tau + 63:]).mean())")
    losses = got["[row['loss'] for row in trainer.metrics]"]
    assert len(losses) == EPOCHS and losses[-1] < 0.5 * losses[0], losses
    assert got["sorted(model.board.history())"] == ["train_loss", "val_loss"]
    assert got["model.board.xlim"] == [0, EPOCHS]  # the axes fit the epochs run
    assert got["tuple(onestep_preds.shape)"] == [996, 1]
    assert got["tuple(multistep_preds.shape)"] == [1000]
    assert got["[tuple(p.shape) for p in preds]"] == [[933]] * 64
    assert got["[t.get_text() for t in _last_figure.gca().get_legend().get_texts()]"] == [
        "1-step preds", "4-step preds", "16-step preds", "64-step preds"]
    # the section's point: 1-step predictions are good, 64-step ones are far off
    one, far = list(got.values())[-2:]
    assert one < 0.3 < far, (one, far)


def test_text_sequence(backend, tmp_path, monkeypatch):
    out, got = run_section(
        "text_sequence", backend, tmp_path, monkeypatch,
        "d2l.Vocab(tokens).idx_to_token == Vocab(tokens).idx_to_token",
        "d2l.Vocab(words).token_freqs[:10] == vocab.token_freqs[:10]",
        "d2l.Vocab(tokens)[tokens[:10]]")
    for line in [
            "'The Time Machine, by H. G. Wells [1898]\\n\\n\\n\\n\\nI\\n\\n\\nThe Time Tra'",
            "'the time machine by h g wells i the time traveller for so it'",
            "'t,h,e, ,t,i,m,e, ,m,a,c,h,i,n,e, ,b,y, ,h, ,g, ,w,e,l,l,s, '",
            "indices: [21, 9, 6, 0, 21, 10, 14, 6, 0, 14]",
            "words: ['t', 'h', 'e', ' ', 't', 'i', 'm', 'e', ' ', 'm']",
            "(173428, 28)"]:
        assert line in out.splitlines(), line
    assert "[('the', 2261), ('i', 1267), ('and', 1245), ('of', 1155)," in out
    assert "[('of--the', 309), ('in--the', 169), ('i--had', 130)," in out
    assert "[('the--time--traveller', 59), ('the--time--machine', 30)," in out
    # d2l.Vocab behaves as the section's Vocab
    assert list(got.values())[:3] == [True, True, [21, 9, 6, 0, 21, 10, 14, 6, 0, 14]]


def test_language_model(backend, tmp_path, monkeypatch):
    _, got = run_section(
        "language_model", backend, tmp_path, monkeypatch,
        "tuple(X.shape)", "tuple(Y.shape)", "tuple(data.X.shape)", "len(data.vocab)",
        "onp.asarray(d2l.numpy(X))[:, 1:].tolist() == onp.asarray(d2l.numpy(Y))[:, :-1].tolist()",
        "d2l.TimeMachine.__mro__[1] is d2l.DataModule")
    assert got["tuple(X.shape)"] == got["tuple(Y.shape)"] == [2, 10]
    assert got["tuple(data.X.shape)"] == [173428 - 10, 10]  # the section's __init__ ran
    assert got["len(data.vocab)"] == 28
    assert list(got.values())[-2:] == [True, True]
    assert not (tmp_path.parent / "data").exists()  # offline: nothing downloaded


def test_rnn(backend, tmp_path, monkeypatch):
    _, got = run_section(
        "rnn", backend, tmp_path, monkeypatch,
        "d2l.numpy(d2l.matmul(X, W_xh) + d2l.matmul(H, W_hh))",
        "d2l.numpy(d2l.matmul(d2l.concat((X, H), 1), d2l.concat((W_xh, W_hh), 0)))")
    separate, concatenated = (np.asarray(v) for v in got.values())
    assert separate.shape == (3, 4)
    np.testing.assert_allclose(separate, concatenated, rtol=1e-5, atol=1e-5)
    assert np.abs(separate).sum() > 0

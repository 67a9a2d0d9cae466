"""Acceptance for the older edition: each section's cells, per tab, with only the import line
changed (tests/book/classic/, written by transcribe.py; JAX by hand), run as the reader runs
them: the section's notebook (notebooks/classic/<section>_<fw>.ipynb, built from the
transcription by notebooks/classic/build.py) executes through a Jupyter kernel, shows its plots
and prints what the printed book shows. Training is shortened to a few epochs by replacing the
book's ``num_epochs, lr = 500, 1`` in memory (the files on disk keep 500). Each book cell runs
once in the suite: here (tests/test_classic_notebooks.py checks the notebooks' files)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from conftest import load_by_path
from notebook_run import TORCH_THREADS, kernel_env, run_notebook, shown, shows_image

ROOT = Path(__file__).resolve().parents[1]
BOOK = Path(__file__).parent / "book" / "classic"
NOTEBOOKS = ROOT / "notebooks" / "classic"
TABS = {"pytorch": "torch", "mxnet": "mxnet", "tensorflow": "tensorflow", "jax": "jax"}
SECTIONS = ("sequence", "text_preprocessing", "language_models_and_dataset", "rnn",
            "rnn_scratch", "rnn_concise")
PLOTS = ("sequence", "language_models_and_dataset", "rnn_scratch", "rnn_concise")
EPOCHS = 10  # one Animator point and one in-training prediction (every 10 epochs)


def run_tab(section: str, tab: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Execute the section's notebook for the tab's framework; what its cells printed and
    displayed, in order, unstripped (as the transcription's ``_show`` printed them). Checks the
    plots the notebook shows: a figure in each plotting section, the Animator's perplexity curve
    and the training report in each ``train_ch8`` cell, and nothing written beside the
    notebook."""
    fw = TABS[tab]
    assert f"from d2lrnn.classic import {fw} as d2l" in (BOOK / f"{section}_{tab}.py").read_text()
    path = NOTEBOOKS / f"{section}_{fw}.ipynb"
    kernel_env(monkeypatch, PYTHONPATH=str(ROOT))
    # One seed for the run (weights, data noise, the framework's own generator), as a reader
    # may set it before the cells; the cells themselves are the book's.
    run = run_notebook(
        path, tmp_path, timeout=900,
        prelude=f"from d2lrnn.classic import {fw} as _seeded\n_seeded.seed(0)\ndel _seeded"
        + ("\n" + TORCH_THREADS if fw == "torch" else ""),
        edit=lambda cell: cell.replace("num_epochs, lr = 500, 1",
                                       f"num_epochs, lr = {EPOCHS}, 1"))
    cells = [c for c in run.notebook.cells if c.cell_type == "code"]
    source = "\n".join(c.source for c in cells)
    assert f"from d2lrnn.classic import {fw} as d2l" in source
    assert "from d2l import" not in source
    if section in PLOTS:
        assert any(shows_image(c) for c in cells), "no plot shown"
    if section in ("rnn_scratch", "rnn_concise"):
        training = [c for c in cells if re.search(r"^(d2l\.)?train_ch8\(", c.source, re.M)]
        assert len(training) == (2 if section == "rnn_scratch" else 1)
        assert all(shows_image(c) for c in training), \
            "a training cell did not show the Animator's perplexity plot"
        text = "".join(o.get("text", "") for c in training for o in c.outputs)
        assert "perplexity " in text and "tokens/sec" in text
    assert not list(tmp_path.glob("*.png"))  # nothing written beside the notebook
    assert os.path.exists(path)
    # unstripped, as the script printed it: a prediction may end in a space (its length counts)
    return shown(cells)[0]


def ints(text: str) -> list[int]:
    text = re.sub(r"shape=\(.*?\)|dtype=\w+", "", text)  # TensorFlow's and JAX's reprs
    return [int(float(v)) for v in re.findall(r"-?\d+\.?", text)]


def check_text_preprocessing(out: str) -> None:
    assert "# text lines: 3221" in out
    assert "the time machine by h g wells\n" in out
    assert "twinkled and his usually pale face was flushed and animated the\n" in out
    assert ("[('<unk>', 0), ('the', 1), ('i', 2), ('and', 3), ('of', 4), ('a', 5), ('to', 6), "
            "('was', 7), ('in', 8), ('that', 9)]") in out
    assert "indices: [1, 19, 50, 40, 2183, 2184, 400]" in out
    assert "indices: [2186, 3, 25, 1044, 362, 113, 7, 1421, 3, 1045, 1]" in out
    assert out.rstrip().endswith("(170580, 28)")


def check_language_models(out: str) -> None:
    assert ("[('the', 2261), ('i', 1267), ('and', 1245), ('of', 1155), ('a', 816), "
            "('to', 695), ('was', 552), ('in', 541), ('that', 443), ('my', 440)]") in out
    assert "[(('of', 'the'), 309), (('in', 'the'), 169), (('i', 'had'), 130)" in out
    assert ("[(('the', 'time', 'traveller'), 59), (('the', 'time', 'machine'), 30), "
            "(('the', 'medical', 'man'), 24)") in out
    # partitioning range(35), batch 2, 5 steps: Y is X shifted by one; random sampling
    # gives 3 minibatches of disjoint windows in random order, then sequential partitioning
    # 2 or 3 minibatches whose rows continue the previous minibatch's rows
    tail = out.split("(('the', 'time', 'traveller'), 59)")[1]
    blocks = re.findall(r"X:\s*(.*?)\nY:\s*(.*?)(?=\nX:|\Z)", tail, re.S)
    pairs = [(ints(x), ints(y)) for x, y in blocks]
    assert len(pairs) in (5, 6), tail
    for X, Y in pairs:
        assert len(X) == len(Y) == 10 and [v + 1 for v in X] == Y
        assert all(X[i + 1] == X[i] + 1 for i in (0, 1, 2, 3, 5, 6, 7, 8))
    random_starts = [s for X, _ in pairs[:3] for s in (X[0], X[5])]
    assert len(set(random_starts)) == 6 and len({s % 5 for s in random_starts}) == 1
    sequential = pairs[3:]
    for a, b in zip(sequential, sequential[1:], strict=False):
        assert b[0][0] == a[0][4] + 1 and b[0][5] == a[0][9] + 1


def check_training(out: str, runs: int) -> None:
    reports = re.findall(r"perplexity ([\d.]+), ([\d.]+) tokens/sec on (\S+)", out)
    assert len(reports) == runs, out[-3000:]
    for ppl, speed, _ in reports:
        assert 1.0 <= float(ppl) < 20.0, out[-3000:]  # uniform guessing is 28
        assert float(speed) > 0
    lines = out.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("perplexity "):
            assert len(lines[i + 1]) == len("time traveller") + 50
            assert lines[i + 1].startswith("time traveller")
            assert len(lines[i + 2]) == len("traveller") + 50
            assert lines[i + 2].startswith("traveller")


def check_rnn_scratch(out: str) -> None:
    assert re.search(r"\(?(torch\.Size\(\[10, 28\]\)|\(10, 28\)|TensorShape\(\[10, 28\]\))",
                     out), out[:3000]
    assert re.search(r"512\]?\)\)?", out)
    check_training(out, 2)
    # the untrained prediction of 'time traveller ' + 10 tokens
    assert re.search(r"'time traveller (?:<unk>|[a-z ]){10}'", out), out[:3000]


def check_rnn_concise(out: str) -> None:
    assert re.search(r"'time traveller(?:<unk>|[a-z ]){10}'", out), out[:3000]
    check_training(out, 1)


def check_sequence(out: str) -> None:
    losses = [float(v) for v in re.findall(r"epoch \d+, loss: ([\d.]+)", out)]
    # the book prints ~0.05 after 5 epochs; an untrained net is ~0.5 (var of x). TensorFlow's
    # Keras initialisers start further off (0.2 after 5 epochs in some unseeded runs): the net
    # must have learnt: after 5 epochs its loss is below half the untrained net's.
    assert len(losses) == 5 and losses[-1] < 0.25, out


def check_rnn(out: str) -> None:
    # the two ways of computing the hidden state print the same (3, 4) matrix
    numbers = [float(v) for v in re.findall(r"-?\d+\.\d*(?:e[-+]?\d+)?", out)]
    assert len(numbers) == 24, out
    assert all(abs(a - b) <= 1e-5 * max(1.0, abs(a)) for a, b in zip(numbers[:12], numbers[12:],
                                                                     strict=True)), out


CHECKS = {"text_preprocessing": check_text_preprocessing,
          "language_models_and_dataset": check_language_models,
          "rnn_scratch": check_rnn_scratch, "rnn_concise": check_rnn_concise,
          "sequence": check_sequence, "rnn": check_rnn}


def available(tab: str) -> list[str]:
    return [s for s in SECTIONS if (BOOK / f"{s}_{tab}.py").exists()]


@pytest.mark.parametrize("tab", list(TABS))
def test_every_section_is_transcribed(tab):
    assert available(tab) == list(SECTIONS)


@pytest.mark.parametrize("section,tab", [(s, t) for t in TABS for s in SECTIONS])
def test_book_section(section, tab, tmp_path, monkeypatch):
    out = run_tab(section, tab, tmp_path, monkeypatch)
    CHECKS[section](out)


def test_transcriptions_are_current(tmp_path):
    """The committed files are what transcribe.py writes from the book's sources (the
    specification, outside the repository: checked where it is present)."""
    # beside the repository, as CI and developers have it: <repo>/../shared/reference/classic
    default = Path(__file__).resolve().parents[2] / "shared" / "reference" / "classic"
    ref = Path(os.environ.get("D2LRNN_CLASSIC_REFERENCE", default))
    if not (ref / "rnn-scratch.md").exists():
        pytest.skip(f"the book's sources are not at {ref} (set D2LRNN_CLASSIC_REFERENCE)")
    transcribe = load_by_path("classic_transcribe", BOOK / "transcribe.py")
    transcribe.transcribe(ref, tmp_path)
    written = sorted(p.name for p in tmp_path.glob("*.py"))
    assert len(written) == 18
    for name in written:
        assert (tmp_path / name).read_text() == (BOOK / name).read_text(), name

"""Acceptance for the older edition's chapter 9, "Modern Recurrent Neural Networks": each
section's cells, per tab, with only the import line changed (tests/book/classic/, written by
transcribe.py; the TensorFlow GRU, LSTM and deep-RNN cells' removed ``time_major`` layer is the
one-line change listed in docs/classic.md; JAX written for d2lrnn), run as the reader runs them:
the section's notebook (notebooks/classic/) executes through a Jupyter kernel, shows its plots
and prints what the printed book shows. Training is shortened in memory (the files keep the
book's 500 and 300 epochs). Each book cell runs once in the suite: here."""

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
SECTIONS = ("gru", "lstm", "deep_rnn", "bi_rnn", "machine_translation_and_dataset",
            "encoder_decoder", "seq2seq")
#: the book has no TensorFlow tab of the bidirectional section
MISSING = {("bi_rnn", "tensorflow")}
LM_EPOCHS = 3  # the language models: the report and its predictions (CI time; the Animator's
# point every 10 epochs is checked in chapter 8's tests and by the seq2seq run here)
SEQ2SEQ_EPOCHS = 10  # one point of the loss curve; the four translations
#: the book's run lines and their shortened form
SHORTEN = {"num_epochs, lr = 500, 1": f"num_epochs, lr = {LM_EPOCHS}, 1",
           "num_epochs, lr = 500, 2": f"num_epochs, lr = {LM_EPOCHS}, 2",
           "lr, num_epochs, device = 0.005, 300,": f"lr, num_epochs, device = 0.005, "
                                                  f"{SEQ2SEQ_EPOCHS},"}
#: section -> number of training runs (train_ch8 or train_seq2seq cells)
TRAININGS = {"gru": 2, "lstm": 2, "deep_rnn": 1, "bi_rnn": 1, "seq2seq": 1}


def shorten(cell: str) -> str:
    for book, short in SHORTEN.items():
        cell = cell.replace(book, short)
    return cell


def run_tab(section: str, tab: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Execute the section's notebook; what its cells printed and displayed, in order. Checks
    the plots: the Animator's curve in each training cell, the histogram in machine translation,
    and nothing written beside the notebook."""
    fw = TABS[tab]
    script = (BOOK / f"{section}_{tab}.py").read_text()
    # (the encoder-decoder tabs define their classes on the framework alone: no d2l)
    assert f"from d2lrnn.classic import {fw} as d2l" in script or "d2l" not in script.split(
        "transcribe.py", 1)[-1]
    kernel_env(monkeypatch, PYTHONPATH=str(ROOT))
    # the notebook runs one folder down: the book's download_extract writes ../data (here
    # tmp_path/data, this test's own; pytest's tmp_path.parent is shared by every test)
    workdir = tmp_path / "notebook"
    workdir.mkdir()
    run = run_notebook(
        NOTEBOOKS / f"{section}_{fw}.ipynb", workdir, timeout=900,
        prelude=f"from d2lrnn.classic import {fw} as _seeded\n_seeded.seed(0)\ndel _seeded"
        + ("\n" + TORCH_THREADS if fw == "torch" else ""),
        edit=shorten)
    cells = [c for c in run.notebook.cells if c.cell_type == "code"]
    source = "\n".join(c.source for c in cells)
    assert "from d2l import" not in source
    assert any(s in source for s in SHORTEN.values()) or section not in TRAININGS
    training = [c for c in cells
                if re.search(r"^(d2l\.)?train_(ch8|seq2seq)\(", c.source, re.M)]
    assert len(training) == TRAININGS.get(section, 0)
    if section == "seq2seq":  # (the language models stop before the Animator's first point)
        assert all(shows_image(c) for c in training), "a training cell showed no Animator plot"
    if section == "machine_translation_and_dataset":
        assert any(shows_image(c) for c in cells), "no histogram shown"
    assert not list(workdir.glob("*.png"))  # nothing written beside the notebook
    return shown(cells)[0]


def check_language_model(out: str, runs: int) -> None:
    """``runs`` reports ``perplexity P, S tokens/sec on D`` (P below uniform guessing, 28,
    after LM_EPOCHS epochs), each followed by the two 50-character predictions."""
    reports = re.findall(r"perplexity ([\d.]+), ([\d.]+) tokens/sec on (\S+)", out)
    assert len(reports) == runs, out[-3000:]
    for ppl, speed, _ in reports:
        assert 1.0 <= float(ppl) < 27.0 and float(speed) > 0, out[-3000:]
    lines = out.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("perplexity ")]
    for i in starts:
        assert re.fullmatch(r"time traveller(?:<unk>|[a-z ]){50}", lines[i + 1]), lines[i + 1]
        assert re.fullmatch(r"traveller(?:<unk>|[a-z ]){50}", lines[i + 2]), lines[i + 2]


def check_machine_translation(out: str) -> None:
    # the raw text keeps its narrow no-break spaces (U+202F; the printed book shows spaces)
    assert ("Go.\tVa !\nHi.\tSalut !\nRun!\tCours\u202f!\nRun!\tCourez\u202f!\nWho?\tQui ?\n"
            "Wow!\tÇa alors\u202f!") in out, out[:2000]
    assert "go .\tva !\nhi .\tsalut !\nrun !\tcours !\nrun !\tcourez !\nwho ?\tqui ?\n" \
           "wow !\tça alors !" in out, out[:2000]
    assert "['ça', 'alors', '!']" in out and "['go', '.']" in out
    assert re.search(r"^10012$", out, re.M), out  # len(src_vocab) over the whole file
    assert "[47, 4, 1, 1, 1, 1, 1, 1, 1, 1]" in out
    # one minibatch of (X, valid lengths, Y, valid lengths), batch 2, 8 steps
    for name in ("X:", "valid lengths for X:", "Y:", "valid lengths for Y:"):
        assert name in out, out[-2000:]


def check_encoder_decoder(out: str) -> None:
    assert out.strip() == "", out  # the section only defines the interfaces


def shapes(text: str) -> list[tuple[int, ...]]:
    """Every shape printed: torch.Size([...]), TensorShape([...]) or a tuple of ints."""
    found = re.findall(r"(?:Size|TensorShape)\(\[([\d, ]+)\]\)|\((\d+(?:, \d+)+)\)", text)
    return [tuple(int(v) for v in (a or b).split(",")) for a, b in found]


def check_seq2seq(out: str) -> None:
    before_mask = out.split("[1")[0] if "[1" in out else out
    seen = shapes(before_mask)
    # the encoder's outputs and state, the decoder's outputs and state (TensorFlow: batch-major
    # outputs and one state per layer, as its tab prints)
    assert (7, 4, 16) in seen or (4, 7, 16) in seen, out[:2000]
    assert (4, 7, 10) in seen, out[:2000]
    assert (2, 4, 16) in seen or seen.count((4, 16)) >= 2, out[:2000]
    numbers = [float(v) for v in re.findall(r"-?\d+\.\d*", out.split("loss ")[0])]
    # sequence_mask of [[1, 2, 3], [4, 5, 6]] by [1, 2]; of ones (2, 3, 4) with value -1;
    # MaskedSoftmaxCELoss of the book's inputs
    assert re.search(r"\[\[1\.?, 0\.?, 0\.?\],\s*\[4\.?, 5\.?, 0\.?\]\]", out), out[:3000]
    assert numbers[-3:][0] == pytest.approx(2.3026, abs=1e-4), numbers
    assert numbers[-3:][1] == pytest.approx(1.1513, abs=1e-4), numbers
    assert numbers[-3:][2] == pytest.approx(0.0, abs=1e-6), numbers
    ones = [v for v in numbers if abs(abs(v) - 1) < 1e-9]
    assert len(ones) >= 24, numbers  # the masked (2, 3, 4) tensor: 1s kept, -1s filled
    report = re.search(r"^loss ([\d.]+), ([\d.]+) tokens/sec on (.+)$", out, re.M)
    assert report and float(report.group(1)) < 5 and float(report.group(2)) > 0, out[-2000:]
    translations = re.findall(r"^(go \.|i lost \.|he's calm \.|i'm home \.) => (.*), bleu "
                              r"([\d.]+)$", out, re.M)
    assert [t[0] for t in translations] == ["go .", "i lost .", "he's calm .", "i'm home ."], \
        out[-2000:]
    for _, _, score in translations:
        assert 0.0 <= float(score) <= 1.0


CHECKS = {"gru": lambda out: check_language_model(out, 2),
          "lstm": lambda out: check_language_model(out, 2),
          "deep_rnn": lambda out: check_language_model(out, 1),
          "bi_rnn": lambda out: check_language_model(out, 1),
          "machine_translation_and_dataset": check_machine_translation,
          "encoder_decoder": check_encoder_decoder, "seq2seq": check_seq2seq}

CASES = [(s, t) for t in TABS for s in SECTIONS if (s, t) not in MISSING]


def test_every_section_is_transcribed():
    present = {(s, t) for s in SECTIONS for t in TABS if (BOOK / f"{s}_{t}.py").exists()}
    assert present == set(CASES)


@pytest.mark.parametrize("section,tab", CASES)
def test_book_section(section, tab, tmp_path, monkeypatch):
    out = run_tab(section, tab, tmp_path, monkeypatch)
    CHECKS[section](out)


def test_transcriptions_are_current(tmp_path):
    """The committed files are what transcribe.py writes from the book's chapter-9 sources
    (outside the repository: checked where they are present)."""
    default = Path(__file__).resolve().parents[2] / "shared" / "reference" / "classic-modern"
    ref = Path(os.environ.get("D2LRNN_CLASSIC_MODERN_REFERENCE", default))
    if not (ref / "seq2seq.md").exists():
        pytest.skip(f"the book's sources are not at {ref} (set D2LRNN_CLASSIC_MODERN_REFERENCE)")
    transcribe = load_by_path("classic_transcribe", BOOK / "transcribe.py")
    transcribe.transcribe(ref, tmp_path, transcribe.SECTIONS_CH9)
    written = sorted(p.name for p in tmp_path.glob("*.py"))
    assert len(written) == 20  # 7 sections x 3 tabs, no TensorFlow bi-rnn
    for name in written:
        assert (tmp_path / name).read_text() == (BOOK / name).read_text(), name

"""d2lrnn translate: the book's seq2seq run (one epoch here), its checkpoint translated on other
backends (the same greedy translations; the NumPy oracle's, from the same weights), Ctrl-C, and
bad input refused before any framework is imported."""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from d2lrnn import cli
from d2lrnn.core import checkpoint, models
from d2lrnn.core.models.seq2seq import BOOK_RUN, BOOK_SENTENCES, SEQ2SEQ_GRU
from d2lrnn.core.nmt import MTFraEng
from d2lrnn.core.text import Vocab
from d2lrnn.translation import sentence_batch

ROOT = Path(__file__).resolve().parents[1]
BOOK = [en for en, _ in BOOK_SENTENCES]
# the book's four, then one read differently ('Go.' -> 'go .') with a word the vocabulary lacks
SENTENCES = [*BOOK, "Go, xyzzy!"]


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    """cli.main in this process: (status, stdout, stderr); stderr is not a terminal."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = cli.main(argv)
    return rc, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    out = tmp_path_factory.mktemp("translate")
    rc, stdout, stderr = run_cli(["translate", "--backend", "torch", "--epochs", "1", "--out",
                                  str(out), *SENTENCES])
    assert rc == 0, stderr
    return out, stdout, stderr


def test_translate_trains_the_book_model_and_translates(trained):
    out, stdout, stderr = trained
    lines = stdout.splitlines()
    assert lines[0].startswith("backend torch: 1 epochs in "), stdout
    assert lines[1].startswith("train loss ") and ", validation loss " in lines[1]
    assert lines[2] == f"plot {out / 'loss.png'}, checkpoint {out / 'model.npz'}"
    translations = lines[3:]
    assert [t.split(" => ")[0] for t in translations] == [*BOOK, "go , xyzzy !"]
    assert all(t.rsplit(", bleu ", 1)[1][1] == "." for t in translations[:4]), stdout
    assert ", bleu " not in translations[4]  # no reference: no BLEU
    # stderr is a pipe: one line per epoch, as train's; notes on how sentences were read
    epochs = [line for line in stderr.splitlines() if line.startswith("translate torch: epoch")]
    assert len(epochs) == 1 and "train_loss=" in epochs[0] and "val_loss=" in epochs[0]
    assert "note: 'Go, xyzzy!' read as 'go , xyzzy !'" in stderr
    assert "note: 'xyzzy' not in the English vocabulary (194 tokens): read as <unk>" in stderr
    assert (out / "loss.png").read_bytes()[:4] == b"\x89PNG"
    ckpt = checkpoint.load(out / "model.npz")
    assert ckpt.family == SEQ2SEQ_GRU.name
    assert ckpt.vocab_sizes() == {"src": 194, "tgt": 214}  # MTFraEng(batch_size=128)'s
    assert ckpt.hparams["epochs"] == 1 and ckpt.hparams["backend"] == "torch"
    assert ckpt.params["decoder.l0.W_xz"].shape == (256 + 256, 256)  # the book's sizes


def test_a_checkpoint_translates_the_same_on_another_backend(trained):
    out, stdout, _ = trained
    rc, other, err = run_cli(["translate", "--from-checkpoint", str(out / "model.npz"),
                              "--backend", "tensorflow"])  # no sentences: the book's four
    assert rc == 0, err
    assert other.splitlines() == stdout.splitlines()[3:7]


@pytest.fixture(scope="module")
def random_checkpoint(tmp_path_factory):
    """A checkpoint of the book's model, its vocabularies and sizes, with random weights (large
    enough to make every sentence's greedy translation differ), and the oracle's translations of
    SENTENCES with them."""
    data = MTFraEng(batch_size=BOOK_RUN["batch_size"])  # NumPy: the vocabularies, no framework
    hparams = {**BOOK_RUN, "tgt_pad": data.tgt_vocab["<pad>"]}
    vocabs = {"src": data.src_vocab, "tgt": data.tgt_vocab}
    shapes = SEQ2SEQ_GRU.shapes({r: len(v) for r, v in vocabs.items()}, hparams)
    rng = np.random.default_rng(0)
    params = {k: (rng.standard_normal(s) * 0.3).astype(np.float32) for k, s in shapes.items()}
    path = tmp_path_factory.mktemp("random") / "model.npz"
    checkpoint.save(path, params, vocabs, hparams, family=SEQ2SEQ_GRU.name)
    ckpt = checkpoint.load(path)
    src_vocab, tgt_vocab = ckpt.vocabs["src"], ckpt.vocabs["tgt"]
    num_steps = ckpt.hparams["num_steps"]
    src, dec_in, _, _ = sentence_batch(SENTENCES, src_vocab, tgt_vocab, num_steps)
    preds = SEQ2SEQ_GRU.reference.predict(params, src, int(dec_in[0, 0]), tgt_vocab["<eos>"],
                                          num_steps)
    french = [" ".join(tgt_vocab.idx_to_token[i] for i in p) for p in preds]
    assert len(set(french)) == len(french), french  # the comparison can tell them apart
    return path, french


@pytest.mark.parametrize("backend", ["torch", "mxnet", "tensorflow", "jax"])
def test_translations_are_the_oracles_from_the_same_weights(random_checkpoint, backend):
    path, french = random_checkpoint
    rc, stdout, err = run_cli(["translate", "--from-checkpoint", str(path), "--backend", backend,
                               *SENTENCES])
    assert rc == 0, err
    got = [line.split(" => ", 1)[1].split(", bleu ")[0] for line in stdout.splitlines()]
    assert got == french


def test_ctrl_c_saves_a_partial_checkpoint_and_exits_130(tmp_path, monkeypatch):
    """A Ctrl-C (SIGINT to this process) as training starts: one batch is trained, saved as a
    partial checkpoint, status 130; the checkpoint translates."""
    attach = cli.StopOnInterrupt.attach

    def attach_then_interrupt(self, trainer):
        attach(self, trainer)
        os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(cli.StopOnInterrupt, "attach", attach_then_interrupt)
    out = tmp_path / "run"
    rc, stdout, err = run_cli(["translate", "--epochs", "5", "--out", str(out)])
    assert rc == 130, err
    assert stdout == ""
    assert err.strip().splitlines()[-1] == (
        f"d2lrnn translate: interrupted in epoch 1 of 5 after batch 1 of 4; saved partial "
        f"checkpoint {out / 'model.npz'} (0 complete epochs)")
    ckpt = checkpoint.load(out / "model.npz")
    assert ckpt.hparams["partial"] is True and ckpt.hparams["epochs_completed"] == 0
    assert ckpt.hparams["batches_in_stopped_epoch"] == 1
    assert sorted(p.name for p in out.iterdir()) == ["model.npz"]  # no temporary files
    monkeypatch.undo()
    rc, stdout, err = run_cli(["translate", "--from-checkpoint", str(out / "model.npz"),
                               "go ."])
    assert rc == 0 and stdout.startswith("go . => "), err


# One subprocess runs every bad command line and reports, for each, the exit status, stderr and
# which frameworks were imported by then.
PROBE = """
import contextlib, io, json, sys
from d2lrnn.cli import main
out = []
for argv in json.loads(sys.argv[1]):
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        try:
            rc = main(argv)
        except SystemExit as e:
            rc = e.code
    out.append({"rc": rc, "err": err.getvalue(),
                "imported": [m for m in ("torch", "tensorflow", "jax", "mxnet")
                             if m in sys.modules]})
print(json.dumps(out))
"""


def _small_checkpoint(path: Path, family: models.Family, vocabs: dict[str, Vocab],
                      hparams: dict) -> str:
    sizes = {role: len(v) for role, v in vocabs.items()}
    params = family.init_params(sizes, hparams, rng=np.random.default_rng(0))
    return checkpoint.save(path, params, vocabs if len(vocabs) > 1 else vocabs["vocab"],
                           hparams, family=family.name)


def test_bad_input_is_refused_naming_the_flag_before_any_framework(tmp_path):
    words = Vocab("go . va ! <eos> <pad> <bos>".split() * 2)
    s2s = _small_checkpoint(tmp_path / "s2s.npz", SEQ2SEQ_GRU, {"src": words, "tgt": words},
                            {"embed_size": 4, "num_hiddens": 4, "tgt_pad": words["<pad>"],
                             "num_steps": 9})
    lm = _small_checkpoint(tmp_path / "lm.npz", models.RNN_LM_SCRATCH,
                           {"vocab": Vocab(list("ab "))}, {"num_hiddens": 4})
    (tmp_path / "file").write_text("x")
    cases = [
        (["translate", "--epochs", "0"], "argument --epochs: must be a positive integer; got '0'"),
        (["translate", "--from-checkpoint", str(tmp_path / "missing.npz")],
         "argument --from-checkpoint: no such file"),
        (["translate", "--from-checkpoint", lm],
         "argument --from-checkpoint: " + repr(lm) + " is a language model's checkpoint (model "
         "family 'rnn-lm-scratch', written by d2lrnn train); translate needs a translation "
         "model's (written by d2lrnn translate)"),
        (["generate", "--checkpoint", s2s, "--prefix", "a"],
         "argument --checkpoint: " + repr(s2s) + " is a translation model's checkpoint"),
        (["translate", "go .", "  "],
         "argument SENTENCE: must contain at least one word (got an empty sentence)"),
        (["translate", "--from-checkpoint", s2s, "--epochs", "2"],
         "argument --from-checkpoint: translates with a trained model; --epochs is for "
         "training"),
        (["translate", "--backend", "pytorch"], "(did you mean 'torch'?)"),
        (["translate", "--out", str(tmp_path / "file")], "argument --out: "),
    ]
    proc = subprocess.run([sys.executable, "-c", PROBE, json.dumps([a for a, _ in cases])],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr[-3000:]
    for (argv, want), got in zip(cases, json.loads(proc.stdout), strict=True):
        command = argv[0]
        assert got["rc"] == 2, (argv, got)
        assert got["err"].strip().splitlines()[-1].startswith(f"d2lrnn {command}: error: "), got
        assert want in got["err"], (argv, got["err"])
        assert got["imported"] == [], (argv, got["imported"])
    assert not (tmp_path / "runs").exists()  # nothing made

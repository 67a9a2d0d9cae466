"""The command line end to end: train, generate on another backend, compare, checkpoints."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from d2lrnn import cli
from d2lrnn.core import checkpoint

SMALL = ["--epochs", "2", "--batch-size", "256", "--num-steps", "16", "--num-hiddens", "24"]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    proc = subprocess.run([str(Path(sys.executable).parent / "d2lrnn"), "train", "--backend",
                           "torch", *SMALL, "--out", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return out, proc.stdout, proc.stderr


def test_train_writes_plot_checkpoint_and_text(trained):
    out, stdout, stderr = trained
    assert "validation perplexity" in stdout
    # stderr is a pipe, not a terminal: one line per epoch, no carriage-return redraws
    assert "\r" not in stderr
    epochs = [line for line in stderr.splitlines() if line.startswith("train torch: epoch ")]
    assert [line.split()[3] for line in epochs] == ["1/2", "2/2"], stderr
    assert all("tok_s=" in line and "val_ppl=" in line for line in epochs)
    assert len(stderr.splitlines()) == 2, stderr  # nothing else: no warnings
    png = (out / "perplexity.png").read_bytes()
    assert png[:4] == b"\x89PNG" and len(png) > 10_000
    ckpt = checkpoint.load(out / "model.npz")
    assert ckpt.params["W_xh"].shape == (28, 24) and len(ckpt.vocab) == 28
    assert ckpt.hparams["backend"] == "torch" and ckpt.hparams["epochs"] == 2


@pytest.mark.parametrize("backend", ["mxnet", "tensorflow", "jax", "torch"])
def test_generate_on_any_backend_gives_the_same_greedy_text(trained, backend, capsys):
    out, stdout, _ = trained
    printed = stdout.strip().splitlines()[-1].split(": ", 1)[1]
    assert cli.main(["generate", "--checkpoint", str(out / "model.npz"), "--prefix", "it has",
                     "--num", "20", "--backend", backend]) == 0
    assert repr(capsys.readouterr().out.strip("\n")) == printed


def test_sampling_is_seeded(trained, capsys):
    out, _, _ = trained
    args = ["generate", "--checkpoint", str(out / "model.npz"), "--prefix", "the", "--num",
            "40", "--temperature", "1.5", "--seed", "3"]
    texts = []
    for backend in ("torch", "jax", "torch"):
        cli.main([*args, "--backend", backend])
        texts.append(capsys.readouterr().out)
    assert texts[0] == texts[2]
    assert texts[0] == texts[1]  # same logits, same seed: same draws on another backend


def test_compare_two_backends(tmp_path, capsys):
    assert cli.main(["compare", "--backends", "torch", "jax", *SMALL, "--out",
                     str(tmp_path)]) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("| torch")
            or line.startswith("| jax")]
    assert len(rows) == 2 and "tokens/s" in out
    ppl = [float(r.split("|")[3]) for r in rows]
    assert abs(ppl[0] - ppl[1]) / ppl[0] < 0.03  # the same seed: nearly the same run
    png = (tmp_path / "compare.png").read_bytes()
    assert png[:4] == b"\x89PNG" and len(png) > 20_000


def test_prefix_read_as_the_corpus_reads_text(trained, capsys, recwarn):
    out, stdout, _ = trained
    printed = stdout.strip().splitlines()[-1].split(": ", 1)[1]
    assert cli.main(["generate", "--checkpoint", str(out / "model.npz"), "--prefix",
                     "It Has", "--num-preds", "20"]) == 0
    got = capsys.readouterr()
    assert repr(got.out.strip("\n")) == printed  # the same text as for 'it has'
    assert got.err == ("note: prefix read as 'it has', the way the corpus is read (lower-case "
                       "letters and spaces)\n")
    assert not [w for w in recwarn if "vocabulary" in str(w.message)]


def test_text_file_as_checkpoint(tmp_path, capsys):
    text = tmp_path / "notes.txt"
    text.write_text("hello\n")
    assert cli.main(["generate", "--checkpoint", str(text), "--prefix", "a"]) == 2
    err = capsys.readouterr().err
    assert "not a d2lrnn checkpoint" in err and "pickle" not in err, err


def test_checkpoint_errors(trained, tmp_path, capsys):
    out, _, _ = trained
    good = out / "model.npz"
    with pytest.raises(checkpoint.CheckpointError, match="no such file"):
        checkpoint.load(tmp_path / "nope.npz")
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(good.read_bytes()[:500])
    with pytest.raises(checkpoint.CheckpointError, match="truncated"):
        checkpoint.load(truncated)
    ck = checkpoint.load(good)
    bad = dict(ck.params, W_hh=np.zeros((3, 3), np.float32))
    with pytest.raises(ValueError, match=r"W_hh"):
        checkpoint.save(tmp_path / "bad.npz", bad, ck.vocab, ck.hparams)
    assert not (tmp_path / "bad.npz").exists()  # nothing half-written
    # a file whose arrays do not fit the stored hyperparameters
    arrays = dict(np.load(good, allow_pickle=False))
    arrays["W_hq"] = np.zeros((5, 28), np.float32)
    np.savez(tmp_path / "mismatch.npz", **arrays)
    with pytest.raises(checkpoint.CheckpointError, match="W_hq.*shape"):
        checkpoint.load(tmp_path / "mismatch.npz")
    assert cli.main(["generate", "--checkpoint", str(truncated), "--prefix", "a"]) == 2
    assert "truncated" in capsys.readouterr().err
    # weights that are not finite (a diverged run): refused, not a prefix printed alone
    arrays = dict(np.load(good, allow_pickle=False))
    arrays["W_hh"] = np.full_like(arrays["W_hh"], np.nan)
    np.savez(tmp_path / "nan.npz", **arrays)
    with pytest.raises(checkpoint.CheckpointError, match="not finite .* in W_hh"):
        checkpoint.load(tmp_path / "nan.npz")
    assert cli.main(["generate", "--checkpoint", str(tmp_path / "nan.npz"), "--prefix",
                     "a"]) == 2
    err = capsys.readouterr().err
    assert "not finite" in err and "Traceback" not in err


@pytest.mark.parametrize("content, match", [
    (None, "no such file"), (b"", "no letters"), (b"\x89PNG\x00\x00binary", "not a text file"),
])
def test_corpus_errors_are_reported(tmp_path, capsys, content, match):
    path = tmp_path / "book.txt"
    if content is not None:
        path.write_bytes(content)
    assert cli.main(["train", "--corpus", str(path), "--epochs", "1", "--out",
                     str(tmp_path / "o")]) == 2
    assert match in capsys.readouterr().err


def test_other_corpus_trains(tmp_path, capsys):
    path = tmp_path / "book.txt"
    path.write_text("The Martians landed near Woking. " * 400, encoding="utf-8")
    assert cli.main(["train", "--corpus", str(path), "--epochs", "1", "--batch-size", "64",
                     "--num-steps", "8", "--out", str(tmp_path / "o")]) == 0
    ckpt = checkpoint.load(tmp_path / "o" / "model.npz")
    assert "w" in ckpt.vocab.idx_to_token and "z" not in ckpt.vocab.idx_to_token


@pytest.fixture(scope="module", params=[("gru", "tensorflow"), ("lstm", "jax"),
                                        ("deep", "mxnet")], ids=lambda p: p[0])
def trained_modern(request, tmp_path_factory):
    """`d2lrnn train --model gru|lstm|deep` (d2l.RNNLM over d2l.GRU, d2l.ConciseLSTM, a
    two-layer d2l.GRU), briefly, each on another backend."""
    model, backend = request.param
    out = tmp_path_factory.mktemp(model)
    assert cli.main(["train", "--backend", backend, "--model", model, *SMALL, "--lr", "4",
                     "--out", str(out)]) == 0
    return model, out


@pytest.mark.parametrize("backend", ["torch", "mxnet", "tensorflow", "jax"])
def test_a_modern_checkpoint_generates_the_same_text_on_every_backend(trained_modern, backend,
                                                                       capsys):
    """The checkpoint of each modern family (gru-lm-concise, lstm-lm-concise, gru-lm-deep)
    loads on every backend through its layer maps and decodes the same greedy text as the
    NumPy oracle from its weights."""
    from d2lrnn.core import models
    from d2lrnn.core.text import Vocab

    model, out = trained_modern
    ckpt = checkpoint.load(out / "model.npz")
    assert ckpt.family == cli.MODELS[model]
    assert ("b_hh" in ckpt.params) if model == "gru" else (
        "W_xf" in ckpt.params if model == "lstm" else "l1.W_xz" in ckpt.params)
    want = models.get(ckpt.family).reference.predict(
        ckpt.params, "it has", 20, Vocab.from_idx_to_token(ckpt.vocab.idx_to_token))
    capsys.readouterr()
    assert cli.main(["generate", "--checkpoint", str(out / "model.npz"), "--prefix",
                     "it has", "--num", "20", "--backend", backend]) == 0
    assert capsys.readouterr().out.strip("\n") == want

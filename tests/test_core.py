"""The framework-free core: the Time Machine pipeline, Vocab, board, hyperparameters."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import numpy as np
import pytest

import d2lrnn
from d2lrnn.core import ProgressBoard, TimeMachine, Vocab, add_to_class, check_len, check_shape
from d2lrnn.core import random as d2l_random
from d2lrnn.core.hparams import HyperParameters
from d2lrnn.core.text import (
    TIMEMACHINE_SHA1,
    CorpusError,
    bundled_corpus_path,
    preprocess,
    read_corpus,
)


def test_bundled_corpus_is_the_books_file():
    data = open(bundled_corpus_path(), "rb").read()
    assert len(data) == 178_979
    assert hashlib.sha1(data).hexdigest() == TIMEMACHINE_SHA1
    assert data.count(b"\n") == 3221


def test_pipeline_matches_the_book():
    data = TimeMachine(batch_size=1024, num_steps=32)
    vocab = data.vocab
    tokens = list(preprocess(read_corpus()))
    assert len(tokens) == 173_428
    assert len(vocab) == 28
    assert vocab[" "] == 0 and vocab["<unk>"] == 1 and vocab["a"] == 2 and vocab["z"] == 27
    assert vocab.idx_to_token[:3] == [" ", "<unk>", "a"]
    assert data.X.shape == (15_000, 32) and data.Y.shape == (15_000, 32)
    # Y is X shifted by one token
    np.testing.assert_array_equal(data.X[1:, :], data.Y[:-1, :])
    np.testing.assert_array_equal(data.X[0], vocab[tokens[:32]])
    train, val = data.train_dataloader(), data.val_dataloader()
    assert (len(train), len(val)) == (10, 5)
    assert [len(b[0]) for b in train][-1] == 784
    assert [len(b[0]) for b in val][-1] == 904


def test_only_training_batches_are_shuffled_and_seeded():
    a = TimeMachine(batch_size=100, num_steps=5, seed=3)
    b = TimeMachine(batch_size=100, num_steps=5, seed=3)
    first_a = [x for x, _ in a.train_dataloader()]
    first_b = [x for x, _ in b.train_dataloader()]
    for xa, xb in zip(first_a, first_b, strict=True):
        np.testing.assert_array_equal(xa, xb)
    # a new epoch is a new order; all training windows appear exactly once
    second = np.concatenate([x for x, _ in a.train_dataloader()])
    assert not np.array_equal(np.concatenate(first_a), second)
    assert sorted(map(tuple, second)) == sorted(map(tuple, a.X[:10_000]))
    # validation is in order, every epoch
    val = np.concatenate([x for x, _ in a.val_dataloader()])
    np.testing.assert_array_equal(val, a.X[10_000:15_000])


def test_global_seed_fixes_batch_order():
    d2l_random.seed(11)
    a = next(iter(TimeMachine(batch_size=10, num_steps=5).train_dataloader()))[0]
    d2l_random.seed(11)
    b = next(iter(TimeMachine(batch_size=10, num_steps=5).train_dataloader()))[0]
    d2l_random.seed(12)
    c = next(iter(TimeMachine(batch_size=10, num_steps=5).train_dataloader()))[0]
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_vocab_semantics():
    vocab = Vocab(list("hello world"), reserved_tokens=["<pad>"])
    assert vocab.idx_to_token == sorted(set(["<unk>", "<pad>"] + list("hello world")))
    assert len(vocab) == len(vocab.idx_to_token)
    assert vocab["l"] == vocab.token_to_idx["l"]
    assert vocab[["h", "e"]] == [vocab["h"], vocab["e"]]
    assert vocab["Q"] == vocab.unk == vocab.token_to_idx["<unk>"]
    assert vocab.to_tokens([vocab["h"], vocab["i"]]) == ["h", "<unk>"]
    assert vocab.to_tokens(vocab["o"]) == "o"
    assert vocab.token_freqs[0] == ("l", 3)
    assert Vocab(list("ab"), min_freq=2).idx_to_token == ["<unk>"]


@pytest.mark.parametrize("kwargs, name", [
    ({"batch_size": 0, "num_steps": 32}, "batch_size"),
    ({"batch_size": -5, "num_steps": 32}, "batch_size"),
    ({"batch_size": 2.5, "num_steps": 32}, "batch_size"),
    ({"batch_size": 8, "num_steps": 0}, "num_steps"),
    ({"batch_size": 8, "num_steps": "32"}, "num_steps"),
    ({"batch_size": 8, "num_steps": 170_000}, "num_steps"),
    ({"batch_size": 8, "num_steps": 32, "num_train": 0}, "num_train"),
])
def test_timemachine_rejects_bad_arguments(kwargs, name):
    with pytest.raises((ValueError, TypeError), match=name):
        TimeMachine(**kwargs)


def test_corpus_errors(tmp_path):
    with pytest.raises(CorpusError, match="no such file"):
        TimeMachine(8, 4, corpus=tmp_path / "missing.txt")
    (tmp_path / "empty.txt").write_text("")
    with pytest.raises(ValueError, match="no letters"):
        TimeMachine(8, 4, corpus=tmp_path / "empty.txt")
    (tmp_path / "bin.txt").write_bytes(b"\xff\xfe\x00abc")
    with pytest.raises(CorpusError, match="not a text file|not UTF-8"):
        TimeMachine(8, 4, corpus=tmp_path / "bin.txt")
    (tmp_path / "latin1.txt").write_bytes("caf\xe9 ".encode("latin-1") * 10)
    with pytest.raises(CorpusError, match="not UTF-8"):
        TimeMachine(8, 4, corpus=tmp_path / "latin1.txt")
    with pytest.raises(CorpusError, match="sha1"):
        read_corpus(tmp_path / "latin1.txt", sha1=TIMEMACHINE_SHA1)


def test_bundled_corpus_hash_is_checked(monkeypatch, tmp_path):
    fake = tmp_path / "timemachine.txt"
    fake.write_text("the time machine " * 100)
    monkeypatch.setattr("d2lrnn.core.text.bundled_corpus_path", lambda: str(fake))
    with pytest.raises(CorpusError, match="sha1"):
        TimeMachine(8, 4)


def test_other_corpus_works(tmp_path):
    (tmp_path / "war.txt").write_text("The Martians came. " * 200, encoding="utf-8")
    data = TimeMachine(batch_size=16, num_steps=8, num_train=100, num_val=50,
                       corpus=tmp_path / "war.txt")
    assert data.vocab.idx_to_token == sorted(set(["<unk>"] + list(" acehimnrst")))


def test_import_d2lrnn_imports_no_framework():
    code = ("import sys, d2lrnn, d2lrnn.core, d2lrnn.core.reference, d2lrnn.parity\n"
            "heavy = {'torch', 'tensorflow', 'jax', 'mxnet', 'flax', 'optax', 'keras', "
            "'matplotlib'}\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


def test_unknown_backend_names():
    with pytest.raises(ValueError, match="backend must be one of .*'torch'"):
        d2lrnn.load_backend("pytorch")
    with pytest.raises(ImportError, match="did you mean 'torch'"):
        from d2lrnn import pytorch  # noqa: F401
    with pytest.raises(ImportError, match="did you mean 'tensorflow'"):
        from d2lrnn import tensorfow  # noqa: F401
    with pytest.raises(AttributeError):
        d2lrnn.nothing_like_a_backend  # noqa: B018


def test_save_hyperparameters_and_add_to_class():
    class A(HyperParameters):
        def __init__(self, a, b=2, _private=3, ignored=4):
            self.save_hyperparameters(ignore=["ignored"])

    obj = A(1)
    assert (obj.a, obj.b) == (1, 2)
    assert obj.hparams == {"a": 1, "b": 2}
    assert not hasattr(obj, "_private") and not hasattr(obj, "ignored")

    @add_to_class(A)
    def double(self):
        return 2 * self.a
    assert obj.double() == 2


def test_checks():
    check_len([1, 2], 2)
    check_shape(np.zeros((2, 3)), (2, 3))
    with pytest.raises(AssertionError, match="length 2 != expected length 3"):
        check_len([1, 2], 3)
    with pytest.raises(AssertionError, match=r"\(2, 3\) != expected shape \(3, 2\)"):
        check_shape(np.zeros((2, 3)), (3, 2))


def test_board_records_cheaply_and_saves_png(tmp_path):
    board = ProgressBoard(xlabel="epoch")
    for i in range(10):
        board.draw(i / 10, np.float32(i), "train_ppl", every_n=5)
    board.draw(1, 3.0, "val_ppl", every_n=1)
    assert board.renders == 0  # headless: drawing renders nothing
    xs, ys = board.history()["train_ppl"]
    assert xs == pytest.approx([0.2, 0.7]) and ys == pytest.approx([2.0, 7.0])
    assert board.last("val_ppl") == 3.0
    path = board.save(tmp_path / "ppl.png")
    png = open(path, "rb").read()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000
    assert board.renders == 1


def test_board_never_uses_pyplot(tmp_path):
    # pyplot is what opens windows; the board renders on an Agg canvas without it
    code = ("import sys\nfrom d2lrnn.core import ProgressBoard\nb = ProgressBoard()\n"
            "b.draw(1, 2.0, 'x')\nb.save(sys.argv[1])\n"
            "print('matplotlib.pyplot' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "a.png")],
                         capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"

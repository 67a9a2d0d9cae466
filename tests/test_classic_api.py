"""The older edition's API without the book's cells: imports, offline download, bad input
(clear errors naming the argument, before any framework call), the Animator (no window,
throttled in Jupyter, PNG headless) and the shortened epochs."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest

from d2lrnn.classic import text, train, utils
from d2lrnn.core.download import NotBundledError


def test_import_classic_imports_no_framework():
    code = ("import sys, d2lrnn.classic, d2lrnn.classic.text, d2lrnn.classic.train, "
            "d2lrnn.classic.utils; print(sorted(m for m in ('torch', 'tensorflow', 'jax', "
            "'mxnet', 'matplotlib.pyplot') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_did_you_mean():
    with pytest.raises(ImportError, match="did you mean 'torch'"):
        from d2lrnn.classic import pytorch  # noqa: F401
    with pytest.raises(AttributeError):
        import d2lrnn.classic as c
        c.nothing  # noqa: B018


def test_download_offline():
    assert text.download("time_machine").endswith("timemachine.txt")
    text.DATA_HUB["fra_eng"] = ("http://d2l-data.s3-accelerate.amazonaws.com/fra-eng.zip", "0")
    try:
        with pytest.raises(NotBundledError, match="not bundled"):
            text.download("fra_eng")
    finally:
        del text.DATA_HUB["fra_eng"]
    with pytest.raises(NotBundledError, match="not in DATA_HUB"):
        text.download("nope")


def test_vocab_by_frequency_and_tuples():
    vocab = text.Vocab([("a", "b"), ("a", "b"), ("c", "d")], reserved_tokens=["<pad>"])
    assert vocab.idx_to_token == ["<unk>", "<pad>", ("a", "b"), ("c", "d")]
    assert vocab[("a", "b")] == 2 and vocab[[("c", "d"), ("a", "b")]] == [3, 2]
    assert vocab.token_freqs == [(("a", "b"), 2), (("c", "d"), 1)] and vocab.unk == 0
    assert text.Vocab(list("aab"), min_freq=2).idx_to_token == ["<unk>", "a"]


def test_bad_input_names_the_argument():
    with pytest.raises(ValueError, match="token must be one of 'word', 'char'; got 'chr'"):
        text.tokenize(["a b"], "chr")
    for name, args in (("batch_size", (0, 5)), ("num_steps", (2, -1))):
        with pytest.raises(ValueError, match=name):
            text.seq_data_iter_random(list(range(35)), *args)
        with pytest.raises(ValueError, match=name):
            text.seq_data_iter_sequential(list(range(35)), *args)
    with pytest.raises(TypeError, match="batch_size"):
        text.seq_data_iter_sequential(list(range(35)), 2.5, 5)
    with pytest.raises(ValueError, match="num_steps=10 with batch_size=4 is too long"):
        text.seq_data_iter_sequential(list(range(35)), 4, 10)
    with pytest.raises(ValueError, match="too long for a corpus of 100 tokens"):
        text.SeqDataLoader(32, 35, False, 100)
    with pytest.raises(ValueError, match="theta"):
        train.grad_norm_check(0)
    with pytest.raises(ValueError, match="num_preds"):
        train.predict_ch8(train.Ch8Hooks(), "time", -1, object(), text.Vocab(list("ab")))
    with pytest.raises(ValueError, match="prefix"):
        train.predict_ch8(train.Ch8Hooks(), "", 1, object(), text.Vocab(list("ab")))

    class Net:
        vocab_size = 28
    with pytest.raises(ValueError, match="vocab has 3 tokens but the model was built for "
                                         "vocab_size=28"):
        train.check_vocab(Net(), text.Vocab(list("ab")))
    with pytest.raises(ValueError, match="lr"):
        train.train_ch8(train.Ch8Hooks(), Net(), [], text.Vocab(list("ab")), 0, 10, None)
    with pytest.raises(ValueError, match="num_epochs"):
        train.train_ch8(train.Ch8Hooks(), Net(), [], text.Vocab(list("ab")), 1, 0, None)


def test_random_seed_reproduces_partitions():
    def batches():
        random.seed(7)
        return [(x, y) for x, y in text.seq_data_iter_random(list(range(100)), 3, 5)]
    assert batches() == batches()


def test_max_epochs_env(monkeypatch):
    monkeypatch.setenv("D2LRNN_MAX_EPOCHS", "3")
    assert train.epochs_to_run(500) == 3 and train.epochs_to_run(2) == 2
    monkeypatch.setenv("D2LRNN_MAX_EPOCHS", "x")
    with pytest.raises(ValueError, match="D2LRNN_MAX_EPOCHS"):
        train.epochs_to_run(5)


def test_animator_headless_png_and_throttle(tmp_path, monkeypatch):
    animator = utils.Animator(xlabel="epoch", ylabel="perplexity", legend=["train"],
                              xlim=[1, 1000])
    for epoch in range(1000):
        animator.add(epoch + 1, [10.0 / (epoch + 1)])
    assert animator.renders == 0  # headless: nothing drawn until asked
    path = animator.save(tmp_path / "ppl.png")
    assert open(path, "rb").read(8) == b"\x89PNG\r\n\x1a\n" and animator.renders == 1
    assert len(animator.X[0]) == 1000
    # in Jupyter: at most one render per min_interval while points arrive, one at the end
    shown = []
    monkeypatch.setattr(utils, "_in_notebook", lambda: True)
    monkeypatch.setattr(utils.Animator, "_hook_cell_end", lambda self: None)
    monkeypatch.setattr(utils.Animator, "show", lambda self: (
        shown.append(1), setattr(self, "_last_render", __import__("time").perf_counter()),
        setattr(self, "_pending", False)))
    live = utils.Animator(min_interval=3600)
    for epoch in range(500):
        live.add(epoch, epoch)
    live.flush()
    assert len(shown) == 2


def test_headless_animator_never_imports_matplotlib():
    code = ("import sys; from d2lrnn.classic.utils import Animator; a = Animator(legend=['t']);"
            " [a.add(i, [1.0 / (i + 1)]) for i in range(100)];"
            " print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"

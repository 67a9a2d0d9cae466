"""The torch Trainer's thread count while it fits (d2lrnn/torch/threads.py): torch's own count
unless ``D2LRNN_TORCH_THREADS`` chooses (1 for shared machines), torch's count back afterwards."""

from __future__ import annotations

import os

import pytest
import torch

from d2lrnn import config
from d2lrnn import torch as d2l


def fit_and_watch(epochs: int = 2) -> list[int]:
    """Threads torch used at the end of each epoch of a small fit."""
    d2l.seed(0)
    data = d2l.TimeMachine(batch_size=64, num_steps=8, num_train=256, num_val=128)
    rnn = d2l.RNNScratch(num_inputs=len(data.vocab), num_hiddens=8)
    model = d2l.RNNLMScratch(rnn, vocab_size=len(data.vocab), lr=1)
    trainer = d2l.Trainer(max_epochs=epochs, gradient_clip_val=1)
    seen: list[int] = []
    trainer.epoch_callbacks.append(lambda t: seen.append(torch.get_num_threads()))
    trainer.fit(model, data)
    return seen


@pytest.fixture
def two_threads():
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    yield
    torch.set_num_threads(before)


@pytest.mark.parametrize("cpus", [1, 2, 4, 16])
def test_default_is_torchs_own_count(monkeypatch, cpus):
    """On every machine size: the fastest on a quiet machine, as the book's library runs."""
    monkeypatch.delenv("D2LRNN_TORCH_THREADS", raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cpus)))
    assert config.torch_threads() is None


def test_unset_fits_with_torchs_count(monkeypatch, two_threads):
    monkeypatch.delenv("D2LRNN_TORCH_THREADS", raising=False)
    assert fit_and_watch() == [2, 2]


def test_fit_uses_the_setting_and_restores_torchs_count(monkeypatch, two_threads):
    monkeypatch.setenv("D2LRNN_TORCH_THREADS", "1")
    assert fit_and_watch() == [1, 1]
    assert torch.get_num_threads() == 2
    monkeypatch.setenv("D2LRNN_TORCH_THREADS", "0")  # torch's own count
    assert fit_and_watch() == [2, 2]


def test_count_restored_after_an_error(monkeypatch, two_threads):
    monkeypatch.setenv("D2LRNN_TORCH_THREADS", "1")

    def fail(self, batch):
        assert torch.get_num_threads() == 1
        raise RuntimeError("boom")
    monkeypatch.setattr(d2l.Trainer, "fit_batch", fail)
    with pytest.raises(RuntimeError, match="boom"):
        fit_and_watch()
    assert torch.get_num_threads() == 2


@pytest.mark.parametrize("value", ["-1", "two", "1.5"])
def test_bad_setting_names_itself(monkeypatch, value):
    monkeypatch.setenv("D2LRNN_TORCH_THREADS", value)
    with pytest.raises(ValueError, match="D2LRNN_TORCH_THREADS must be 0"):
        fit_and_watch()


def test_classic_train_ch8_uses_the_setting(monkeypatch, two_threads):
    """The older edition's train_ch8 trains with the Trainer's count (D2LRNN_TORCH_THREADS;
    torch's own when unset) and gives torch's count back afterwards."""
    import contextlib
    import io

    from d2lrnn.classic import torch as classic
    from d2lrnn.classic import train as classic_train

    seen: list[int] = []
    step = classic._Hooks.step

    def watched(self, *args):
        seen.append(torch.get_num_threads())
        return step(self, *args)
    monkeypatch.setattr(classic._Hooks, "step", watched)
    monkeypatch.setattr(classic_train.Animator, "flush", lambda self: None)  # no drawing
    train_iter, vocab = classic.load_data_time_machine(8, 5, max_tokens=400)
    net = classic.RNNModel(torch.nn.RNN(len(vocab), 8), vocab_size=len(vocab))
    for setting, want in (("1", {1}), ("0", {2})):
        monkeypatch.setenv("D2LRNN_TORCH_THREADS", setting)
        seen.clear()
        with contextlib.redirect_stdout(io.StringIO()):
            classic.train_ch8(net, train_iter, vocab, 1, 1, classic.cpu())
        assert seen and set(seen) == want, (setting, seen)
        assert torch.get_num_threads() == 2

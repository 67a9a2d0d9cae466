"""The narrow Module/Trainer protocol: a model hands each plotted value to
``trainer.record(name, value, train)``; the trainer owns capture inside compiled steps,
averaging, the board and the epoch's metrics, whatever the metric is."""

from __future__ import annotations

import pytest
from conftest import build_lm


def test_a_loss_metric_trains_and_plots_through_the_trainer(d2l):
    """A model whose metric is its loss (the sequence section's regression), not perplexity."""

    class LossLM(d2l.RNNLMScratch):  # the Module's own steps plot 'loss'
        training_step = d2l.Module.training_step
        validation_step = d2l.Module.validation_step

    d2l.seed(0)
    data = d2l.TimeMachine(batch_size=64, num_steps=8, num_train=512, num_val=128)
    rnn = d2l.RNNScratch(num_inputs=len(data.vocab), num_hiddens=16)
    model = LossLM(rnn, vocab_size=len(data.vocab), lr=1)
    trainer = d2l.Trainer(max_epochs=2, gradient_clip_val=1)
    trainer.fit(model, data)
    rows = trainer.metrics
    assert {"train_loss", "val_loss"} <= set(rows[0]) and "train_ppl" not in rows[0]
    assert rows[1]["train_loss"] < rows[0]["train_loss"]
    history = model.board.history()
    assert len(history["train_loss"][0]) == 4 and history["val_loss"][0] == [1, 2]


def test_record_is_the_only_way_in(d2l):
    data, model = build_lm(d2l, num_train=64, num_val=64)
    trainer = d2l.Trainer(max_epochs=1)
    seen = []
    original = type(trainer).record

    def record(self, key, value, train):
        seen.append((key, train))
        return original(self, key, value, train)

    type(trainer).record = record
    try:
        trainer.fit(model, data)
    finally:
        type(trainer).record = original
    assert ("ppl", True) in seen and ("ppl", False) in seen


def test_plot_without_a_trainer_says_so(d2l):
    data, model = build_lm(d2l, num_train=64, num_val=64)
    with pytest.raises(RuntimeError, match="run trainer.fit"):
        model.plot("ppl", 1.0, train=True)


def test_board_axis_fits_the_epochs_run(d2l, monkeypatch):
    """Under D2LRNN_MAX_EPOCHS the x axis spans the epochs run, not max_epochs (every backend,
    JAX included)."""
    monkeypatch.setenv("D2LRNN_MAX_EPOCHS", "1")
    data, model = build_lm(d2l, num_train=64, num_val=64)
    with pytest.warns(UserWarning, match="D2LRNN_MAX_EPOCHS"):
        from d2lrnn import config
        config._warned.clear()
        d2l.Trainer(max_epochs=100).fit(model, data)
    assert model.board.xlim == [0, 1]

"""Each backend on its own: the section's shapes, agreement with the NumPy reference, the
Trainer contract, predict, bad input and divergence. Parametrised over all four backends."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import build_lm

from d2lrnn import parity


def test_section_shapes(d2l, hooks):
    batch_size, num_inputs, num_hiddens, num_steps = 2, 16, 32, 100
    rnn = d2l.RNNScratch(num_inputs, num_hiddens)
    X = d2l.ones((num_steps, batch_size, num_inputs))
    outputs, state = hooks.run_rnn(d2l, rnn, X)
    d2l.check_len(outputs, num_steps)
    d2l.check_shape(outputs[0], (batch_size, num_hiddens))
    d2l.check_shape(state, (batch_size, num_hiddens))
    model = d2l.RNNLMScratch(rnn, num_inputs)
    tokens = d2l.ones((batch_size, num_steps), dtype=hooks.token_dtype(d2l))
    logits = hooks.run_lm(d2l, model, tokens)
    d2l.check_shape(logits, (batch_size, num_steps, num_inputs))


def test_one_step_equals_reference(backend):
    devs = parity.assert_step_parity(backend)
    assert set(devs) == set(parity.QUANTITIES)


# -- fault injection: the parity check must catch each of these ----------------------------
@pytest.mark.parametrize("fault", ["skip_clipping", "summed_loss", "batch_major"])
def test_parity_check_catches(fault, backend, d2l, hooks, monkeypatch):
    getattr(hooks, fault)(d2l, monkeypatch)
    with pytest.raises(AssertionError, match="differs from the NumPy reference"):
        parity.assert_step_parity(backend, parity.make_case(batch_size=64, num_steps=16))


def test_fifty_step_trajectory(backend):
    case = parity.make_case(batch_size=256, num_steps=16)
    got = parity.trajectory(backend, case, steps=50)
    want = parity.reference_trajectory(case, steps=50)
    np.testing.assert_allclose(got, want, rtol=parity.TRAJECTORY_RTOL)


# -- Trainer contract ------------------------------------------------------------------------
def test_redefined_clip_gradients_is_called(backend, d2l, monkeypatch):
    calls = []
    original = d2l.Trainer.clip_gradients

    @d2l.add_to_class(d2l.Trainer)
    def clip_gradients(self, grad_clip_val, arg):
        calls.append(grad_clip_val)
        return original(self, grad_clip_val, arg)

    monkeypatch.setattr(d2l.Trainer, "clip_gradients", clip_gradients)
    data, model = build_lm(d2l, num_train=256, num_val=64)
    d2l.Trainer(max_epochs=1, gradient_clip_val=0.5).fit(model, data)
    assert calls and set(calls) == {0.5}  # compiled steps call it while tracing
    calls.clear()
    data, model = build_lm(d2l, num_train=256, num_val=64)
    d2l.Trainer(max_epochs=1, gradient_clip_val=0).fit(model, data)
    assert calls == []


def test_fit_records_metrics_and_board(backend, d2l):
    data, model = build_lm(d2l, num_train=512, num_val=128)
    trainer = d2l.Trainer(max_epochs=2, gradient_clip_val=1, num_gpus=1)
    assert trainer.gpus == []  # no GPU here: num_gpus=1 trains on the CPU
    trainer.fit(model, data)
    assert [m["epoch"] for m in trainer.metrics] == [1, 2]
    assert trainer.metrics[1]["train_ppl"] < trainer.metrics[0]["train_ppl"]
    assert 1 < trainer.metrics[-1]["val_ppl"] < 28
    history = model.board.history()
    assert len(history["train_ppl"][0]) == 4 and len(history["val_ppl"][0]) == 2
    assert history["val_ppl"][0] == [1, 2]
    assert trainer.train_batch_idx == 16 and trainer.val_batch_idx == 4


def test_predict(backend, d2l):
    data, model = build_lm(d2l, num_train=256, num_val=64)
    trainer = d2l.Trainer(max_epochs=1, gradient_clip_val=1)
    trainer.fit(model, data)
    text = model.predict("it has", 20, data.vocab)
    assert isinstance(text, str) and len(text) == 26 and text.startswith("it has")
    a = model.predict("it has", 30, data.vocab, temperature=2.0, seed=1)
    b = model.predict("it has", 30, data.vocab, temperature=2.0, seed=1)
    c = model.predict("it has", 30, data.vocab, alpha=0.5, seed=1)
    assert a == b == c  # alpha = 1 / temperature: the same distribution and draws
    assert a != text + "x" * 10 and len(a) == 36
    with pytest.warns(UserWarning, match=r"\['!', 'I'\].*<unk>"):
        out = model.predict("I!", 3, data.vocab)
    assert out.startswith("<unk><unk>") and len(out) == len("<unk><unk>") + 3


@pytest.mark.parametrize("args, kwargs, match", [
    (("", 5), {}, "prefix must be a non-empty string"),
    ((5, 5), {}, "prefix must be a non-empty string"),
    (("it", -1), {}, "num_preds must be a non-negative integer"),
    (("it", 2.5), {}, "num_preds must be a non-negative integer"),
    (("it", 2), {"temperature": 0}, "temperature must be positive"),
    (("it", 2), {"temperature": 1.0, "alpha": 2.0}, "temperature or alpha, not both"),
])
def test_predict_rejects_bad_input(backend, d2l, args, kwargs, match):
    data, model = build_lm(d2l, num_train=64, num_val=64)
    trainer = d2l.Trainer(max_epochs=1)
    trainer.fit(model, data)
    with pytest.raises((ValueError, TypeError), match=match):
        model.predict(args[0], args[1], data.vocab, **kwargs)


def test_predict_rejects_other_vocab(backend, d2l):
    data, model = build_lm(d2l, num_train=64, num_val=64)
    trainer = d2l.Trainer(max_epochs=1)
    trainer.fit(model, data)
    with pytest.raises(ValueError, match="vocab has 5 tokens but the model was built for "
                                         "vocab_size=28"):
        model.predict("ab", 2, d2l.Vocab(list("abcd")))


@pytest.mark.parametrize("kwargs, match", [
    ({"max_epochs": 0}, "max_epochs"), ({"max_epochs": -1}, "max_epochs"),
    ({"max_epochs": "3"}, "max_epochs"), ({"max_epochs": 2.0}, "max_epochs"),
    ({"max_epochs": 1, "gradient_clip_val": -1}, "gradient_clip_val"),
    ({"max_epochs": 1, "gradient_clip_val": "1"}, "gradient_clip_val"),
    ({"max_epochs": 1, "gradient_clip_val": float("nan")}, "gradient_clip_val"),
    ({"max_epochs": 1, "num_gpus": -1}, "num_gpus"),
    ({"max_epochs": 1, "num_gpus": 0.5}, "num_gpus"),
])
def test_trainer_rejects_bad_arguments(d2l, kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        d2l.Trainer(**kwargs)


@pytest.mark.parametrize("args, match", [
    ((0, 32), "num_inputs"), ((28, -1), "num_hiddens"), ((28, 3.5), "num_hiddens"),
    ((28, 32, -0.1), "sigma"),
])
def test_rnn_rejects_bad_arguments(d2l, args, match):
    with pytest.raises((ValueError, TypeError), match=match):
        d2l.RNNScratch(*args)


def test_lm_rejects_bad_arguments(d2l):
    rnn = d2l.RNNScratch(28, 8)
    with pytest.raises(ValueError, match="vocab_size"):
        d2l.RNNLMScratch(rnn, vocab_size=0)
    with pytest.raises(ValueError, match="vocab_size=27 but the rnn takes num_inputs=28"):
        d2l.RNNLMScratch(rnn, vocab_size=27)
    with pytest.raises(TypeError, match="rnn must be an RNN module"):
        d2l.RNNLMScratch("rnn", vocab_size=28)
    with pytest.raises(ValueError, match="lr"):
        d2l.RNNLMScratch(rnn, vocab_size=28, lr=-1)


def test_divergence_stops_training(d2l):
    data = d2l.TimeMachine(batch_size=256, num_steps=16, num_train=2048, num_val=256)
    rnn = d2l.RNNScratch(len(data.vocab), 32, sigma=1.0)
    model = d2l.RNNLMScratch(rnn, len(data.vocab), lr=1e4)
    trainer = d2l.Trainer(max_epochs=5, gradient_clip_val=0)
    with pytest.raises(d2l.TrainingDivergedError,
                       match=r"epoch 1 \(of 5\), batch \d+ \(of 8\).*gradient clipping"):
        trainer.fit(model, data)
    assert len(trainer.metrics) == 0  # stopped in the first epoch, before plotting on


def test_params_round_trip(backend, d2l):
    data, model = build_lm(d2l, num_train=64, num_val=64)
    trainer = d2l.Trainer(max_epochs=1)
    trainer.setup(model, data)
    params = trainer.get_params()
    assert {k: v.shape for k, v in params.items()} == {
        "W_xh": (28, 16), "W_hh": (16, 16), "b_h": (16,), "W_hq": (16, 28), "b_q": (28,)}
    new = {k: np.full_like(v, 0.25) for k, v in params.items()}
    trainer.set_params(new)
    for k, v in trainer.get_params().items():
        np.testing.assert_array_equal(v, new[k])
    with pytest.raises(ValueError, match=r"params\['W_hh'\] has shape \(3, 3\)"):
        trainer.set_params({**new, "W_hh": np.zeros((3, 3))})
    with pytest.raises(ValueError, match=r"missing \['b_q'\]"):
        trainer.set_params({k: v for k, v in new.items() if k != "b_q"})


def test_seed_gives_the_same_initial_weights_everywhere(d2l):
    # seed, build, set up (JAX draws its weights at set-up, the others at construction)
    def initial(seed):
        d2l.seed(seed)
        data, model = build_lm(d2l, num_train=64, num_val=64)
        trainer = d2l.Trainer(max_epochs=1)
        trainer.setup(model, data)
        return trainer.get_params()

    a, b, c = initial(5), initial(5), initial(6)
    from d2lrnn.core import random as shared
    from d2lrnn.core.reference import init_params
    shared.seed(5)
    want = init_params(28, 16, 0.01, shared.weights_rng())
    for k in want:
        np.testing.assert_array_equal(a[k], b[k])
        np.testing.assert_allclose(a[k], want[k], rtol=1e-6)
    assert not np.allclose(a["W_xh"], c["W_xh"])


def test_classifier_validation_step_plots_loss_and_accuracy(d2l, hooks):
    data, model = build_lm(d2l, num_train=64, num_val=64)
    trainer = d2l.Trainer(max_epochs=1)
    trainer.setup(model, data)
    batch = trainer.prepare_batch(next(iter(trainer.val_dataloader)))
    hooks.classifier_validation_step(d2l, model, trainer, batch)
    values = trainer.epoch_values
    assert set(values) == {"val_loss", "val_acc"}
    assert 2.5 < float(values["val_loss"][0]) < 4.0  # ~ln 28 for a fresh model
    assert 0.0 <= float(values["val_acc"][0]) <= 1.0

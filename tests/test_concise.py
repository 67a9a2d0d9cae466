"""The concise models (d2l.RNNLM over each framework's RNN layer) against the NumPy reference,
through each backend's LAYER_MAP (framework weights <-> the book's names), with the parity
suite's fault injections; and a checkpoint trained on a scratch model generating the same text
from a concise one."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import build_lm

from d2lrnn import parity
from d2lrnn.core import TimeMachine, checkpoint, layer_map
from d2lrnn.core import reference as ref

SMALL = {"batch_size": 64, "num_steps": 16}


def test_concise_one_step_equals_reference(backend):
    devs = parity.assert_step_parity(backend, parity.make_case(), concise=True)
    assert set(devs) == set(parity.QUANTITIES)


def flipped_square_weights(d2l, monkeypatch):
    # a mapping bug: W_hh (square, so shapes still fit) read/written in the wrong orientation
    original = layer_map._oriented

    def oriented(value, slot):
        square = slot is not None and value.ndim == 2 and value.shape[0] == value.shape[1]
        return original(value.T if square else value, slot)
    monkeypatch.setattr(layer_map, "_oriented", oriented)


@pytest.mark.parametrize("fault", ["skip_clipping", "summed_loss", "batch_major",
                                   "flipped_square_weights"])
def test_concise_parity_check_catches(fault, backend, d2l, hooks, monkeypatch):
    # the backends' fault injections (tests/backend_hooks), and a mapping bug of our own
    inject = flipped_square_weights if fault == "flipped_square_weights" else getattr(hooks, fault)
    inject(d2l, monkeypatch)
    with pytest.raises(AssertionError, match="differs from the NumPy reference"):
        parity.assert_step_parity(backend, parity.make_case(**SMALL), concise=True)


def test_concise_fifty_step_trajectory(backend):
    case = parity.make_case(batch_size=256, num_steps=16)
    got = parity.trajectory(backend, case, steps=50, concise=True)
    want = parity.reference_trajectory(case, 50, parity.layer_table(backend, True))
    np.testing.assert_allclose(got, want, rtol=parity.TRAJECTORY_RTOL)


def test_scratch_checkpoint_generates_the_same_text_on_the_concise_model(backend):
    # weights from a short reference training (as a scratch checkpoint holds them)
    case = parity.make_case(**SMALL, sigma=0.5)
    _, trained = parity.reference_training(case, steps=20)
    after = parity.Case(**{**case.__dict__,
                           "params": {k: v.astype(np.float32) for k, v in trained.items()}})
    want = ref.predict(after.params, "the time", 30, TimeMachine(1, 1).vocab)
    assert parity.greedy(backend, after, "the time", 30) == want  # the scratch model
    assert parity.greedy(backend, after, "the time", 30, concise=True) == want


def test_scratch_checkpoint_file_loads_into_concise_model(backend, d2l, tmp_path):
    """Train the scratch LM briefly, write a checkpoint (core/checkpoint.py), load it into the
    concise LM: the same greedy text."""
    d2l.seed(0)
    data, scratch = build_lm(d2l, batch_size=64, num_steps=16, num_hiddens=32,
                             num_train=512, num_val=64)
    trainer = d2l.Trainer(max_epochs=1, gradient_clip_val=1)
    trainer.fit(scratch, data)
    path = checkpoint.save(tmp_path / "m.npz", trainer.get_params(), data.vocab,
                           {"num_hiddens": 32})
    ckpt = checkpoint.load(path)
    concise = parity.build_model(d2l, len(ckpt.vocab), 32, 1.0, concise=True)
    other = d2l.Trainer(max_epochs=1)
    other.setup(concise, data)
    other.set_params(ckpt.params)
    want = scratch.predict("the time", 30, ckpt.vocab)
    assert concise.predict("the time", 30, ckpt.vocab) == want
    assert len(want) == 38
    # and the same logits (greedy text alone is too coarse after a short training)
    batch = trainer.prepare_batch(next(iter(trainer.val_dataloader)))
    a, b = trainer.probe(batch)["logits"], other.probe(batch)["logits"]
    assert parity.deviation(b, a)[1] < parity.STEP_RTOL


def test_concise_params_round_trip(backend, d2l):
    case = parity.make_case(**SMALL)
    _, _, _, trainer = parity.build(backend, case, concise=True)
    got = trainer.get_params()
    assert {k: v.shape for k, v in got.items()} == {k: v.shape for k, v in case.params.items()}
    for k in case.params:
        np.testing.assert_array_equal(got[k], case.params[k])
    with pytest.raises(ValueError, match=r"params\['W_hh'\] has shape \(3, 3\)"):
        trainer.set_params({**case.params, "W_hh": np.zeros((3, 3))})


def test_split_bias_each_copy_gets_b_h_gradient(backend, d2l):
    """torch and MXNet split b_h into two summed biases: set_params puts b_h in the primary and
    zeros in the other; each receives dL/db_h (grads_to_canonical checks they are equal)."""
    table = parity.layer_table(backend, True)
    case = parity.make_case(**SMALL)
    _, data, model, trainer = parity.build(backend, case, concise=True)
    if layer_map.copies(table)["b_h"] == 1:
        assert trainer.get_params()["b_h"].shape == case.params["b_h"].shape
        return
    batch = trainer.prepare_batch((data.to_tensor(case.X), data.to_tensor(case.Y)))
    grads = trainer.probe(batch)["grads"]  # raises if the copies' gradients differ
    want = ref.loss_and_grads(case.params, case.X, case.Y)[1]["b_h"]
    np.testing.assert_allclose(grads["b_h"], want, rtol=0, atol=parity.STEP_RTOL * abs(want).max())


def test_layer_map_interpreter():
    table = (layer_map.Slot("rnn.w", "W", transpose=True), layer_map.Slot("rnn.b1", "b"),
             layer_map.Slot("rnn.b2", "b", primary=False))
    W, b = np.arange(6.0).reshape(2, 3), np.array([1.0, 2.0])
    paths = ["rnn.rnn.w", "rnn.rnn.b1", "rnn.rnn.b2", "rnn.W_x"]
    fw = layer_map.to_framework({"W": W, "b": b, "W_x": b}, paths, table)
    np.testing.assert_array_equal(fw["rnn.rnn.w"], W.T)
    np.testing.assert_array_equal(fw["rnn.rnn.b2"], 0)
    back = layer_map.to_canonical([(p, v + (p == "rnn.rnn.b2")) for p, v in fw.items()], table)
    np.testing.assert_array_equal(back["W"], W)
    np.testing.assert_array_equal(back["b"], b + 1)  # the copies are summed
    # nested scopes survive when asked for (model families: layers.0.W_xh)
    assert layer_map.resolve(["net.layers.0.rnn.w"], table, keep_scope=True)[0][1] == \
        "layers.0.W"
    with pytest.raises(AssertionError, match="different gradients"):
        layer_map.grads_to_canonical([("rnn.b1", b), ("rnn.b2", b * 2)], table)
    with pytest.raises(ValueError, match="exactly one primary"):
        layer_map.check_table((layer_map.Slot("a", "b"), layer_map.Slot("c", "b")))

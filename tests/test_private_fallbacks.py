"""Private framework internals sit behind fallbacks, and each fallback is exercised here: the
test takes the private API away and checks the behaviour is the same.

* TensorFlow ``named_variables`` walks the model's attributes itself; it must list what the
  private ``tf.Module._flatten(with_path=True)`` lists.
* The TensorFlow Trainer unrolls ``for X in inputs`` by patching the private
  ``ops.SymbolicTensor``; without it the model trains eagerly, with the same losses.
* MXNet ``named_arrays`` uses Gluon's private ``Block._collect_params_with_prefix``; the public
  rebuild of those names must give the same names and values.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import tensorflow as tf

from d2lrnn import mxnet as mx_d2l  # its compat step runs before mxnet is imported
from d2lrnn import tensorflow as tf_d2l
from d2lrnn.mxnet import module as mx_module
from d2lrnn.mxnet.module import gluon  # mxnet.gluon, imported after the compat step
from d2lrnn.tensorflow import module as tf_module
from d2lrnn.tensorflow import trainer as tf_trainer


# -- TensorFlow: named_variables without tf.Module._flatten ---------------------------------
class StackedScratch(tf_d2l.Module):
    """A model holding a list of sub-modules (the deep-RNN section's shape)."""

    def __init__(self, num_inputs: int, num_hiddens: int) -> None:
        super().__init__()
        self.save_hyperparameters()
        self.layers = [tf_d2l.RNNScratch(num_inputs, num_hiddens),
                       tf_d2l.RNNScratch(num_hiddens, num_hiddens)]
        self.extra = {"b": tf.Variable(1.0), "a": (tf.Variable(2.0), tf.Variable(3.0))}


def tf_models():
    return {
        "scratch LM": tf_d2l.RNNLMScratch(tf_d2l.RNNScratch(28, 32), 28),
        "concise LM": tf_d2l.RNNLM(tf_d2l.RNN(32), vocab_size=28),
        "LinearRegression": tf_d2l.LinearRegression(lr=0.03),
        "stacked": StackedScratch(5, 4),
    }


def flatten_variables(model):
    return [(path, v) for path, v in model._flatten(  # noqa: SLF001  (the reference)
        with_path=True, predicate=lambda v: isinstance(v, tf.Variable))]


@pytest.mark.parametrize("name", list(tf_models()))
def test_tf_variable_walk_equals_flatten(name):
    model = tf_models()[name]
    if name == "LinearRegression":  # its Dense(1) learns its input size on the first call
        model(tf.ones((2, 3)))
    else:
        tf_module.named_variables(model)  # builds the concise LM's Keras layer
    ours = list(tf_module.variables_with_paths(model))
    if not callable(getattr(tf.Module, "_flatten", None)):
        pytest.skip("this TensorFlow has no tf.Module._flatten to compare with")
    theirs = flatten_variables(model)
    assert [p for p, _ in ours] == [p for p, _ in theirs]
    assert all(a is b for (_, a), (_, b) in zip(ours, theirs, strict=True))


def test_tf_variable_walk_names():
    names = [n for n, _ in tf_module.named_variables(StackedScratch(5, 4))]
    assert names == ["extra.a.0", "extra.a.1", "extra.b", "layers.0.W_hh", "layers.0.W_xh",
                     "layers.0.b_h", "layers.1.W_hh", "layers.1.W_xh", "layers.1.b_h"]
    model = tf_d2l.RNNLMScratch(tf_d2l.RNNScratch(28, 32), 28)
    assert tf_module.get_params(model).keys() == {"W_xh", "W_hh", "b_h", "W_hq", "b_q"}


def test_tf_variable_walk_survives_a_cycle():
    outer = tf.Module()
    inner = tf.Module()
    outer.w = tf.Variable(1.0)
    outer.inner = inner
    inner.v = tf.Variable(2.0)
    inner.back = outer  # a cycle
    ours = [(p, v) for p, v in tf_module.variables_with_paths(outer)]
    assert [p for p, _ in ours] == [p for p, _ in flatten_variables(outer)]
    assert [p for p, _ in ours] == [("w",), ("inner", "v"), ("inner", "back", "w")]


# -- TensorFlow: the Trainer without ops.SymbolicTensor -------------------------------------
def tf_losses(monkeypatch, private: bool):
    """Per-batch losses of a short scratch-LM run, with or without the private class."""
    with monkeypatch.context() as m:
        if not private:
            m.setattr(tf_trainer, "_symbolic_tensor_class", lambda: None)
        tf_d2l.seed(0)
        data = tf_d2l.TimeMachine(batch_size=64, num_steps=8, num_train=512, num_val=128)
        model = tf_d2l.RNNLMScratch(tf_d2l.RNNScratch(len(data.vocab), 16), len(data.vocab),
                                    lr=1)
        trainer = tf_d2l.Trainer(max_epochs=2, gradient_clip_val=0.1)  # clips
        losses = []
        fit_batch = trainer.fit_batch
        m.setattr(trainer, "fit_batch", lambda batch: losses.append(fit_batch(batch))
                  or losses[-1])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            trainer.fit(model, data)
    fallback = [w for w in caught if "could not be compiled" in str(w.message)]
    return [float(v) for v in losses], trainer, fallback


def test_tf_trainer_without_symbolic_tensor_trains_the_same(monkeypatch):
    assert tf_trainer._symbolic_tensor_class() is not None  # noqa: SLF001  (the normal path)
    compiled, trainer_a, warned_a = tf_losses(monkeypatch, private=True)
    assert not trainer_a._eager and warned_a == []  # noqa: SLF001
    eager, trainer_b, warned_b = tf_losses(monkeypatch, private=False)
    assert trainer_b._eager  # noqa: SLF001  (the fallback: eager training ...)
    assert len(warned_b) == 1 and "SymbolicTensor" in str(warned_b[0].message)  # ... one warning
    assert len(eager) == len(compiled) == 16
    np.testing.assert_allclose(eager, compiled, rtol=1e-5)
    for key in ("train_ppl", "val_ppl"):
        np.testing.assert_allclose([r[key] for r in trainer_b.metrics],
                                   [r[key] for r in trainer_a.metrics], rtol=1e-5)


def test_unrolled_iteration_is_a_no_op_without_the_class(monkeypatch):
    cls = tf_trainer._symbolic_tensor_class()  # noqa: SLF001
    monkeypatch.setattr(tf_trainer, "_symbolic_tensor_class", lambda: None)
    before = vars(cls).get("__iter__")
    with tf_trainer.unrolled_iteration():
        assert vars(cls).get("__iter__") is before


# -- MXNet: structural names without Block._collect_params_with_prefix -----------------------
def drop_collect_params_with_prefix(monkeypatch):
    """Take Gluon's private method away from Block and every subclass that overrides it."""
    pending, classes = [gluon.Block], []
    while pending:
        cls = pending.pop()
        classes.append(cls)
        pending.extend(cls.__subclasses__())
    for cls in set(classes):
        if "_collect_params_with_prefix" in vars(cls):
            monkeypatch.delattr(cls, "_collect_params_with_prefix")
    assert not hasattr(gluon.rnn.RNN(4), "_collect_params_with_prefix")


def mx_models():
    mx_d2l.seed(0)
    concise = mx_d2l.RNNLM(mx_d2l.RNN(32), vocab_size=28)
    scratch = mx_d2l.RNNLMScratch(mx_d2l.RNNScratch(28, 32), 28)
    return {"concise LM": concise, "scratch LM": scratch}


@pytest.mark.parametrize("name", ["concise LM", "scratch LM"])
def test_mx_structural_names_without_private_api(name, monkeypatch):
    model = mx_models()[name]
    private = model.named_arrays()  # also creates the concise LM's deferred parameters
    private_gluon = model._collect_params_with_prefix()  # noqa: SLF001
    assert mx_module.structural_params(model) == private_gluon  # same names, same Parameters
    assert list(mx_module.structural_params(model)) == list(private_gluon)  # same order
    params = mx_module.get_params(model)

    drop_collect_params_with_prefix(monkeypatch)
    public = model.named_arrays()
    assert [n for n, _ in public] == [n for n, _ in private]
    if name == "concise LM":
        assert "rnn.rnn._unfused.0.i2h_weight" in [n for n, _ in public]
    assert all(a is b for (_, a), (_, b) in zip(public, private, strict=True))
    got = mx_module.get_params(model)
    assert got.keys() == params.keys()
    for k in params:
        np.testing.assert_array_equal(got[k], params[k])
    # set_params through the fallback writes the same arrays get_params reads back
    rng = np.random.default_rng(1)
    new = {k: rng.normal(size=v.shape).astype(np.float32) for k, v in params.items()}
    mx_module.set_params(model, new)
    back = mx_module.get_params(model)
    for k in new:
        np.testing.assert_allclose(back[k], new[k], rtol=1e-6)


def test_mx_fresh_concise_model_materializes_without_private_api(monkeypatch):
    drop_collect_params_with_prefix(monkeypatch)
    model = mx_d2l.RNNLM(mx_d2l.RNN(32), vocab_size=28)  # deferred parameters
    names = [n for n, _ in model.named_arrays()]
    assert names == ["rnn.rnn._unfused.0.i2h_weight", "rnn.rnn._unfused.0.h2h_weight",
                     "rnn.rnn._unfused.0.i2h_bias", "rnn.rnn._unfused.0.h2h_bias",
                     "linear.weight", "linear.bias"]


def test_mx_fallback_names_fused_layers_and_sequentials_as_gluon_does():
    for layer in (gluon.rnn.LSTM(4, num_layers=2, bidirectional=True),
                  gluon.rnn.GRU(3, num_layers=2)):
        layer.initialize()
        assert mx_module.structural_params(layer) == layer._collect_params_with_prefix()  # noqa: SLF001
    seq = gluon.nn.HybridSequential()
    seq.add(gluon.nn.Dense(3), gluon.nn.Dense(2))
    assert list(mx_module.structural_params(seq)) == ["0.weight", "0.bias", "1.weight",
                                                      "1.bias"]
    assert mx_module.structural_params(seq) == seq._collect_params_with_prefix()  # noqa: SLF001


def test_mx_fallback_refuses_to_guess(monkeypatch):
    model = mx_d2l.RNNLMScratch(mx_d2l.RNNScratch(28, 32), 28)
    model.register_child(gluon.nn.Dense(3), "hidden")  # a child with no attribute
    drop_collect_params_with_prefix(monkeypatch)
    with pytest.raises(RuntimeError, match="no gluon.Block._collect_params_with_prefix"):
        model.named_arrays()


def test_mx_scratch_params_in_attribute_name_order():
    model = mx_d2l.RNNLMScratch(mx_d2l.RNNScratch(28, 32), 28)
    assert [n for n, _ in model.named_scratch_params()] == [
        "W_hq", "b_q", "rnn.W_hh", "rnn.W_xh", "rnn.b_h"]

"""Test hooks for TensorFlow (see __init__.py)."""

import tensorflow as tf


def run_rnn(d2l, rnn, X):
    return rnn(X)


def run_lm(d2l, model, tokens):
    return model(tokens)


def token_dtype(d2l):
    return d2l.int64


def classifier_validation_step(d2l, model, trainer, batch):
    return d2l.Classifier.validation_step(model, batch)


def skip_clipping(d2l, monkeypatch):
    monkeypatch.setattr(d2l.Trainer, "clip_gradients", lambda self, val, grads: grads)


def summed_loss(d2l, monkeypatch):
    original = d2l.Classifier.loss
    monkeypatch.setattr(d2l.Classifier, "loss", lambda self, Y_hat, Y, averaged=True:
                        tf.reduce_sum(original(self, Y_hat, Y, averaged=False)))


def batch_major(d2l, monkeypatch):
    monkeypatch.setattr(d2l.RNNLMScratch, "one_hot", lambda self, X:
                        tf.one_hot(X, self.vocab_size))


def stacked_params(d2l):
    class Stack(d2l.Module):
        def __init__(self):
            super().__init__()
            self.layers = [d2l.RNNScratch(4, 3), d2l.RNNScratch(3, 3)]
    return d2l.get_params(Stack())


# -- device placement: the CPU split into two logical devices (set before TF starts) --
SECOND_DEVICE_ENV: dict = {}


def second_device(d2l):
    if d2l.num_gpus():
        return "/GPU:0"
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()])
    return "/CPU:1"


def device_scope(device):
    return tf.device(device)


def where(x):
    return x.device.split("device:")[-1]


def param_devices(trainer):
    return {where(v) for v in trainer.model.trainable_variables}


def grad_devices(trainer):
    batch = trainer.prepare_batch(next(iter(trainer.train_dataloader)))
    with trainer.placed():  # as the Trainer's step: forward and backward on its device
        with tf.GradientTape() as tape:
            loss = trainer.model.loss(trainer.model(*batch[:-1]), batch[-1])
        grads = tape.gradient(loss, trainer.model.trainable_variables)
    return {where(g) for g in grads}


def get_w_b(d2l, model, trainer):
    """The LinearRegression's weight and bias as NumPy arrays, as the tab reads them."""
    import numpy as np
    w, b = model.get_w_b()
    return np.asarray(w), np.asarray(b)


FRAMEWORK_IMPORTS_MATPLOTLIB = True  # TensorFlow imports it itself
CONCISE_TAB_PREDICTIONS = 2

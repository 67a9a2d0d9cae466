"""Test hooks for MXNet (see __init__.py)."""

from mxnet import npx

import d2lrnn.mxnet  # noqa: F401  (before mxnet: the compatibility step)


def run_rnn(d2l, rnn, X):
    return rnn(X)


def run_lm(d2l, model, tokens):
    return model(tokens)


def token_dtype(d2l):
    return d2l.int64


def classifier_validation_step(d2l, model, trainer, batch):
    return d2l.Classifier.validation_step(model, batch)


def skip_clipping(d2l, monkeypatch):
    monkeypatch.setattr(d2l.Trainer, "clip_gradients", lambda self, val, model: None)


def summed_loss(d2l, monkeypatch):
    original = d2l.Classifier.loss
    monkeypatch.setattr(d2l.Classifier, "loss", lambda self, Y_hat, Y, averaged=True:
                        original(self, Y_hat, Y, averaged=False).sum())


def batch_major(d2l, monkeypatch):
    monkeypatch.setattr(d2l.RNNLMScratch, "one_hot", lambda self, X:
                        npx.one_hot(X, self.vocab_size))


def stacked_params(d2l):
    class Stack(d2l.Module):
        def __init__(self):
            super().__init__()
            self.layers = [d2l.RNNScratch(4, 3), d2l.RNNScratch(3, 3)]
    return d2l.get_params(Stack())

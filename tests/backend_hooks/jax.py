"""Test hooks for JAX (see __init__.py): Flax modules are called through init/apply, steps take
params and the TrainState."""

import jax


def run_rnn(d2l, rnn, X):
    (outputs, state), _ = rnn.init_with_output(d2l.get_key(), X)
    return outputs, state


def run_lm(d2l, model, tokens):
    logits, _ = model.init_with_output(d2l.get_key(), tokens)
    return logits


def token_dtype(d2l):
    return d2l.int32


def classifier_validation_step(d2l, model, trainer, batch):
    return d2l.Classifier.validation_step(model, trainer.state.params, batch, trainer.state)


def skip_clipping(d2l, monkeypatch):
    monkeypatch.setattr(d2l.Trainer, "clip_gradients", lambda self, val, grads: grads)


def summed_loss(d2l, monkeypatch):
    original = d2l.Classifier.loss

    def loss(self, params, X, Y, state, averaged=True):
        l, aux = original(self, params, X, Y, state, averaged=False)
        return l.sum(), aux
    monkeypatch.setattr(d2l.Classifier, "loss", loss)


def batch_major(d2l, monkeypatch):
    monkeypatch.setattr(d2l.RNNLMScratch, "one_hot", lambda self, X:
                        jax.nn.one_hot(X, self.vocab_size))


def stacked_params(d2l):
    from flax import linen as nn

    class Stack(nn.Module):
        def setup(self):
            self.layers = [d2l.RNNScratch(4, 3), d2l.RNNScratch(3, 3)]

        def __call__(self, X):
            outputs, _ = self.layers[0](X)
            return self.layers[1](d2l.stack(outputs, 0))

    variables = Stack().init(d2l.get_key(), d2l.ones((2, 1, 4)))
    return d2l.get_params(variables["params"])

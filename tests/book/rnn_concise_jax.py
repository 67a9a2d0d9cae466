# The book's rnn-concise section, jax tab, cells in order; only the d2l import differs. The
# book's jax tab only defines the classes (its RNN raises NotImplementedError, as Flax had no
# simple RNN cell then); the lines after the cells train it the way the other tabs do, with
# the package's own d2l.RNN (Flax nn.RNN over nn.SimpleCell).
from flax import linen as nn
from jax import numpy as jnp  # noqa: F401

from d2lrnn import jax as d2l


class RNN(nn.Module):  #@save
    """The RNN model implemented with high-level APIs."""
    num_hiddens: int

    @nn.compact
    def __call__(self, inputs, H=None):
        raise NotImplementedError


class RNNLM(d2l.RNNLMScratch):  #@save
    """The RNN-based language model implemented with high-level APIs."""
    training: bool = True

    def setup(self):
        self.linear = nn.Dense(self.vocab_size)

    def output_layer(self, hiddens):
        return d2l.swapaxes(self.linear(hiddens), 0, 1)

    def forward(self, X, state=None):
        embs = self.one_hot(X)
        rnn_outputs, _ = self.rnn(embs, state, self.training)
        return self.output_layer(rnn_outputs)


# -- not in the book: train it as the other tabs do -----------------------------------------
data = d2l.TimeMachine(batch_size=1024, num_steps=32)
rnn = d2l.RNN(num_hiddens=32)
model = RNNLM(rnn, vocab_size=len(data.vocab), lr=1)
trainer = d2l.Trainer(max_epochs=100, gradient_clip_val=1, num_gpus=1)
trainer.fit(model, data)
print(repr(model.predict('it has', 20, data.vocab, trainer.state.params)))

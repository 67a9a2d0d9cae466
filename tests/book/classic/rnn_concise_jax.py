"""The book's (older edition) section 'rnn-concise', JAX version (the edition has no JAX tab),
written for d2lrnn after the pytorch tab: Flax's ``nn.RNN`` over ``nn.SimpleCell``."""
# ruff: noqa
def _show(value):  # what a notebook shows for a cell ending in an expression
    if value is not None:
        print(repr(value))


# %% cell 1
from d2lrnn.classic import jax as d2l
import jax
from jax import numpy as jnp
from flax import linen as nn

batch_size, num_steps = 32, 35
train_iter, vocab = d2l.load_data_time_machine(batch_size, num_steps)


# %% cell 2
num_hiddens = 256
rnn_layer = nn.RNN(nn.SimpleCell(num_hiddens), time_major=True, return_carry=True)


# %% cell 3
state = jnp.zeros((batch_size, num_hiddens))
_show((state.shape))


# %% cell 4
X = jax.random.uniform(d2l.get_key(), (num_steps, batch_size, len(vocab)))
params = rnn_layer.init(d2l.get_key(), X, initial_carry=state)
state_new, Y = rnn_layer.apply(params, X, initial_carry=state)
_show((Y.shape, state_new.shape))


# %% cell 5
#@save
class RNNModel:
    """The RNN model: the Flax RNN layer and a dense output layer, with their parameters."""
    def __init__(self, rnn_layer, vocab_size):
        self.rnn, self.vocab_size = rnn_layer, vocab_size
        self.num_hiddens = rnn_layer.cell.features

        class LM(nn.Module):
            rnn: nn.Module

            @nn.compact
            def __call__(self, X, state):
                state, Y = self.rnn(X, initial_carry=state)
                # (`num_steps` * `batch_size`, `num_hiddens`) -> (..., `vocab_size`)
                return nn.Dense(vocab_size)(Y.reshape((-1, Y.shape[-1]))), state

        self.module = LM(rnn_layer)
        self.params = self.module.init(
            d2l.get_key(), jnp.zeros((1, 1, vocab_size)), self.begin_state(None))

    def apply(self, params, inputs, state):
        X = jax.nn.one_hot(inputs.T, self.vocab_size, dtype=jnp.float32)
        return self.module.apply(params, X, state)

    def __call__(self, inputs, state):
        return self.apply(self.params, inputs, state)

    def begin_state(self, device, batch_size=1):
        return jnp.zeros((batch_size, self.num_hiddens))


# %% cell 6
device = d2l.try_gpu()
net = RNNModel(rnn_layer, vocab_size=len(vocab))
_show((d2l.predict_ch8('time traveller', 10, net, vocab, device)))


# %% cell 7
num_epochs, lr = 500, 1
d2l.train_ch8(net, train_iter, vocab, lr, num_epochs, device)

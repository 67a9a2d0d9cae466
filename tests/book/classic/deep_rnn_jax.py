"""The book's (older edition) section 'deep-rnn', JAX version (the edition has no JAX tab),
written for d2lrnn after the pytorch tab: Flax has no ``num_layers``, so the deep LSTM is a
list of ``num_layers`` ``nn.RNN`` layers, each reading the outputs of the one below; its state
is one carry per layer."""
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
vocab_size, num_hiddens, num_layers = len(vocab), 256, 2
device = d2l.try_gpu()
lstm_layer = [nn.RNN(nn.OptimizedLSTMCell(num_hiddens), time_major=True,
                     return_carry=True) for _ in range(num_layers)]
model = d2l.RNNModel(lstm_layer, len(vocab))


# %% cell 3
num_epochs, lr = 500, 2
d2l.train_ch8(model, train_iter, vocab, lr, num_epochs, device)

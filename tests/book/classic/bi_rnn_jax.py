"""The book's (older edition) section 'bi-rnn', JAX version (the edition has no JAX tab),
written for d2lrnn after the pytorch tab: each of the ``num_layers`` layers is Flax's
``nn.Bidirectional`` over two ``nn.RNN`` (forward and backward), its outputs the two
directions' concatenated."""
# ruff: noqa
def _show(value):  # what a notebook shows for a cell ending in an expression
    if value is not None:
        print(repr(value))


# %% cell 1
from d2lrnn.classic import jax as d2l
import jax
from jax import numpy as jnp
from flax import linen as nn

# Load data
batch_size, num_steps, device = 32, 35, d2l.try_gpu()
train_iter, vocab = d2l.load_data_time_machine(batch_size, num_steps)
# Define the bidirectional LSTM model with `nn.Bidirectional`
vocab_size, num_hiddens, num_layers = len(vocab), 256, 2
lstm_layer = [nn.Bidirectional(nn.RNN(nn.OptimizedLSTMCell(num_hiddens)),
                               nn.RNN(nn.OptimizedLSTMCell(num_hiddens)),
                               time_major=True, return_carry=True)
              for _ in range(num_layers)]
model = d2l.RNNModel(lstm_layer, len(vocab))
# Train the model
num_epochs, lr = 500, 1
d2l.train_ch8(model, train_iter, vocab, lr, num_epochs, device)

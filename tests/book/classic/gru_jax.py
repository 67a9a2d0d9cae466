"""The book's (older edition) section 'gru', JAX version (the edition has no JAX tab), written
for d2lrnn after the pytorch tab: the from-scratch GRU's parameters are a list of arrays and
``gru`` is pure (``d2l.train_ch8`` differentiates and jits it); the concise one is Flax's
``nn.RNN`` over ``nn.GRUCell``."""
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
def get_params(vocab_size, num_hiddens, device):
    num_inputs = num_outputs = vocab_size

    def normal(shape):
        return d2l.normal(0, 1, shape) * 0.01

    def three():
        return (normal((num_inputs, num_hiddens)),
                normal((num_hiddens, num_hiddens)),
                d2l.zeros(num_hiddens))

    W_xz, W_hz, b_z = three()  # Update gate parameters
    W_xr, W_hr, b_r = three()  # Reset gate parameters
    W_xh, W_hh, b_h = three()  # Candidate hidden state parameters
    # Output layer parameters
    W_hq = normal((num_hiddens, num_outputs))
    b_q = d2l.zeros(num_outputs)
    # No gradients to attach: jax.grad differentiates with respect to this list
    params = [W_xz, W_hz, b_z, W_xr, W_hr, b_r, W_xh, W_hh, b_h, W_hq, b_q]
    return params


# %% cell 3
def init_gru_state(batch_size, num_hiddens, device):
    return (jnp.zeros((batch_size, num_hiddens)), )


# %% cell 4
def gru(inputs, state, params):
    W_xz, W_hz, b_z, W_xr, W_hr, b_r, W_xh, W_hh, b_h, W_hq, b_q = params

    def step(H, X):  # one time step (the PyTorch tab's loop body)
        Z = jax.nn.sigmoid((X @ W_xz) + (H @ W_hz) + b_z)
        R = jax.nn.sigmoid((X @ W_xr) + (H @ W_hr) + b_r)
        H_tilda = jnp.tanh((X @ W_xh) + ((R * H) @ W_hh) + b_h)
        H = Z * H + (1 - Z) * H_tilda
        Y = H @ W_hq + b_q
        return H, Y

    H, = state
    # jax.lax.scan loops `step` over the time steps: compiled once, not unrolled 35 times
    H, outputs = jax.lax.scan(step, H, inputs)
    return outputs.reshape(-1, outputs.shape[-1]), (H,)


# %% cell 5
vocab_size, num_hiddens, device = len(vocab), 256, d2l.try_gpu()
num_epochs, lr = 500, 1
model = d2l.RNNModelScratch(len(vocab), num_hiddens, device, get_params,
                            init_gru_state, gru)
d2l.train_ch8(model, train_iter, vocab, lr, num_epochs, device)


# %% cell 6
gru_layer = nn.RNN(nn.GRUCell(num_hiddens), time_major=True, return_carry=True)
model = d2l.RNNModel(gru_layer, len(vocab))
d2l.train_ch8(model, train_iter, vocab, lr, num_epochs, device)

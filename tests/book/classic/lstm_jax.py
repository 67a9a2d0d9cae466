"""The book's (older edition) section 'lstm', JAX version (the edition has no JAX tab), written
for d2lrnn after the pytorch tab: the from-scratch LSTM's parameters are a list of arrays and
``lstm`` is pure, its state ``(H, C)``; the concise one is Flax's ``nn.RNN`` over
``nn.OptimizedLSTMCell``, whose state is Flax's carry ``(c, h)``."""
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
def get_lstm_params(vocab_size, num_hiddens, device):
    num_inputs = num_outputs = vocab_size

    def normal(shape):
        return d2l.normal(0, 1, shape) * 0.01

    def three():
        return (normal((num_inputs, num_hiddens)),
                normal((num_hiddens, num_hiddens)),
                d2l.zeros(num_hiddens))

    W_xi, W_hi, b_i = three()  # Input gate parameters
    W_xf, W_hf, b_f = three()  # Forget gate parameters
    W_xo, W_ho, b_o = three()  # Output gate parameters
    W_xc, W_hc, b_c = three()  # Candidate memory cell parameters
    # Output layer parameters
    W_hq = normal((num_hiddens, num_outputs))
    b_q = d2l.zeros(num_outputs)
    # No gradients to attach: jax.grad differentiates with respect to this list
    params = [W_xi, W_hi, b_i, W_xf, W_hf, b_f, W_xo, W_ho, b_o, W_xc, W_hc,
              b_c, W_hq, b_q]
    return params


# %% cell 3
def init_lstm_state(batch_size, num_hiddens, device):
    return (jnp.zeros((batch_size, num_hiddens)),
            jnp.zeros((batch_size, num_hiddens)))


# %% cell 4
def lstm(inputs, state, params):
    [W_xi, W_hi, b_i, W_xf, W_hf, b_f, W_xo, W_ho, b_o, W_xc, W_hc, b_c,
     W_hq, b_q] = params

    def step(state, X):  # one time step (the PyTorch tab's loop body)
        H, C = state
        I = jax.nn.sigmoid((X @ W_xi) + (H @ W_hi) + b_i)
        F = jax.nn.sigmoid((X @ W_xf) + (H @ W_hf) + b_f)
        O = jax.nn.sigmoid((X @ W_xo) + (H @ W_ho) + b_o)
        C_tilda = jnp.tanh((X @ W_xc) + (H @ W_hc) + b_c)
        C = F * C + I * C_tilda
        H = O * jnp.tanh(C)
        Y = (H @ W_hq) + b_q
        return (H, C), Y

    # jax.lax.scan loops `step` over the time steps: compiled once, not unrolled 35 times
    (H, C), outputs = jax.lax.scan(step, state, inputs)
    return outputs.reshape(-1, outputs.shape[-1]), (H, C)


# %% cell 5
vocab_size, num_hiddens, device = len(vocab), 256, d2l.try_gpu()
num_epochs, lr = 500, 1
model = d2l.RNNModelScratch(len(vocab), num_hiddens, device, get_lstm_params,
                            init_lstm_state, lstm)
d2l.train_ch8(model, train_iter, vocab, lr, num_epochs, device)


# %% cell 6
lstm_layer = nn.RNN(nn.OptimizedLSTMCell(num_hiddens), time_major=True,
                    return_carry=True)
model = d2l.RNNModel(lstm_layer, len(vocab))
d2l.train_ch8(model, train_iter, vocab, lr, num_epochs, device)

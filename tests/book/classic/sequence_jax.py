"""The book's (older edition) section 'sequence', JAX version (the edition has no JAX tab),
written for d2lrnn after the pytorch tab (Flax MLP, Optax Adam; arrays are immutable, so
columns are written with ``.at[].set``)."""
# ruff: noqa
def _show(value):  # what a notebook shows for a cell ending in an expression
    if value is not None:
        print(repr(value))


# %% cell 1
from d2lrnn.classic import jax as d2l
import jax
from jax import numpy as jnp
from flax import linen as nn
import optax


# %% cell 2
T = 1000  # Generate a total of 1000 points
time = d2l.arange(1, T + 1, dtype=d2l.float32)
x = d2l.sin(0.01 * time) + d2l.normal(0, 0.2, (T,))
_show((d2l.plot(time, [x], 'time', 'x', xlim=[1, 1000], figsize=(6, 3))))


# %% cell 3
tau = 4
features = d2l.zeros((T - tau, tau))
for i in range(tau):
    features = features.at[:, i].set(x[i: T - tau + i])
labels = d2l.reshape(x[tau:], (-1, 1))


# %% cell 4
batch_size, n_train = 16, 600
# Only the first `n_train` examples are used for training
train_iter = d2l.load_array((features[:n_train], labels[:n_train]),
                            batch_size, is_train=True)


# %% cell 5
# A simple MLP with Xavier-initialized weights
def get_net():
    init = nn.initializers.xavier_uniform()
    return nn.Sequential([nn.Dense(10, kernel_init=init), nn.relu,
                          nn.Dense(1, kernel_init=init)])

# Squared error without the 1/2 factor, per example
loss = lambda y_hat, y: (y_hat - y) ** 2


# %% cell 6
def train(net, params, train_iter, loss, epochs, lr):
    trainer = optax.adam(lr)
    opt_state = trainer.init(params)

    @jax.jit
    def step(params, opt_state, X, y):
        grads = jax.grad(lambda p: loss(net.apply(p, X), y).sum())(params)
        updates, opt_state = trainer.update(grads, opt_state)
        return optax.apply_updates(params, updates), opt_state

    for epoch in range(epochs):
        for X, y in train_iter:
            params, opt_state = step(params, opt_state, X, y)
        print(f'epoch {epoch + 1}, loss: '
              f'{d2l.evaluate_loss(lambda X: net.apply(params, X), train_iter, loss):f}')
    return params

net = get_net()
params = net.init(d2l.get_key(), features[:1])
params = train(net, params, train_iter, loss, 5, 0.01)


# %% cell 7
onestep_preds = net.apply(params, features)
_show((d2l.plot([time, time[tau:]], [d2l.numpy(x), d2l.numpy(onestep_preds)], 'time',
         'x', legend=['data', '1-step preds'], xlim=[1, 1000], figsize=(6, 3))))


# %% cell 8
predict = jax.jit(lambda X: net.apply(params, X))
multistep_preds = d2l.zeros(T)
multistep_preds = multistep_preds.at[: n_train + tau].set(x[: n_train + tau])
for i in range(n_train + tau, T):
    multistep_preds = multistep_preds.at[i].set(predict(
        d2l.reshape(multistep_preds[i - tau: i], (1, -1)))[0, 0])


# %% cell 9
_show((d2l.plot([time, time[tau:], time[n_train + tau:]],
         [d2l.numpy(x), d2l.numpy(onestep_preds),
          d2l.numpy(multistep_preds[n_train + tau:])], 'time',
         'x', legend=['data', '1-step preds', 'multistep preds'],
         xlim=[1, 1000], figsize=(6, 3))))


# %% cell 10
max_steps = 64


# %% cell 11
features = d2l.zeros((T - tau - max_steps + 1, tau + max_steps))
# Column `i` (`i` < `tau`) are observations from `x` for time steps from
# `i + 1` to `i + T - tau - max_steps + 1`
for i in range(tau):
    features = features.at[:, i].set(x[i: i + T - tau - max_steps + 1])

# Column `i` (`i` >= `tau`) are the (`i - tau + 1`)-step-ahead predictions for
# time steps from `i + 1` to `i + T - tau - max_steps + 1`
for i in range(tau, tau + max_steps):
    features = features.at[:, i].set(d2l.reshape(predict(features[:, i - tau: i]), -1))


# %% cell 12
steps = (1, 4, 16, 64)
_show((d2l.plot([time[tau + i - 1: T - max_steps + i] for i in steps],
         [d2l.numpy(features[:, tau + i - 1]) for i in steps], 'time', 'x',
         legend=[f'{i}-step preds' for i in steps], xlim=[5, 1000],
         figsize=(6, 3))))

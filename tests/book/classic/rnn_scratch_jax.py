"""The book's (older edition) section 'rnn-scratch', JAX version (the edition has no JAX tab),
written for d2lrnn after the pytorch tab: parameters are a dict, the model is pure, and one
training step (loss, gradients, clipping, SGD) is compiled with ``jax.jit``."""
# ruff: noqa
def _show(value):  # what a notebook shows for a cell ending in an expression
    if value is not None:
        print(repr(value))


# %% cell 1
from d2lrnn.classic import jax as d2l
import math
import jax
from jax import numpy as jnp


# %% cell 2
batch_size, num_steps = 32, 35
train_iter, vocab = d2l.load_data_time_machine(batch_size, num_steps)


# %% cell 3
_show((jax.nn.one_hot(jnp.array([0, 2]), len(vocab))))


# %% cell 4
X = d2l.reshape(d2l.arange(10), (2, 5))
_show((jax.nn.one_hot(X.T, 28).shape))


# %% cell 5
def get_params(vocab_size, num_hiddens, device):
    num_inputs = num_outputs = vocab_size

    def normal(shape):
        return d2l.normal(0, 1, shape) * 0.01

    # Hidden layer parameters
    W_xh = normal((num_inputs, num_hiddens))
    W_hh = normal((num_hiddens, num_hiddens))
    b_h = d2l.zeros(num_hiddens)
    # Output layer parameters
    W_hq = normal((num_hiddens, num_outputs))
    b_q = d2l.zeros(num_outputs)
    # Parameters are a dict: gradients are taken with respect to it
    return {'W_xh': W_xh, 'W_hh': W_hh, 'b_h': b_h, 'W_hq': W_hq, 'b_q': b_q}


# %% cell 6
def init_rnn_state(batch_size, num_hiddens, device):
    return (d2l.zeros((batch_size, num_hiddens)), )


# %% cell 7
def rnn(inputs, state, params):
    # Here `inputs` shape: (`num_steps`, `batch_size`, `vocab_size`)
    W_xh, W_hh, b_h = params['W_xh'], params['W_hh'], params['b_h']
    W_hq, b_q = params['W_hq'], params['b_q']
    H, = state
    outputs = []
    # Shape of `X`: (`batch_size`, `vocab_size`)
    for X in inputs:
        H = jnp.tanh(jnp.dot(X, W_xh) + jnp.dot(H, W_hh) + b_h)
        Y = jnp.dot(H, W_hq) + b_q
        outputs.append(Y)
    return jnp.concatenate(outputs, axis=0), (H,)


# %% cell 8
class RNNModelScratch: #@save
    """A RNN Model implemented from scratch."""
    def __init__(self, vocab_size, num_hiddens, device,
                 get_params, init_state, forward_fn):
        self.vocab_size, self.num_hiddens = vocab_size, num_hiddens
        self.params = get_params(vocab_size, num_hiddens, device)
        self.init_state, self.forward_fn = init_state, forward_fn

    def apply(self, params, X, state):
        X = jax.nn.one_hot(X.T, self.vocab_size, dtype=jnp.float32)
        return self.forward_fn(X, state, params)

    def __call__(self, X, state):
        return self.apply(self.params, X, state)

    def begin_state(self, batch_size, device):
        return self.init_state(batch_size, self.num_hiddens, device)


# %% cell 9
num_hiddens = 512
net = RNNModelScratch(len(vocab), num_hiddens, d2l.try_gpu(), get_params,
                      init_rnn_state, rnn)
state = net.begin_state(X.shape[0], d2l.try_gpu())
Y, new_state = net(X, state)
_show((Y.shape, len(new_state), new_state[0].shape))


# %% cell 10
def predict_ch8(prefix, num_preds, net, vocab, device):  #@save
    """Generate new characters following the `prefix`."""
    state = net.begin_state(batch_size=1, device=device)
    outputs = [vocab[prefix[0]]]
    get_input = lambda: d2l.reshape(d2l.tensor([outputs[-1]]), (1, 1))
    for y in prefix[1:]:  # Warm-up period
        _, state = net(get_input(), state)
        outputs.append(vocab[y])
    for _ in range(num_preds):  # Predict `num_preds` steps
        y, state = net(get_input(), state)
        outputs.append(int(y.argmax(axis=1)[0]))
    return ''.join([vocab.idx_to_token[i] for i in outputs])


# %% cell 11
_show((predict_ch8('time traveller ', 10, net, vocab, d2l.try_gpu())))


# %% cell 12
def grad_clipping(grads, theta):  #@save
    """Clip the gradient (returns the clipped gradients)."""
    norm = jnp.sqrt(sum(jnp.sum(g ** 2) for g in jax.tree_util.tree_leaves(grads)))
    return jax.tree_util.tree_map(lambda g: g * jnp.minimum(1.0, theta / norm), grads)


# %% cell 13
#@save
def train_epoch_ch8(net, train_iter, loss, updater, device, use_random_iter):
    """Train a net within one epoch (defined in Chapter 8)."""
    state, timer = None, d2l.Timer()
    metric = d2l.Accumulator(2)  # Sum of training loss, no. of tokens
    for X, Y in train_iter:
        if state is None or use_random_iter:
            # Initialize `state` when either it is the first iteration or
            # using random sampling
            state = net.begin_state(batch_size=X.shape[0], device=device)
        # A new `state` array carries no gradient history in JAX: no detach needed
        l, net.params, state = updater(net.params, X, Y, state)
        metric.add(l * d2l.size(Y), d2l.size(Y))
    return math.exp(metric[0] / metric[1]), metric[1] / timer.stop()


# %% cell 14
#@save
def train_ch8(net, train_iter, vocab, lr, num_epochs, device,
              use_random_iter=False):
    """Train a model (defined in Chapter 8)."""
    def loss(y_hat, y):
        logp = jax.nn.log_softmax(y_hat)
        return -jnp.take_along_axis(logp, y[:, None], axis=1).mean()

    @jax.jit
    def updater(params, X, Y, state):  # one SGD step on the mean loss, clipped
        def objective(params):
            y_hat, new_state = net.apply(params, X, state)
            return loss(y_hat, Y.T.reshape(-1)), new_state
        (l, state), grads = jax.value_and_grad(objective, has_aux=True)(params)
        grads = grad_clipping(grads, 1)
        return l, d2l.sgd(params, grads, lr, 1), state

    animator = d2l.Animator(xlabel='epoch', ylabel='perplexity',
                            legend=['train'], xlim=[10, num_epochs])
    predict = lambda prefix: predict_ch8(prefix, 50, net, vocab, device)
    # Train and predict
    for epoch in range(num_epochs):
        ppl, speed = train_epoch_ch8(
            net, train_iter, loss, updater, device, use_random_iter)
        if (epoch + 1) % 10 == 0:
            print(predict('time traveller'))
            animator.add(epoch + 1, [ppl])
    print(f'perplexity {ppl:.1f}, {speed:.1f} tokens/sec on {str(device)}')
    print(predict('time traveller'))
    print(predict('traveller'))


# %% cell 15
num_epochs, lr = 500, 1
train_ch8(net, train_iter, vocab, lr, num_epochs, d2l.try_gpu())


# %% cell 16
net = RNNModelScratch(len(vocab), num_hiddens, d2l.try_gpu(), get_params,
                      init_rnn_state, rnn)
train_ch8(net, train_iter, vocab, lr, num_epochs, d2l.try_gpu(),
          use_random_iter=True)

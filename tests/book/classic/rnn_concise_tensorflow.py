"""The book's (older edition) section 'rnn-concise', tensorflow tab, transcribed by transcribe.py."""
# ruff: noqa
def _show(value):  # what a notebook shows for a cell ending in an expression
    if value is not None:
        print(repr(value))


# %% cell 1
from d2lrnn.classic import tensorflow as d2l
import tensorflow as tf
batch_size, num_steps = 32, 35
train_iter, vocab = d2l.load_data_time_machine(batch_size, num_steps)


# %% cell 2
num_hiddens = 256
rnn_cell = tf.keras.layers.SimpleRNNCell(num_hiddens,
    kernel_initializer='glorot_uniform')
rnn_layer = d2l.RNN(rnn_cell, time_major=True,  # Keras 3 removed time_major
    return_sequences=True, return_state=True)


# %% cell 3
state = rnn_cell.get_initial_state(batch_size=batch_size)[0]  # Keras 3: no dtype
_show((state.shape))


# %% cell 4
X = tf.random.uniform((num_steps, batch_size, len(vocab)))
Y, state_new = rnn_layer(X, state)
_show((Y.shape, len(state_new), state_new[0].shape))


# %% cell 5
#@save
class RNNModel(tf.keras.layers.Layer):
    def __init__(self, rnn_layer, vocab_size, **kwargs):
        super(RNNModel, self).__init__(**kwargs)
        self.rnn = rnn_layer
        self.vocab_size = vocab_size
        self.dense = tf.keras.layers.Dense(vocab_size)

    def call(self, inputs, state):
        X = tf.one_hot(tf.transpose(inputs), self.vocab_size)
        # Later RNN like `tf.keras.layers.LSTMCell` return more than two values
        Y, *state = self.rnn(X, state)
        output = self.dense(tf.reshape(Y, (-1, Y.shape[-1])))
        return output, state

    def begin_state(self, *args, **kwargs):
        return self.rnn.cell.get_initial_state(*args, **kwargs)


# %% cell 6
device_name = d2l.try_gpu()._device_name
strategy = tf.distribute.OneDeviceStrategy(device_name)
with strategy.scope():
    net = RNNModel(rnn_layer, vocab_size=len(vocab))

_show((d2l.predict_ch8('time traveller', 10, net, vocab)))


# %% cell 7
num_epochs, lr = 500, 1
_show((d2l.train_ch8(net, train_iter, vocab, lr, num_epochs, strategy)))

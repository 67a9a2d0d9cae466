# The book's rnn-concise section, tensorflow tab, cells in order; only the d2l import differs,
# and one line of the RNN cell: Keras 3 removed SimpleRNN's time_major argument, so
# `tf.keras.layers.SimpleRNN(` becomes `d2l.SimpleRNN(` (Keras's layer with time_major kept).
import tensorflow as tf

from d2lrnn import tensorflow as d2l


class RNN(d2l.Module):  #@save
    """The RNN model implemented with high-level APIs."""
    def __init__(self, num_hiddens):
        super().__init__()
        self.save_hyperparameters()
        self.rnn = d2l.SimpleRNN(  # the book: tf.keras.layers.SimpleRNN(
            num_hiddens, return_sequences=True, return_state=True,
            time_major=True)

    def forward(self, inputs, H=None):
        outputs, H = self.rnn(inputs, H)
        return outputs, H


class RNNLM(d2l.RNNLMScratch):  #@save
    """The RNN-based language model implemented with high-level APIs."""
    def init_params(self):
        self.linear = tf.keras.layers.Dense(self.vocab_size)

    def output_layer(self, hiddens):
        return d2l.transpose(self.linear(hiddens), (1, 0, 2))


data = d2l.TimeMachine(batch_size=1024, num_steps=32)
rnn = RNN(num_hiddens=32)
model = RNNLM(rnn, vocab_size=len(data.vocab), lr=1)
print(repr(model.predict('it has', 20, data.vocab)))

with d2l.try_gpu():
    trainer = d2l.Trainer(max_epochs=100, gradient_clip_val=1)
trainer.fit(model, data)

print(repr(model.predict('it has', 20, data.vocab)))

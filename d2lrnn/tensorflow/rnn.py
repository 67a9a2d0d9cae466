"""The section's models on TensorFlow, written as the book writes them."""

from __future__ import annotations

from typing import Any

import tensorflow as tf

from d2lrnn.core import params as core_params
from d2lrnn.core.lm import RNNLMScratchBase
from d2lrnn.core.rnn import RNNScratchBase
from d2lrnn.tensorflow import tensors
from d2lrnn.tensorflow.module import Classifier, Module
from d2lrnn.tensorflow.tensors import normal, reshape, zeros


class RNNScratch(RNNScratchBase, Module):
    """The RNN model implemented from scratch (the loop: ``d2lrnn/core/rnn.py``)."""

    ops = tensors

    def __init__(self, num_inputs: int, num_hiddens: int, sigma: float = 0.01) -> None:
        core_params.check_rnn_args(num_inputs, num_hiddens, sigma)
        super().__init__()
        self.save_hyperparameters()
        self.W_xh = tf.Variable(normal((num_inputs, num_hiddens)) * sigma, name="W_xh")
        self.W_hh = tf.Variable(normal((num_hiddens, num_hiddens)) * sigma, name="W_hh")
        self.b_h = tf.Variable(zeros(num_hiddens), name="b_h")

    def begin_state(self, inputs: tf.Tensor, state: Any) -> tf.Tensor:
        if state is None:
            return zeros((inputs.shape[1], self.num_hiddens))
        return reshape(state, (-1, self.num_hiddens))


class RNNLMScratch(RNNLMScratchBase, Classifier):
    """The RNN-based language model implemented from scratch."""

    ops = tensors

    def __init__(self, rnn: RNNScratch, vocab_size: int, lr: float = 0.01) -> None:
        core_params.check_lm_args(rnn, vocab_size, lr)
        super().__init__()
        self.save_hyperparameters()
        self.init_params()

    def init_params(self) -> None:
        self.W_hq = tf.Variable(normal((self.rnn.num_hiddens, self.vocab_size))
                                * self.rnn.sigma, name="W_hq")
        self.b_q = tf.Variable(zeros(self.vocab_size), name="b_q")

    def one_hot(self, X: tf.Tensor) -> tf.Tensor:
        # (batch_size, num_steps) -> (num_steps, batch_size, vocab_size)
        return tf.one_hot(tf.transpose(X), self.vocab_size)

    def decode_step(self, device: Any) -> Any:
        def step(token: int, state: Any, need_logits: bool) -> tuple[Any, Any]:
            rnn_outputs, state = self.rnn(self.one_hot(tf.constant([[token]])), state)
            if not need_logits:
                return None, state
            return self.output_layer(rnn_outputs)[0, 0].numpy(), state
        return step

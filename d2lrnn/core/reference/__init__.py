"""The NumPy reference (the oracle every backend is tested against), composed of parts.

Everything in float64 and written out by hand, including backpropagation through time:

    cells.py      tanh RNN, GRU (reset before, the book's; reset after, the frameworks'), LSTM:
                  one step forward and backward each, and their parameter declarations
    layers.py     one-hot, embedding (backward: scatter-add), dense head
    recurrent.py  a cell unrolled over time (forwards, backwards), bidirectional, stacked
    losses.py     log_softmax, mean cross-entropy, the book's two masked cross-entropies
    optim.py      gradient norm, the book's clipping, SGD, Adam
    decoding.py   greedy LM continuation and greedy seq2seq decoding
    lm.py         the recurrent language model (LM(cell, num_layers, bidirectional))
    seq2seq.py    the book's embedding + GRU encoder-decoder with its masked loss

This module keeps the interface of the section "RNN Implementation from Scratch": the book's
RNNLMScratch over RNNScratch (``lm.LM()``, the tanh cell). Its parameters, for vocabulary size V
and hidden size H:

    W_xh (V, H)   W_hh (H, H)   b_h (H,)   W_hq (H, V)   b_q (V,)

Data layout follows the book: tokens X, Y of shape (B, T) (batch-major); the RNN runs
time-major over one_hot(X.T) of shape (T, B, V); logits are stacked back to (B, T, V).
Importing it imports NumPy and framework-free d2lrnn.core modules only.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from d2lrnn.core.reference import cells, decoding, layers, lm, losses, optim, recurrent, seq2seq
from d2lrnn.core.reference.cells import CELLS, Params, cell_shapes
from d2lrnn.core.reference.layers import one_hot
from d2lrnn.core.reference.lm import LM
from d2lrnn.core.reference.losses import log_softmax
from d2lrnn.core.reference.optim import clip_gradients, grad_norm, sgd_step
from d2lrnn.core.text import Vocab

__all__ = ["CELLS", "LM", "Params", "cell_shapes", "cells", "clip_gradients", "decoding",
           "forward", "grad_norm", "init_params", "layers", "lm", "log_softmax", "logits", "loss",
           "loss_and_grads", "losses", "one_hot", "optim", "output_layer", "predict",
           "recurrent", "rnn", "seq2seq", "sgd_step", "shapes", "train_step"]

#: The book's RNNLMScratch over RNNScratch.
RNN_LM = LM("rnn")


def shapes(vocab_size: int, num_hiddens: int) -> dict[str, tuple[int, ...]]:
    """The parameters' canonical names and shapes (the family ``rnn-lm-scratch`` uses these)."""
    return RNN_LM.shapes(vocab_size, num_hiddens)


def init_params(vocab_size: int, num_hiddens: int, sigma: float = 0.01,
                rng: np.random.Generator | None = None) -> Params:
    """Gaussian(0, sigma) weights and zero biases, drawn in the order the book's tabs draw them
    (W_xh, W_hh, then W_hq), in float32 like the backends' ``d2l.randn``."""
    return RNN_LM.init_params(vocab_size, num_hiddens, sigma, rng)


def rnn(params: Params, inputs: np.ndarray, state: np.ndarray | None = None
        ) -> tuple[list[np.ndarray], np.ndarray]:
    """inputs (T, B, V) -> hidden states [H_1..H_T], each (B, H), and the last state."""
    outputs, state, _ = recurrent.unroll(cells.RNN, params, inputs, state)
    return list(outputs), state


def output_layer(params: Params, hiddens: list[np.ndarray]) -> np.ndarray:
    """[H_t] each (B, H) -> logits (B, T, V)."""
    return layers.dense(params["W_hq"], params["b_q"], np.stack(hiddens, axis=1))


def forward(params: Params, X: np.ndarray) -> np.ndarray:
    """Tokens (B, T) -> logits (B, T, V)."""
    return RNN_LM.forward(params, X)[0]


logits = forward  # the name every oracle (an ``LM``) has for it


def loss(params: Params, X: np.ndarray, Y: np.ndarray) -> float:
    """Mean cross-entropy over batch and time steps."""
    return RNN_LM.loss(params, X, Y)


def loss_and_grads(params: Params, X: np.ndarray, Y: np.ndarray) -> tuple[float, Params]:
    """Loss and its gradients by backpropagation through time."""
    return RNN_LM.loss_and_grads(params, X, Y)


def train_step(params: Params, X: np.ndarray, Y: np.ndarray, lr: float,
               grad_clip_val: float = 0.0) -> tuple[float, Params]:
    """One step of the book's training: loss, BPTT, clip (if > 0), SGD."""
    return RNN_LM.train_step(params, X, Y, lr, grad_clip_val)


def predict(params: Params, prefix: str, num_preds: int, vocab: Vocab, **sampling: Any) -> str:
    """Greedy (or sampled) continuation of ``prefix``, with the book's warm-up period."""
    return RNN_LM.predict(params, prefix, num_preds, vocab, **sampling)

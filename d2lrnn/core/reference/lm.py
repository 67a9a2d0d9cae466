"""The recurrent language model composed from the parts:

    tokens X (B, T) -> one_hot (T, B, V) -> stack of recurrent layers (T, B, H * directions)
    -> dense head O = H W_hq + b_q, as (B, T, V) -> mean cross-entropy against Y (B, T)

for any cell (cells.CELLS), any number of stacked layers, one or both directions. Parameter names
are the stack's (recurrent.py: ``W_xh``; ``l0.W_xh``, ``l1.W_xh``; ``f_rnn.W_xh``, ...) and the
head's ``W_hq (H * directions, V)``, ``b_q (V,)``. ``LM()`` is the book's RNNLMScratch over
RNNScratch; an ``LM`` has the whole oracle interface (init_params, forward, loss_and_grads,
clip_gradients, sgd_step, train_step, predict, ...), so a model family can use one as its
reference.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from d2lrnn.core.reference import decoding, layers, losses, optim, recurrent
from d2lrnn.core.reference.cells import Params
from d2lrnn.core.text import Vocab


def draw_params(shapes: dict[str, tuple[int, ...]], sigma: float = 0.01,
                rng: np.random.Generator | None = None) -> Params:
    """float32 parameters in the order of ``shapes``: weights (names starting with W) sigma *
    N(0, 1), drawn one after the other from ``rng`` as the book's ``d2l.randn(...) * sigma``;
    biases zero (they draw nothing)."""
    rng = rng if rng is not None else np.random.default_rng()
    return {k: (rng.standard_normal(s).astype(np.float32) * np.float32(sigma)
                if k.startswith("W") else np.zeros(s, np.float32)) for k, s in shapes.items()}


@dataclass(frozen=True)
class LM:
    """A recurrent language model: its cell, how many layers, whether bidirectional."""

    cell: str = "rnn"
    num_layers: int = 1
    bidirectional: bool = False

    def shapes(self, vocab_size: int, num_hiddens: int) -> dict[str, tuple[int, ...]]:
        """{name: shape} in the book's creation order: the layers', then W_hq and b_q."""
        V, H, dirs = vocab_size, num_hiddens, 2 if self.bidirectional else 1
        return {**recurrent.stack_shapes(self.cell, V, H, self.num_layers, self.bidirectional),
                "W_hq": (H * dirs, V), "b_q": (V,)}

    def init_params(self, vocab_size: int, num_hiddens: int, sigma: float = 0.01,
                    rng: np.random.Generator | None = None) -> Params:
        return draw_params(self.shapes(vocab_size, num_hiddens), sigma, rng)

    def forward(self, params: Params, X: np.ndarray, state: Any = None
                ) -> tuple[np.ndarray, Any, Any]:
        """Tokens (B, T) -> (logits (B, T, V), the stack's final states, cache)."""
        W_hq, b_q = (np.asarray(params[k], np.float64) for k in ("W_hq", "b_q"))
        inputs = layers.one_hot(X, W_hq.shape[1])                           # (T, B, V)
        hiddens, state, rnn_cache = recurrent.stack(
            self.cell, params, inputs, self.num_layers, self.bidirectional, state)
        logits = layers.dense(W_hq, b_q, hiddens)                           # (T, B, V)
        return np.ascontiguousarray(logits.swapaxes(0, 1)), state, (rnn_cache, hiddens, W_hq)

    def logits(self, params: Params, X: np.ndarray) -> np.ndarray:
        """Tokens (B, T) -> logits (B, T, V) (the module-level ``forward`` of the RNN LM)."""
        return self.forward(params, X)[0]

    def backward(self, cache: Any, d_logits: np.ndarray) -> Params:
        """d_logits (B, T, V) -> the gradients of every parameter (BPTT)."""
        rnn_cache, hiddens, W_hq = cache
        d_hiddens, d_W_hq, d_b_q = layers.dense_backward(W_hq, hiddens, d_logits.swapaxes(0, 1))
        _, _, grads = recurrent.stack_backward(rnn_cache, d_hiddens)
        return {**grads, "W_hq": d_W_hq, "b_q": d_b_q}

    def loss(self, params: Params, X: np.ndarray, Y: np.ndarray) -> float:
        """Mean cross-entropy over batch and time steps."""
        logits = self.forward(params, X)[0]
        return float(losses.token_losses(logits, Y).mean())

    def loss_and_grads(self, params: Params, X: np.ndarray, Y: np.ndarray
                       ) -> tuple[float, Params]:
        """The loss and its gradients (in the order of ``params``) by BPTT."""
        logits, _, cache = self.forward(params, X)
        value, d_logits = losses.cross_entropy(logits, Y)
        grads = self.backward(cache, d_logits)
        return value, {**{k: grads[k] for k in params if k in grads}, **grads}

    grad_norm = staticmethod(optim.grad_norm)
    clip_gradients = staticmethod(optim.clip_gradients)
    sgd_step = staticmethod(optim.sgd_step)

    def train_step(self, params: Params, X: np.ndarray, Y: np.ndarray, lr: float,
                   grad_clip_val: float = 0.0) -> tuple[float, Params]:
        """One step of the book's training: loss, BPTT, clip (if > 0), SGD."""
        value, grads = self.loss_and_grads(params, X, Y)
        if grad_clip_val > 0:
            grads = optim.clip_gradients(grads, grad_clip_val)
        return value, optim.sgd_step(params, grads, lr)

    def predict(self, params: Params, prefix: str, num_preds: int, vocab: Vocab,
                **sampling: Any) -> str:
        """Greedy (or sampled) continuation of ``prefix``, with the book's warm-up period."""
        if self.bidirectional:
            raise ValueError("a bidirectional model sees the future: it cannot continue text")
        V = np.shape(params["W_hq"])[1]
        decoding.check_predict_args(prefix, num_preds, vocab, V, sampling.get("temperature"),
                                    sampling.get("alpha"))

        def step(token: int, state: Any, need_logits: bool) -> tuple[Any, Any]:
            logits, state, _ = self.forward(params, np.array([[token]]), state)
            return (logits[0, 0] if need_logits else None), state

        return decoding.generate(step, prefix, num_preds, vocab, **sampling)

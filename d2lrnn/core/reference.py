"""The NumPy reference RNN language model: the oracle every backend is tested against.

Everything in float64 and written out by hand, including backpropagation through time.
Parameters are a dict with the canonical names (shapes for vocabulary size V, hidden size H):

    W_xh (V, H)   W_hh (H, H)   b_h (H,)   W_hq (H, V)   b_q (V,)

Data layout follows the book: tokens X, Y of shape (B, T) (batch-major); the RNN runs
time-major over one_hot(X.T) of shape (T, B, V); logits are stacked back to (B, T, V).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from d2lrnn.core import decoding
from d2lrnn.core.text import Vocab

Params = dict[str, np.ndarray]


def shapes(vocab_size: int, num_hiddens: int) -> dict[str, tuple[int, ...]]:
    """The parameters' canonical names and shapes (the family ``rnn-lm-scratch`` uses these)."""
    V, H = vocab_size, num_hiddens
    return {"W_xh": (V, H), "W_hh": (H, H), "b_h": (H,), "W_hq": (H, V), "b_q": (V,)}


def init_params(vocab_size: int, num_hiddens: int, sigma: float = 0.01,
                rng: np.random.Generator | None = None) -> Params:
    """Gaussian(0, sigma) weights and zero biases, drawn in the order the book's tabs draw them
    (W_xh, W_hh, then W_hq), in float32 like the backends' ``d2l.randn``."""
    rng = rng if rng is not None else np.random.default_rng()
    draw = lambda *shape: rng.standard_normal(shape).astype(np.float32) * np.float32(sigma)
    W_xh = draw(vocab_size, num_hiddens)
    W_hh = draw(num_hiddens, num_hiddens)
    W_hq = draw(num_hiddens, vocab_size)
    return {"W_xh": W_xh, "W_hh": W_hh, "b_h": np.zeros(num_hiddens, np.float32),
            "W_hq": W_hq, "b_q": np.zeros(vocab_size, np.float32)}


def one_hot(X: np.ndarray, vocab_size: int) -> np.ndarray:
    """(B, T) int -> (T, B, V) float64, time-major as the book's ``one_hot``."""
    return np.eye(vocab_size)[np.asarray(X).T]


def rnn(params: Params, inputs: np.ndarray, state: np.ndarray | None = None
        ) -> tuple[list[np.ndarray], np.ndarray]:
    """inputs (T, B, V) -> hidden states [H_1..H_T], each (B, H), and the last state."""
    W_xh, W_hh, b_h = (np.asarray(params[k], np.float64) for k in ("W_xh", "W_hh", "b_h"))
    H = np.zeros((inputs.shape[1], W_hh.shape[0])) if state is None else state
    outputs = []
    for X_t in inputs:
        H = np.tanh(X_t @ W_xh + H @ W_hh + b_h)
        outputs.append(H)
    return outputs, H


def output_layer(params: Params, hiddens: list[np.ndarray]) -> np.ndarray:
    """[H_t] each (B, H) -> logits (B, T, V)."""
    W_hq, b_q = np.asarray(params["W_hq"], np.float64), np.asarray(params["b_q"], np.float64)
    return np.stack([H @ W_hq + b_q for H in hiddens], axis=1)


def forward(params: Params, X: np.ndarray) -> np.ndarray:
    """Tokens (B, T) -> logits (B, T, V)."""
    V = params["W_xh"].shape[0]
    hiddens, _ = rnn(params, one_hot(X, V))
    return output_layer(params, hiddens)


def log_softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def loss(params: Params, X: np.ndarray, Y: np.ndarray) -> float:
    """Mean cross-entropy over batch and time steps."""
    logp = log_softmax(forward(params, X))
    return float(-np.take_along_axis(logp, np.asarray(Y)[..., None], axis=-1).mean())


def loss_and_grads(params: Params, X: np.ndarray, Y: np.ndarray) -> tuple[float, Params]:
    """Loss and its gradients by backpropagation through time."""
    P = {k: np.asarray(v, np.float64) for k, v in params.items()}
    V = P["W_xh"].shape[0]
    inputs = one_hot(X, V)                                   # (T, B, V)
    hiddens, _ = rnn(P, inputs)                              # T x (B, H)
    logits = output_layer(P, hiddens)                        # (B, T, V)
    B, T, _ = logits.shape
    logp = log_softmax(logits)
    Y = np.asarray(Y)
    value = float(-np.take_along_axis(logp, Y[..., None], axis=-1).mean())
    # d loss / d logits for the mean over B*T positions: (softmax - onehot(Y)) / (B*T)
    dO = np.exp(logp)
    np.put_along_axis(dO, Y[..., None], np.take_along_axis(dO, Y[..., None], -1) - 1, -1)
    dO /= B * T
    grads = {k: np.zeros_like(v) for k, v in P.items()}
    H_all = np.stack(hiddens)                                # (T, B, H)
    grads["W_hq"] = np.einsum("tbh,btv->hv", H_all, dO)
    grads["b_q"] = dO.sum(axis=(0, 1))
    dH_next = np.zeros_like(hiddens[0])                      # gradient flowing from step t+1
    for t in reversed(range(T)):
        dH = dO[:, t] @ P["W_hq"].T + dH_next                # (B, H)
        dA = dH * (1.0 - hiddens[t] ** 2)                    # through tanh
        H_prev = hiddens[t - 1] if t > 0 else np.zeros_like(hiddens[0])
        grads["W_xh"] += inputs[t].T @ dA
        grads["W_hh"] += H_prev.T @ dA
        grads["b_h"] += dA.sum(axis=0)
        dH_next = dA @ P["W_hh"].T
    return value, grads


def grad_norm(grads: Params) -> float:
    return math.sqrt(sum(float((g ** 2).sum()) for g in grads.values()))


def clip_gradients(grads: Params, grad_clip_val: float) -> Params:
    """The book's rule: g <- min(1, theta / ||g||) g, with ||g|| over all parameters."""
    norm = grad_norm(grads)
    if norm > grad_clip_val:
        return {k: g * (grad_clip_val / norm) for k, g in grads.items()}
    return dict(grads)


def sgd_step(params: Params, grads: Params, lr: float) -> Params:
    return {k: np.asarray(params[k], np.float64) - lr * grads[k] for k in params}


def train_step(params: Params, X: np.ndarray, Y: np.ndarray, lr: float,
               grad_clip_val: float = 0.0) -> tuple[float, Params]:
    """One step of the book's training: loss, BPTT, clip (if > 0), SGD."""
    value, grads = loss_and_grads(params, X, Y)
    if grad_clip_val > 0:
        grads = clip_gradients(grads, grad_clip_val)
    return value, sgd_step(params, grads, lr)


def predict(params: Params, prefix: str, num_preds: int, vocab: Vocab, **sampling: Any) -> str:
    """Greedy (or sampled) continuation of ``prefix``, with the book's warm-up period."""
    decoding.check_predict_args(prefix, num_preds, vocab, params["W_xh"].shape[0],
                                sampling.get("temperature"), sampling.get("alpha"))
    V = params["W_xh"].shape[0]

    def step(token: int, state: Any, need_logits: bool) -> tuple[Any, Any]:
        hiddens, state = rnn(params, one_hot(np.array([[token]]), V), state)
        return (output_layer(params, hiddens)[0, 0] if need_logits else None), state

    return decoding.generate(step, prefix, num_preds, vocab, **sampling)

"""The stateless layers around a recurrent network, each with its backward, float64.

Tokens come batch-major (B, T), as the book's data loaders give them; the recurrent layers run
time-major, so the input layers return (T, B, .) as the book's ``one_hot(X.T)`` and
``embedding(X.t())`` do.
"""

from __future__ import annotations

import numpy as np


def one_hot(X: np.ndarray, vocab_size: int) -> np.ndarray:
    """Tokens (B, T) int -> (T, B, V) float64, time-major as the book's ``one_hot``.
    (Its input is discrete: there is nothing to differentiate.)"""
    return np.eye(vocab_size)[np.asarray(X).T]


def embedding(W_emb: np.ndarray, X: np.ndarray) -> np.ndarray:
    """Lookup: W_emb (V, E), tokens (B, T) -> (T, B, E) float64 (= one_hot(X) @ W_emb)."""
    return np.asarray(W_emb, np.float64)[np.asarray(X).T]


def embedding_backward(W_emb: np.ndarray, X: np.ndarray, d_embs: np.ndarray) -> np.ndarray:
    """d_embs (T, B, E) -> d W_emb (V, E): each row gets the sum over the positions reading it
    (a scatter-add)."""
    dW = np.zeros(np.shape(W_emb))
    np.add.at(dW, np.asarray(X).T, d_embs)
    return dW


def dense(W: np.ndarray, b: np.ndarray, H: np.ndarray) -> np.ndarray:
    """O = H W + b: H (..., n_in), W (n_in, n_out), b (n_out,) -> (..., n_out), float64
    (the LM's head: O = H W_hq + b_q)."""
    return H @ np.asarray(W, np.float64) + np.asarray(b, np.float64)


def dense_backward(W: np.ndarray, H: np.ndarray, dO: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """dO (..., n_out) -> (d_H (..., n_in), d_W (n_in, n_out), d_b (n_out,)); the leading axes
    of H and dO must match (both time-major, or both batch-major)."""
    W = np.asarray(W, np.float64)
    H2, dO2 = H.reshape(-1, H.shape[-1]), dO.reshape(-1, dO.shape[-1])  # (N, n_in), (N, n_out)
    return dO @ W.T, H2.T @ dO2, dO2.sum(axis=0)


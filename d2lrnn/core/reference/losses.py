"""Cross-entropy losses on logits (B, T, V) and labels (B, T), with their gradients w.r.t. the
logits, float64."""

from __future__ import annotations

import numpy as np


def log_softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def token_losses(logits: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """The unreduced per-token loss -log softmax(logits)[Y]: (B, T)."""
    logp = log_softmax(logits)
    return -np.take_along_axis(logp, np.asarray(Y)[..., None], axis=-1)[..., 0]


def _softmax_minus_one_hot(logp: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """d token_losses / d logits at each position: softmax(logits) - one_hot(Y), (B, T, V)."""
    d = np.exp(logp)
    np.put_along_axis(d, Y[..., None], np.take_along_axis(d, Y[..., None], -1) - 1, -1)
    return d


def cross_entropy(logits: np.ndarray, Y: np.ndarray) -> tuple[float, np.ndarray]:
    """The mean over all B*T positions, and its gradient (softmax - one_hot(Y)) / (B*T)."""
    Y = np.asarray(Y)
    logp = log_softmax(logits)
    value = float(-np.take_along_axis(logp, Y[..., None], axis=-1).mean())
    d = _softmax_minus_one_hot(logp, Y)
    d /= Y.size
    return value, d


def masked_cross_entropy(logits: np.ndarray, Y: np.ndarray, pad: int
                         ) -> tuple[float, np.ndarray]:
    """The book's ``Seq2Seq.loss`` (current edition): the per-token losses l (B, T) averaged over
    the positions whose label is not padding, mask = (Y != pad):
    (l * mask).sum() / mask.sum(); and its gradient."""
    Y = np.asarray(Y)
    logp = log_softmax(logits)
    l = -np.take_along_axis(logp, Y[..., None], axis=-1)[..., 0]     # (B, T)
    mask = (Y != pad).astype(np.float64)                              # (B, T)
    count = mask.sum()
    d = _softmax_minus_one_hot(logp, Y) * (mask / count)[..., None]
    return float((l * mask).sum() / count), d


def sequence_mask(valid_len: np.ndarray, num_steps: int) -> np.ndarray:
    """(B,) lengths -> (B, num_steps) float: 1 at positions t < valid_len, 0 after (the book's
    ``sequence_mask`` applied to ones)."""
    return (np.arange(num_steps)[None, :] < np.asarray(valid_len)[:, None]).astype(np.float64)


def masked_softmax_ce(logits: np.ndarray, Y: np.ndarray, valid_len: np.ndarray,
                      d_losses: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The earlier edition's ``MaskedSoftmaxCELoss``: per sequence, the mean over num_steps of
    the per-token losses weighted by sequence_mask(valid_len): a vector (B,). With it, the
    gradient of ``d_losses . losses`` w.r.t. the logits (d_losses defaults to ones: the
    gradient of ``l.sum()``, what ``train_seq2seq`` backpropagates)."""
    Y = np.asarray(Y)
    B, T = Y.shape
    logp = log_softmax(logits)
    l = -np.take_along_axis(logp, Y[..., None], axis=-1)[..., 0]     # (B, T)
    weights = sequence_mask(valid_len, T)                             # (B, T)
    d_l = np.ones(B) if d_losses is None else np.asarray(d_losses, np.float64)
    d = _softmax_minus_one_hot(logp, Y) * (weights * d_l[:, None] / T)[..., None]
    return (l * weights).mean(axis=1), d

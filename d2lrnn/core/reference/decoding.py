"""Greedy decoding, written once for every model the oracle composes.

* A language model continues a prefix with ``generate`` (d2lrnn.core.decoding, shared with the
  backends): the book's warm-up on the prefix, then each argmax (or sample) fed back, given
  ``step(token, state, need_logits) -> (logits (V,) or None, state)``.
* An encoder-decoder decodes with ``greedy_seq2seq``: the decoder starts from ``<bos>`` in the
  encoder's state and is fed its own argmax, until ``<eos>`` or ``num_steps`` tokens.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from d2lrnn.core.decoding import check_predict_args, choose, generate

__all__ = ["check_predict_args", "choose", "generate", "greedy_seq2seq"]

# step(tokens (B,) int, state) -> (logits (B, V), new state)
Seq2SeqStep = Callable[[np.ndarray, Any], tuple[np.ndarray, Any]]


def greedy_seq2seq(step: Seq2SeqStep, state: Any, bos: int, eos: int, num_steps: int,
                   batch_size: int = 1) -> list[list[int]]:
    """Each of ``batch_size`` sequences starts from ``bos`` with the decoder in ``state`` (the
    encoder's); each step feeds every sequence its previous argmax. A sequence ends at its
    first ``eos`` (left out, as the book's ``predict_seq2seq`` leaves it out) or after
    ``num_steps`` tokens; the sequences do not interact, so decoding them as one batch gives
    what decoding each alone gives. Returns the token ids of each sequence."""
    out: list[list[int]] = [[] for _ in range(batch_size)]
    done = np.zeros(batch_size, dtype=bool)
    tokens = np.full(batch_size, bos)
    for _ in range(num_steps):
        logits, state = step(tokens, state)
        tokens = np.asarray(logits).reshape(batch_size, -1).argmax(axis=-1)
        for b in np.flatnonzero(~done):
            if tokens[b] == eos:
                done[b] = True
            else:
                out[b].append(int(tokens[b]))
        if done.all():
            break
    return out

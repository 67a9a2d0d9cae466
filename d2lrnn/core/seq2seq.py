"""What the sequence-to-sequence sections share on every framework: the book's ``bleu``."""

from __future__ import annotations

import collections
import math

from d2lrnn.core.checks import positive_int


def bleu(pred_seq: str, label_seq: str, k: int) -> float:
    """The book's BLEU of a predicted sentence against one label (tokens split on ' '):
    exp(min(0, 1 - len_label / len_pred)) times the n-gram precisions p_n ** (1 / 2**n) for
    n = 1..min(k, len_pred)."""
    for name, seq in (("pred_seq", pred_seq), ("label_seq", label_seq)):
        if not isinstance(seq, str):
            raise TypeError(f"{name} must be a sentence (a str of space-separated tokens); got "
                            f"{type(seq).__name__}")
    positive_int("k", k)
    pred_tokens, label_tokens = pred_seq.split(" "), label_seq.split(" ")
    len_pred, len_label = len(pred_tokens), len(label_tokens)
    score = math.exp(min(0, 1 - len_label / len_pred))
    for n in range(1, min(k, len_pred) + 1):
        num_matches, label_subs = 0, collections.defaultdict(int)
        for i in range(len_label - n + 1):
            label_subs[" ".join(label_tokens[i: i + n])] += 1
        for i in range(len_pred - n + 1):
            if label_subs[" ".join(pred_tokens[i: i + n])] > 0:
                num_matches += 1
                label_subs[" ".join(pred_tokens[i: i + n])] -= 1
        score *= math.pow(num_matches / (len_pred - n + 1), math.pow(0.5, n))
    return score

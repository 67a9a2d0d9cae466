"""Portable checkpoints: one NumPy ``.npz`` file any backend can write and read.

Contents: the model family's name (``d2lrnn.core.family``), its parameters under their canonical
names (float32), the vocabulary (``idx_to_token`` as a unicode array) and the hyperparameters
(JSON). Read with ``allow_pickle=False``; written atomically, so a crash never leaves half a
checkpoint behind. Files of the first format (``d2lrnn-rnnlm-1``, no family) read as the family
``rnn-lm-scratch``.
"""

from __future__ import annotations

import json
import os
import zipfile
from dataclasses import dataclass
from typing import Any

import numpy as np

from d2lrnn.core import family as families
from d2lrnn.core.atomic import atomic_write
from d2lrnn.core.text import Vocab

FORMAT = "d2lrnn-checkpoint-2"
_FIRST_FORMAT = "d2lrnn-rnnlm-1"  # before model families: always rnn-lm-scratch
_RESERVED = ("format", "family", "vocab", "hparams")


class CheckpointError(ValueError):
    """A checkpoint that is missing, damaged, or does not fit."""


@dataclass
class Checkpoint:
    params: dict[str, np.ndarray]
    vocab: Vocab
    hparams: dict[str, Any]
    family: str = families.RNN_LM_SCRATCH.name


def save(path: str | os.PathLike, params: dict[str, Any], vocab: Vocab,
         hparams: dict[str, Any], family: str = families.RNN_LM_SCRATCH.name) -> str:
    """Write a checkpoint atomically (names and shapes checked against ``family``)."""
    arrays = families.get(family).check(params, len(vocab), hparams)
    return atomic_write(path, lambda f: np.savez(
        f, **arrays, vocab=np.array(vocab.idx_to_token, dtype=str),
        hparams=np.array(json.dumps(hparams)), family=np.array(family),
        format=np.array(FORMAT)))


def load(path: str | os.PathLike) -> Checkpoint:
    """Read and check a checkpoint (family, names, shapes, vocabulary size)."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise CheckpointError(f"checkpoint: no such file {path!r}")
    try:
        with np.load(path, allow_pickle=False) as z:
            files = dict(z.items())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as err:
        raise CheckpointError(f"checkpoint: {path!r} is not a d2lrnn checkpoint or is "
                              f"truncated ({type(err).__name__}: {err})") from None
    fmt = str(files.get("format", ""))
    if fmt not in (FORMAT, _FIRST_FORMAT):
        raise CheckpointError(f"checkpoint: {path!r} is not a {FORMAT} file")
    name = str(files["family"]) if "family" in files else families.RNN_LM_SCRATCH.name
    missing = [k for k in ("vocab", "hparams") if k not in files]
    if missing:
        raise CheckpointError(f"checkpoint: {path!r} lacks {missing}")
    try:
        family = families.get(name)
        vocab = Vocab.from_idx_to_token(files["vocab"].tolist())
        hparams = json.loads(str(files["hparams"]))
        given = {k: v for k, v in files.items() if k not in _RESERVED}
        params = family.check(given, len(vocab), hparams, what="checkpoint params")
    except (ValueError, KeyError, TypeError) as err:
        raise CheckpointError(f"checkpoint: {path!r} does not fit together: {err}") from None
    return Checkpoint(params, vocab, hparams, name)

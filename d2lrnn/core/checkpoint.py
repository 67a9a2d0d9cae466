"""Portable checkpoints: one NumPy ``.npz`` file any backend can write and read.

Contents: the parameters under their canonical names (float32), the vocabulary
(``idx_to_token`` as a unicode array) and the hyperparameters (JSON). Read with
``allow_pickle=False``; written to a temporary file and renamed, so a crash never leaves half a
checkpoint behind.
"""

from __future__ import annotations

import json
import os
import zipfile
from dataclasses import dataclass
from typing import Any

import numpy as np

from d2lrnn.core.params import PARAM_NAMES, check_params, shapes
from d2lrnn.core.text import Vocab

FORMAT = "d2lrnn-rnnlm-1"


class CheckpointError(ValueError):
    """A checkpoint that is missing, damaged, or does not fit."""


@dataclass
class Checkpoint:
    params: dict[str, np.ndarray]
    vocab: Vocab
    hparams: dict[str, Any]


def save(path: str | os.PathLike, params: dict[str, Any], vocab: Vocab,
         hparams: dict[str, Any]) -> str:
    """Write a checkpoint atomically; returns the path."""
    path = os.fspath(path)
    arrays = check_params(shapes(len(vocab), int(hparams["num_hiddens"])), params)
    tmp = f"{path}.tmp{os.getpid()}"
    try:
        with open(tmp, "wb") as f:
            np.savez(f, **arrays, vocab=np.array(vocab.idx_to_token, dtype=str),
                     hparams=np.array(json.dumps(hparams)), format=np.array(FORMAT))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


def load(path: str | os.PathLike) -> Checkpoint:
    """Read and check a checkpoint (names, shapes, vocabulary size)."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise CheckpointError(f"checkpoint: no such file {path!r}")
    if not zipfile.is_zipfile(path):  # e.g. a text file; np.load would talk about pickles
        raise CheckpointError(f"checkpoint: {path!r} is not a d2lrnn checkpoint (a .npz file "
                              "written by `d2lrnn train` or checkpoint.save) or is truncated")
    try:
        with np.load(path, allow_pickle=False) as z:
            files = dict(z.items())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as err:
        raise CheckpointError(f"checkpoint: {path!r} is not a d2lrnn checkpoint or is "
                              f"truncated ({type(err).__name__}: {err})") from None
    if str(files.get("format", "")) != FORMAT:
        raise CheckpointError(f"checkpoint: {path!r} is not a {FORMAT} file")
    missing = [k for k in (*PARAM_NAMES, "vocab", "hparams") if k not in files]
    if missing:
        raise CheckpointError(f"checkpoint: {path!r} lacks {missing}")
    try:
        vocab = Vocab.from_idx_to_token(files["vocab"].tolist())
        hparams = json.loads(str(files["hparams"]))
        expected = shapes(len(vocab), int(hparams["num_hiddens"]))
        params = check_params(expected, {k: files[k] for k in PARAM_NAMES},
                              what="checkpoint params")
    except (ValueError, KeyError, TypeError) as err:
        raise CheckpointError(f"checkpoint: {path!r} does not fit together: {err}") from None
    return Checkpoint(params, vocab, hparams)

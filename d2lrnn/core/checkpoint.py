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

from d2lrnn.core import models as families
from d2lrnn.core.atomic import atomic_write
from d2lrnn.core.text import Vocab

FORMAT = "d2lrnn-checkpoint-2"
_FIRST_FORMAT = "d2lrnn-rnnlm-1"  # before model families: always rnn-lm-scratch
_RESERVED = ("format", "family", "hparams")


def _vocab_key(role: str) -> str:
    """The file's key of a vocabulary role: 'vocab' (a language model's one vocabulary, as
    files written before roles existed), 'vocab_src', 'vocab_tgt'."""
    return "vocab" if role == "vocab" else f"vocab_{role}"


class CheckpointError(ValueError):
    """A checkpoint that is missing, damaged, or does not fit."""


@dataclass
class Checkpoint:
    params: dict[str, np.ndarray]
    vocabs: dict[str, Vocab]
    hparams: dict[str, Any]
    family: str = families.RNN_LM_SCRATCH.name

    def __post_init__(self) -> None:
        if isinstance(self.vocabs, Vocab):  # a language model's one vocabulary
            self.vocabs = {"vocab": self.vocabs}

    @property
    def vocab(self) -> Vocab:
        """A language model's vocabulary."""
        if "vocab" not in self.vocabs:
            raise CheckpointError(f"checkpoint of family {self.family!r} has the vocabularies "
                                  f"{sorted(self.vocabs)}, not one 'vocab'")
        return self.vocabs["vocab"]

    def vocab_sizes(self) -> dict[str, int]:
        return {role: len(v) for role, v in self.vocabs.items()}


def save(path: str | os.PathLike, params: dict[str, Any], vocab: Vocab | dict[str, Vocab],
         hparams: dict[str, Any], family: str = families.RNN_LM_SCRATCH.name) -> str:
    """Write a checkpoint atomically (names and shapes checked against ``family``); ``vocab``
    is the language model's vocabulary, or the vocabularies by role (``{'src': ..., 'tgt':
    ...}``) for a sequence-to-sequence family."""
    model_family = families.get(family)
    vocabs = vocab if isinstance(vocab, dict) else {"vocab": vocab}
    sizes = model_family.vocab_sizes({role: len(v) for role, v in vocabs.items()})
    arrays = model_family.check(params, sizes, hparams)
    tokens = {_vocab_key(role): np.array(v.idx_to_token, dtype=str)
              for role, v in vocabs.items()}
    return atomic_write(path, lambda f: np.savez(
        f, **arrays, **tokens, hparams=np.array(json.dumps(hparams)),
        family=np.array(family), format=np.array(FORMAT)))


def load(path: str | os.PathLike) -> Checkpoint:
    """Read and check a checkpoint (family, names, shapes, vocabulary size)."""
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
    fmt = str(files.get("format", ""))
    if fmt not in (FORMAT, _FIRST_FORMAT):
        raise CheckpointError(f"checkpoint: {path!r} is not a {FORMAT} file")
    name = str(files["family"]) if "family" in files else families.RNN_LM_SCRATCH.name
    try:
        family = families.get(name)
    except ValueError as err:
        raise CheckpointError(f"checkpoint: {path!r} does not fit together: {err}") from None
    keys = {role: _vocab_key(role) for role in family.data.vocab_roles}
    missing = [k for k in (*keys.values(), "hparams") if k not in files]
    if missing:
        raise CheckpointError(f"checkpoint: {path!r} lacks {missing}")
    try:
        vocabs = {role: Vocab.from_idx_to_token(files[k].tolist()) for role, k in keys.items()}
        hparams = json.loads(str(files["hparams"]))
        given = {k: v for k, v in files.items()
                 if k not in _RESERVED and k not in keys.values()}
        params = family.check(given, {r: len(v) for r, v in vocabs.items()}, hparams,
                              what="checkpoint params")
    except KeyError as err:  # a hyperparameter the family's shapes need
        raise CheckpointError(f"checkpoint: {path!r} lacks the hyperparameter "
                              f"{err.args[0]!r}") from None
    except (ValueError, TypeError) as err:
        raise CheckpointError(f"checkpoint: {path!r} does not fit together: {err}") from None
    bad = sorted(k for k, v in params.items() if not np.isfinite(v).all())
    if bad:
        raise CheckpointError(f"checkpoint: {path!r} holds values that are not finite (NaN or "
                              f"inf) in {', '.join(bad)}: the training that wrote it diverged")
    return Checkpoint(params, vocabs, hparams, name)

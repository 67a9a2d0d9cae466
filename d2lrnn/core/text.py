"""The Time Machine text pipeline (pure Python / NumPy), matching the book's indices exactly."""

from __future__ import annotations

import collections
import hashlib
import os
import re
import warnings
from collections.abc import Iterable, Sequence
from typing import Any

#: The exact file the book downloads (Project Gutenberg), bundled in the package.
TIMEMACHINE_SHA1 = "090b5e7e70c295757f55df93cb0a180b9691891a"


class CorpusError(ValueError):
    """A corpus file that is missing, empty, not UTF-8 text, or not the expected file."""


def bundled_corpus_path() -> str:
    return os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "timemachine.txt")


def read_corpus(path: str | os.PathLike | None = None, sha1: str | None = None) -> str:
    """Read a UTF-8 text file (default: the bundled Time Machine, whose sha1 is verified)."""
    if path is None:
        path, sha1 = bundled_corpus_path(), TIMEMACHINE_SHA1
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise CorpusError(f"corpus: no such file {path!r}")
    with open(path, "rb") as f:
        data = f.read()
    if sha1 is not None:
        got = hashlib.sha1(data).hexdigest()
        if got != sha1:
            raise CorpusError(f"corpus: {path!r} has sha1 {got}, expected {sha1}; the file is "
                              "damaged or not the book's timemachine.txt")
    if b"\x00" in data:
        raise CorpusError(f"corpus: {path!r} is not a text file (it contains NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise CorpusError(f"corpus: {path!r} is not UTF-8 text ({err})") from None
    return text


def preprocess(text: str) -> str:
    """Every run of non-letters becomes one space, then lower case (the book's rule)."""
    return re.sub("[^A-Za-z]+", " ", text).lower()


def tokenize(text: str) -> list[str]:
    """Character tokens."""
    return list(text)


class Vocab:
    """Vocabulary for text: ``<unk>`` plus reserved tokens plus sorted tokens of frequency >=
    ``min_freq``. For the Time Machine: space 0, ``<unk>`` 1, a..z 2..27."""

    def __init__(self, tokens: Iterable[Any] | None = None, min_freq: int = 0,
                 reserved_tokens: Sequence[str] | None = None) -> None:
        tokens = list(tokens or [])
        if tokens and isinstance(tokens[0], list):  # flatten a 2D list
            tokens = [token for line in tokens for token in line]
        counter = collections.Counter(tokens)
        self.token_freqs = sorted(counter.items(), key=lambda x: x[1], reverse=True)
        self.idx_to_token = sorted(set(["<unk>"] + list(reserved_tokens or []) + [
            token for token, freq in self.token_freqs if freq >= min_freq]))
        self.token_to_idx = {token: idx for idx, token in enumerate(self.idx_to_token)}
        self._warned: set[Any] = set()

    @classmethod
    def from_idx_to_token(cls, idx_to_token: Sequence[str]) -> Vocab:
        """A vocabulary with exactly this index order (e.g. read back from a checkpoint)."""
        tokens = [str(t) for t in idx_to_token]
        if "<unk>" not in tokens or len(set(tokens)) != len(tokens):
            raise ValueError("vocabulary tokens must be unique and include '<unk>'")
        vocab = cls()
        vocab.idx_to_token = tokens
        vocab.token_to_idx = {token: idx for idx, token in enumerate(tokens)}
        return vocab

    def __len__(self) -> int:
        return len(self.idx_to_token)

    def __getitem__(self, tokens: Any) -> Any:
        if not isinstance(tokens, (list, tuple)):
            return self.token_to_idx.get(tokens, self.unk)
        get, unk = self.token_to_idx.get, self.unk
        return [get(t, unk) if not isinstance(t, (list, tuple)) else self[t] for t in tokens]

    def to_tokens(self, indices: Any) -> Any:
        if hasattr(indices, "__len__") and len(indices) > 1:
            return [self.idx_to_token[int(index)] for index in indices]
        if hasattr(indices, "__len__"):
            indices = list(indices)[0]
        return self.idx_to_token[int(indices)]

    @property
    def unk(self) -> int:  # index of the unknown token
        return self.token_to_idx["<unk>"]

    def lookup_prefix(self, prefix: str) -> list[int]:
        """Indices of a prefix's characters; unknown ones map to ``<unk>`` (as in the book)
        with one warning per distinct character."""
        unknown = sorted({c for c in prefix if c not in self.token_to_idx} - self._warned)
        if unknown:
            self._warned.update(unknown)
            warnings.warn(f"prefix characters {unknown} are not in the vocabulary; they are "
                          "read as '<unk>' (the corpus is lower-case letters and spaces)",
                          UserWarning, stacklevel=3)
        return [self[c] for c in prefix]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Vocab) and self.idx_to_token == other.idx_to_token

    __hash__ = None  # mutable-ish container semantics: compare by tokens

    def __repr__(self) -> str:
        return f"Vocab({len(self)} tokens)"

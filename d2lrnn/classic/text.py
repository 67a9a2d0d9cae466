"""The older edition's text pipeline, framework-free (section "Text Preprocessing" and
"Language Models and the Dataset"): the Time Machine read line by line, word or character
tokens, a vocabulary ordered by frequency (``<unk>`` at 0), and the two ways of cutting the
corpus into minibatches. Random sampling draws from Python's ``random`` as the book does, so
``random.seed(s)`` reproduces a run.

Minibatches are built from Python lists and handed to a backend's ``tensor`` function, which
each backend passes in (``SeqDataLoader.tensor``, ``bind``).
"""

from __future__ import annotations

import collections
import functools
import random
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from d2lrnn.core.checks import positive_int
from d2lrnn.core.download import DATA_URL, NotBundledError, fetch
from d2lrnn.core.text import TIMEMACHINE_SHA1

#: name -> (url, sha1), as the book's ``DATA_HUB``; only the Time Machine is bundled.
DATA_HUB: dict[str, tuple[str, str]] = {
    "time_machine": (DATA_URL + "timemachine.txt", TIMEMACHINE_SHA1)}

TOKEN_KINDS = ("word", "char")


def download(name: str, cache_dir: str | None = None) -> str:
    """The book's ``download(name, cache_dir)``, offline: the local path of a ``DATA_HUB``
    file that d2lrnn bundles, after its SHA-1 check. ``cache_dir`` is accepted and unused
    (nothing is downloaded, nothing is cached); anything not bundled fails at once."""
    if name not in DATA_HUB:
        raise NotBundledError(f"download: {name!r} is not in DATA_HUB "
                              f"(known: {', '.join(sorted(DATA_HUB))})")
    url, sha1_hash = DATA_HUB[name]
    return fetch(url, sha1_hash)


def read_time_machine() -> list[str]:
    """The Time Machine as a list of lines: non-letters to one space, stripped, lower case."""
    with open(download("time_machine"), encoding="utf-8") as f:
        lines = f.readlines()
    return [re.sub("[^A-Za-z]+", " ", line).strip().lower() for line in lines]


def tokenize(lines: Sequence[str], token: str = "word") -> list[list[str]]:
    """Split text lines into word or character tokens."""
    if token == "word":
        return [line.split() for line in lines]
    if token == "char":
        return [list(line) for line in lines]
    raise ValueError(f"token must be one of {', '.join(map(repr, TOKEN_KINDS))}; got {token!r}")


def count_corpus(tokens: Sequence[Any]) -> collections.Counter:
    """Count token frequencies (``tokens`` a 1D list or a list of token lists)."""
    if len(tokens) == 0 or isinstance(tokens[0], list):
        tokens = [token for line in tokens for token in line]
    return collections.Counter(tokens)


class Vocab:
    """Vocabulary for text: ``<unk>`` at 0, then reserved tokens, then tokens by decreasing
    frequency (ties in first-seen order) of frequency >= ``min_freq``. Tokens may be any
    hashable values, e.g. tuples for n-grams."""

    def __init__(self, tokens: Sequence[Any] | None = None, min_freq: int = 0,
                 reserved_tokens: Sequence[Any] | None = None) -> None:
        tokens = [] if tokens is None else tokens
        reserved_tokens = [] if reserved_tokens is None else list(reserved_tokens)
        counter = count_corpus(tokens)
        self._token_freqs = sorted(counter.items(), key=lambda x: x[1], reverse=True)
        self.idx_to_token = ["<unk>"] + reserved_tokens
        self.token_to_idx = {token: idx for idx, token in enumerate(self.idx_to_token)}
        for token, freq in self._token_freqs:
            if freq < min_freq:
                break
            if token not in self.token_to_idx:
                self.idx_to_token.append(token)
                self.token_to_idx[token] = len(self.idx_to_token) - 1

    def __len__(self) -> int:
        return len(self.idx_to_token)

    def __getitem__(self, tokens: Any) -> Any:
        if not isinstance(tokens, (list, tuple)) or (
                isinstance(tokens, tuple) and tokens in self.token_to_idx):
            return self.token_to_idx.get(tokens, self.unk)
        return [self.__getitem__(token) for token in tokens]

    def to_tokens(self, indices: Any) -> Any:
        if not isinstance(indices, (list, tuple)):
            return self.idx_to_token[int(indices)]
        return [self.idx_to_token[int(index)] for index in indices]

    @property
    def unk(self) -> int:  # index of the unknown token
        return 0

    @property
    def token_freqs(self) -> list[tuple[Any, int]]:
        return self._token_freqs

    def __repr__(self) -> str:
        return f"Vocab({len(self)} tokens)"


def load_corpus_time_machine(max_tokens: int = -1) -> tuple[list[int], Vocab]:
    """Character indices of the Time Machine and its vocabulary (the first ``max_tokens``
    indices when ``max_tokens > 0``)."""
    if not isinstance(max_tokens, int) or isinstance(max_tokens, bool):
        raise TypeError(f"max_tokens must be an integer (-1 for all); got {max_tokens!r}")
    tokens = tokenize(read_time_machine(), "char")
    vocab = Vocab(tokens)
    corpus = [vocab[token] for line in tokens for token in line]
    if max_tokens > 0:
        corpus = corpus[:max_tokens]
    return corpus, vocab


def _check_partition(corpus: Sequence[Any], batch_size: int, num_steps: int) -> None:
    positive_int("batch_size", batch_size)
    positive_int("num_steps", num_steps)
    # the worst case offset of random sampling is num_steps - 1 tokens
    usable = len(corpus) - num_steps
    if usable < 1 or (usable - 1) // num_steps < batch_size:
        raise ValueError(
            f"num_steps={num_steps} with batch_size={batch_size} is too long for a corpus of "
            f"{len(corpus)} tokens (max_tokens): one minibatch needs at least "
            f"{batch_size * num_steps + num_steps} tokens; lower num_steps or batch_size")


def seq_data_iter_random(corpus: Sequence[Any], batch_size: int, num_steps: int,
                         tensor: Callable[[Any], Any] = list) -> Iterator[tuple[Any, Any]]:
    """Minibatches of subsequences by random sampling (Python's ``random``, as the book)."""
    _check_partition(corpus, batch_size, num_steps)
    return _random_batches(corpus, batch_size, num_steps, tensor)


def _random_batches(corpus, batch_size, num_steps, tensor):
    # start with a random offset (inclusive of num_steps - 1) to partition the sequence
    corpus = corpus[random.randint(0, num_steps - 1):]
    num_subseqs = (len(corpus) - 1) // num_steps  # minus 1: the labels are shifted by one
    initial_indices = list(range(0, num_subseqs * num_steps, num_steps))
    random.shuffle(initial_indices)  # adjacent minibatches are not adjacent in the text
    num_batches = num_subseqs // batch_size
    for i in range(0, batch_size * num_batches, batch_size):
        starts = initial_indices[i: i + batch_size]
        X = [list(corpus[j: j + num_steps]) for j in starts]
        Y = [list(corpus[j + 1: j + 1 + num_steps]) for j in starts]
        yield tensor(X), tensor(Y)


def seq_data_iter_sequential(corpus: Sequence[Any], batch_size: int, num_steps: int,
                             tensor: Callable[[Any], Any] = list) -> Iterator[tuple[Any, Any]]:
    """Minibatches of subsequences by sequential partitioning: row b of a minibatch continues
    row b of the previous one."""
    _check_partition(corpus, batch_size, num_steps)
    return _sequential_batches(corpus, batch_size, num_steps, tensor)


def _sequential_batches(corpus, batch_size, num_steps, tensor):
    offset = random.randint(0, num_steps)
    num_tokens = ((len(corpus) - offset - 1) // batch_size) * batch_size
    Xs = np.asarray(corpus[offset: offset + num_tokens]).reshape(batch_size, -1)
    Ys = np.asarray(corpus[offset + 1: offset + 1 + num_tokens]).reshape(batch_size, -1)
    num_batches = Xs.shape[1] // num_steps  # Xs, Ys: (batch_size, num_batches * num_steps)
    for i in range(0, num_steps * num_batches, num_steps):
        # lists, so that each backend's tensor() picks the dtype its book tab shows
        yield tensor(Xs[:, i: i + num_steps].tolist()), tensor(Ys[:, i: i + num_steps].tolist())


def bind(fn: Callable[..., Any], tensor: Callable[[Any], Any]) -> Callable[..., Any]:
    """``fn`` with the book's signature (corpus, batch_size, num_steps) producing ``tensor``s."""
    @functools.wraps(fn)
    def bound(corpus: Sequence[Any], batch_size: int, num_steps: int) -> Iterator[Any]:
        return fn(corpus, batch_size, num_steps, tensor=tensor)
    return bound


class SeqDataLoader:
    """An iterator to load sequence data; backends set ``tensor`` (their ``d2l.tensor``)."""

    tensor: Callable[[Any], Any] = staticmethod(list)

    def __init__(self, batch_size: int, num_steps: int, use_random_iter: bool,
                 max_tokens: int) -> None:
        self.corpus, self.vocab = load_corpus_time_machine(max_tokens)
        _check_partition(self.corpus, batch_size, num_steps)
        self.use_random_iter = bool(use_random_iter)
        self.data_iter_fn = bind(seq_data_iter_random if use_random_iter
                                 else seq_data_iter_sequential, type(self).tensor)
        self.batch_size, self.num_steps = batch_size, num_steps

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        return self.data_iter_fn(self.corpus, self.batch_size, self.num_steps)

    def __len__(self) -> int:  # minibatches per epoch (at most; random offsets may drop one)
        return (len(self.corpus) - 1 - self.num_steps) // self.num_steps // self.batch_size


def load_data_time_machine_with(loader: type[SeqDataLoader], batch_size: int, num_steps: int,
                                use_random_iter: bool = False, max_tokens: int = 10000
                                ) -> tuple[SeqDataLoader, Vocab]:
    """The book's ``load_data_time_machine`` for a backend's ``SeqDataLoader`` class."""
    data_iter = loader(batch_size, num_steps, use_random_iter, max_tokens)
    return data_iter, data_iter.vocab


def flatten(tokens: Iterable[Iterable[Any]]) -> list[Any]:
    return [token for line in tokens for token in line]

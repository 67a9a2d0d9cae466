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
import numbers
import random
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from d2lrnn.core.checks import boolean, nonnegative_number, path, positive_int, short_repr
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
    if not isinstance(name, str):
        raise TypeError(f"download: name must be a DATA_HUB key (a str such as "
                        f"'time_machine'); got {name!r} ({type(name).__name__})")
    if cache_dir is not None:
        path("cache_dir", cache_dir)
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
    if token not in TOKEN_KINDS:
        raise ValueError(f"token must be one of {', '.join(map(repr, TOKEN_KINDS))}; "
                         f"got {token!r}")
    if isinstance(lines, (str, bytes)):  # would be read one character per line
        raise TypeError(f"lines must be a list of text lines (e.g. d2l.read_time_machine()); "
                        f"got one {type(lines).__name__} {short_repr(lines)}: pass [text] or "
                        "text.splitlines()")
    if not isinstance(lines, Iterable):
        raise TypeError(f"lines must be a list of text lines (e.g. d2l.read_time_machine()); "
                        f"got {short_repr(lines)} ({type(lines).__name__})")
    split = str.split if token == "word" else list
    tokens = []
    for i, line in enumerate(lines):
        if not isinstance(line, str):  # one type check a line (3221 lines: well under 1 ms)
            raise TypeError(f"lines must be a list of text lines (str); lines[{i}] is "
                            f"{short_repr(line)} ({type(line).__name__})")
        tokens.append(split(line))
    return tokens


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
        tokens = [] if tokens is None else _token_list(tokens)
        reserved_tokens = _reserved(reserved_tokens)
        nonnegative_number("min_freq", min_freq)
        try:
            counter = count_corpus(tokens)
        except TypeError:  # an unhashable token (a list inside the token lists)
            raise TypeError(_unhashable(tokens)) from None
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
        try:
            if not isinstance(tokens, (list, tuple)) or (
                    isinstance(tokens, tuple) and tokens in self.token_to_idx):
                return self.token_to_idx.get(tokens, self.unk)
        except TypeError:
            raise TypeError(f"vocab[...] takes a token or a list/tuple of tokens; got "
                            f"{short_repr(tokens)} ({type(tokens).__name__}), which is not "
                            "hashable") from None
        return [self.__getitem__(token) for token in tokens]

    def to_tokens(self, indices: Any) -> Any:
        if not isinstance(indices, (list, tuple)):
            return self.idx_to_token[self._index(indices)]
        return [self.idx_to_token[self._index(index)] for index in indices]

    def _index(self, index: Any) -> int:
        try:
            i = int(index)
        except (TypeError, ValueError):
            raise TypeError(f"to_tokens takes token indices (integers); got {short_repr(index)} "
                            f"({type(index).__name__})") from None
        if not 0 <= i < len(self.idx_to_token) or isinstance(index, float) and i != index:
            raise ValueError(f"to_tokens: {index!r} is not a token index of this vocabulary "
                             f"(0 to {len(self.idx_to_token) - 1})")
        return i

    @property
    def unk(self) -> int:  # index of the unknown token
        return 0

    @property
    def token_freqs(self) -> list[tuple[Any, int]]:
        return self._token_freqs

    def __repr__(self) -> str:
        return f"Vocab({len(self)} tokens)"


def _token_list(tokens: Any) -> Any:
    """``tokens`` for counting: a sequence as given (the book's), any other iterable as a list."""
    if isinstance(tokens, (Sequence, np.ndarray)):
        return tokens
    if isinstance(tokens, Iterable) and not isinstance(tokens, (dict, set, frozenset)):
        return list(tokens)
    raise TypeError(f"tokens must be a list of tokens or a list of token lists (e.g. "
                    f"d2l.tokenize(lines)); got {short_repr(tokens)} ({type(tokens).__name__})")


def _reserved(reserved_tokens: Any) -> list[Any]:
    if reserved_tokens is None:
        return []
    if isinstance(reserved_tokens, (str, bytes)):  # list('<pad>') would reserve 5 characters
        raise TypeError(f"reserved_tokens must be a list of tokens, e.g. [{reserved_tokens!r}]"
                        f"; got the string {reserved_tokens!r}")
    if not isinstance(reserved_tokens, Iterable):
        raise TypeError(f"reserved_tokens must be a list of tokens; got {reserved_tokens!r} "
                        f"({type(reserved_tokens).__name__})")
    reserved = list(reserved_tokens)
    seen: set[Any] = {"<unk>"}
    for token in reserved:
        try:
            repeated = token in seen
        except TypeError:
            raise TypeError(f"reserved_tokens must be hashable tokens (str); got "
                            f"{short_repr(token)} ({type(token).__name__})") from None
        if repeated:
            raise ValueError(f"reserved_tokens has {token!r} twice" if token != "<unk>" else
                             "reserved_tokens must not contain '<unk>': it is always index 0")
        seen.add(token)
    return reserved


def _unhashable(tokens: Any) -> str:
    for line in tokens:
        for token in (line if isinstance(line, list) else [line]):
            try:
                hash(token)
            except TypeError:
                return (f"tokens must be a list of tokens or a list of token lists; a token is "
                        f"{short_repr(token)} ({type(token).__name__}), which is not hashable "
                        "(tokens are str, or tuples for n-grams)")
    return "tokens must be hashable (str, or tuples for n-grams)"


def load_corpus_time_machine(max_tokens: int = -1) -> tuple[list[int], Vocab]:
    """Character indices of the Time Machine and its vocabulary (the first ``max_tokens``
    indices when ``max_tokens > 0``)."""
    check_max_tokens(max_tokens)
    tokens = tokenize(read_time_machine(), "char")
    vocab = Vocab(tokens)
    corpus = [vocab[token] for line in tokens for token in line]
    if max_tokens > 0:
        corpus = corpus[:max_tokens]
    return corpus, vocab


def check_max_tokens(max_tokens: Any) -> int:
    """A positive number of tokens, or -1 (or any negative number, as the book) for all."""
    if not isinstance(max_tokens, numbers.Integral) or isinstance(max_tokens, bool):
        raise TypeError(f"max_tokens must be an integer (-1 for the whole corpus); got "
                        f"{max_tokens!r} ({type(max_tokens).__name__})")
    if max_tokens == 0:
        raise ValueError("max_tokens must be a positive integer, or -1 for the whole corpus; "
                         "got 0")
    return int(max_tokens)


def check_corpus(corpus: Any) -> None:
    """A flat sequence of token indices (what ``load_corpus_time_machine`` returns); the first
    index is checked (O(1): this runs once per epoch)."""
    if isinstance(corpus, (str, bytes)) or not hasattr(corpus, "__len__") or not hasattr(
            corpus, "__getitem__"):
        raise TypeError(f"corpus must be a list of token indices (e.g. the corpus of "
                        f"d2l.load_corpus_time_machine()); got {short_repr(corpus)} "
                        f"({type(corpus).__name__})")
    if len(corpus) and not isinstance(corpus[0], numbers.Integral):
        first = corpus[0]
        hint = ("map tokens to indices first: vocab[tokens]" if isinstance(first, str)
                else "flatten it: one list of token indices for the whole text")
        raise TypeError(f"corpus must be a flat list of token indices; corpus[0] is "
                        f"{short_repr(first)} ({type(first).__name__}): {hint}")


def _check_partition(corpus: Sequence[Any], batch_size: int, num_steps: int) -> None:
    positive_int("batch_size", batch_size)
    positive_int("num_steps", num_steps)
    check_corpus(corpus)
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
        positive_int("batch_size", batch_size)
        positive_int("num_steps", num_steps)
        use_random_iter = boolean("use_random_iter", use_random_iter)
        self.corpus, self.vocab = load_corpus_time_machine(max_tokens)
        _check_partition(self.corpus, batch_size, num_steps)
        self.use_random_iter = use_random_iter
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

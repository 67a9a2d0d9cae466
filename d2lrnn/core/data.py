"""DataModule and TimeMachine in NumPy: every backend sees the very same batches.

Backends subclass these and override ``to_tensor`` (NumPy batch -> framework tensor); the
windows, the split and the shuffling all happen here, once.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from d2lrnn.core import random as _random
from d2lrnn.core.checks import nonnegative_int, positive_int
from d2lrnn.core.hparams import HyperParameters
from d2lrnn.core.text import Vocab, preprocess, read_corpus, tokenize


class ArrayLoader:
    """Minibatches of aligned NumPy arrays. Training loaders reshuffle every epoch from their
    own seeded generator; validation loaders convert their fixed batches once and reuse them."""

    def __init__(self, arrays: Sequence[np.ndarray], batch_size: int, shuffle: bool,
                 rng: np.random.Generator, convert: Callable[[np.ndarray], Any]) -> None:
        self.arrays = tuple(arrays)
        self.n = len(self.arrays[0])
        self.batch_size, self.shuffle, self.rng, self.convert = batch_size, shuffle, rng, convert
        self._fixed: list[tuple[Any, ...]] | None = None

    def __len__(self) -> int:
        return -(-self.n // self.batch_size)  # ceil

    def order(self) -> np.ndarray:
        """Indices of one epoch (draws a permutation when shuffling)."""
        return self.rng.permutation(self.n) if self.shuffle else np.arange(self.n)

    def first(self) -> tuple[Any, ...]:
        """The first batch in storage order, drawing nothing from the shuffling generator (for
        shape inference, e.g. initialising a Flax model)."""
        return tuple(self.convert(a[:self.batch_size]) for a in self.arrays)

    def _batches(self, idx: np.ndarray) -> Iterator[tuple[Any, ...]]:
        for i in range(0, self.n, self.batch_size):
            part = idx[i:i + self.batch_size]
            yield tuple(self.convert(a[part]) for a in self.arrays)

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        if self.shuffle:
            return self._batches(self.order())
        if self._fixed is None:
            self._fixed = list(self._batches(self.order()))
        return iter(self._fixed)


class DataModule(HyperParameters):
    """The base class of data: ``train_dataloader()`` and ``val_dataloader()``."""

    def __init__(self, root: str = "../data", num_workers: int = 4) -> None:
        self.save_hyperparameters()

    @property
    def rng(self) -> np.random.Generator:
        """This data module's shuffling generator (spawned from the shared data stream)."""
        if getattr(self, "_rng", None) is None:
            self._rng = np.random.Generator(np.random.PCG64(
                _random.data_rng().integers(2**63)))
        return self._rng

    def to_tensor(self, array: np.ndarray) -> Any:
        """Convert one NumPy batch to the backend's tensor type (identity here)."""
        return array

    def to_numpy(self, tensor: Any) -> np.ndarray:
        """A framework tensor (or list, or NumPy array) as a NumPy array (backends override
        where ``np.asarray`` does not do it)."""
        return np.asarray(tensor)

    def get_dataloader(self, train: bool) -> Any:
        raise NotImplementedError

    def train_dataloader(self) -> Any:
        return self.get_dataloader(train=True)

    def val_dataloader(self) -> Any:
        return self.get_dataloader(train=False)

    def get_tensorloader(self, tensors: Sequence[np.ndarray], train: bool,
                         indices: slice = slice(0, None)) -> ArrayLoader:
        """Minibatches of ``tensors[k][indices]`` (framework tensors or NumPy arrays), shuffled
        when ``train``."""
        arrays = tuple(self.to_numpy(t)[indices] for t in tensors)
        return ArrayLoader(arrays, self.batch_size, shuffle=train, rng=self.rng,
                           convert=self.to_tensor)


def example_data(data_module: type, arrays: Sequence[np.ndarray]) -> Any:
    """A backend's data module (``data_module``, e.g. ``d2l.DataModule``) whose training and
    validation loaders hold the one batch ``arrays`` (a model family's ``example_batch``): what
    a Trainer needs to create a model's parameters without reading a corpus."""
    data = data_module()
    data.batch_size = len(arrays[0])
    data.get_dataloader = lambda train: data.get_tensorloader(list(arrays), train=False)
    return data


class TimeMachineMethods:
    """The book's TimeMachine methods, framework-free. ``time_machine_class`` puts them on a
    class whose only base is a DataModule, so that the book's redefinition of ``__init__``
    (``super(d2l.TimeMachine, self).__init__()``) reaches ``DataModule.__init__``.

    The Time Machine dataset: windows of ``num_steps + 1`` characters at stride 1; X is the
    first ``num_steps`` of each window, Y the last ``num_steps``. The first ``num_train``
    windows train, the next ``num_val`` validate. ``TimeMachine()`` with no arguments is the
    text-sequence section's object: ``_download``, ``_preprocess``, ``_tokenize`` and
    ``build``, no batches."""

    def __init__(self, batch_size: int | None = None, num_steps: int | None = None,
                 num_train: int = 10000, num_val: int = 5000,
                 corpus: str | os.PathLike | None = None, seed: int | None = None) -> None:
        # Arguments are checked before anything is read or allocated.
        windows_wanted = batch_size is not None or num_steps is not None
        if windows_wanted:
            batch_size = positive_int("batch_size", batch_size)
            num_steps = positive_int("num_steps", num_steps)
        num_train = positive_int("num_train", num_train)
        num_val = positive_int("num_val", num_val)
        if seed is not None:
            nonnegative_int("seed", seed)
        DataModule.__init__(self)  # root, num_workers (no super(): see the class docstring)
        self.save_hyperparameters()
        self._rng = None if seed is None else np.random.default_rng(seed)
        if not windows_wanted:
            return
        corpus_idx, self.vocab = self.build(self._download())
        num_windows = len(corpus_idx) - num_steps
        if num_windows < num_train + num_val:
            raise ValueError(
                f"num_steps={num_steps} is too long for this corpus: it has {len(corpus_idx)} "
                f"tokens, giving {max(num_windows, 0)} windows of num_steps + 1 tokens, but "
                f"num_train + num_val = {num_train + num_val} are needed; lower num_steps, "
                "num_train or num_val")
        # windows: (num_windows, num_steps + 1), a view on the corpus, then one copy of the part
        # that is used.
        windows = np.lib.stride_tricks.sliding_window_view(
            np.asarray(corpus_idx, dtype=np.int64), num_steps + 1)[:num_train + num_val]
        self.X, self.Y = windows[:, :-1].copy(), windows[:, 1:].copy()

    def _download(self) -> str:
        """The raw text: the bundled Time Machine after its sha1 check (the book downloads it
        from DATA_URL; d2lrnn never uses the network), or the ``corpus`` file given."""
        return read_corpus(getattr(self, "corpus", None))

    def _preprocess(self, text: str) -> str:
        return preprocess(text)

    def _tokenize(self, text: str) -> list[str]:
        return tokenize(text)

    def build(self, raw_text: str, vocab: Vocab | None = None) -> tuple[list[int], Vocab]:
        """(corpus indices, vocabulary) of a raw text (a new vocabulary unless given)."""
        tokens = self._tokenize(self._preprocess(raw_text))
        if not tokens or not raw_text.strip():
            raise ValueError("corpus: the text has no letters to learn from")
        if vocab is None:
            vocab = Vocab(tokens)
        corpus = vocab[tokens]
        return corpus, vocab

    def get_dataloader(self, train: bool) -> ArrayLoader:
        if getattr(self, "X", None) is None:
            raise ValueError("this TimeMachine has no batches: create it with batch_size and "
                             "num_steps, e.g. TimeMachine(batch_size=1024, num_steps=32)")
        idx = slice(0, self.num_train) if train else slice(
            self.num_train, self.num_train + self.num_val)
        return self.get_tensorloader([self.X, self.Y], train, idx)


def book_data_class(name: str, methods: type, data_module: type, module: str,
                    doc: str) -> type:
    """``class <name>(data_module)`` with ``methods`` (a mixin's methods) defined on the class
    itself (nothing between it and ``data_module`` in the MRO), as the book's classes are, so
    that the book's ``super(d2l.<name>, self).__init__()`` reaches the DataModule."""
    namespace = {k: v for k, v in vars(methods).items() if k not in ("__dict__", "__weakref__")}
    namespace.update(__doc__=doc, __module__=module, __qualname__=name)
    return type(name, (data_module,), namespace)


def time_machine_class(data_module: type, module: str, doc: str) -> type:
    """``class TimeMachine(data_module)`` (``book_data_class``)."""
    return book_data_class("TimeMachine", TimeMachineMethods, data_module, module, doc)


TimeMachine = time_machine_class(DataModule, __name__, "The book's Time Machine data, as "
                                 "NumPy arrays (the reference every backend matches).")

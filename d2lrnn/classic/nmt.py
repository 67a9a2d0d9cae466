"""The older edition's English-French data (chapter 9, "Machine Translation and the Dataset"),
framework-free: ``read_data_nmt``, ``preprocess_nmt``, ``tokenize_nmt``,
``show_list_len_pair_hist``, ``truncate_pad``, ``build_array_nmt`` and ``load_data_nmt`` as the
book writes them, and ``download_extract``.

``build_array_nmt`` and ``load_data_nmt`` here give NumPy arrays; a backend gets its tensors
from ``build_array_nmt_with(d2l, ...)`` and ``load_data_nmt_with(d2l, ...)``, where ``d2l`` is
anything with the backend's ``tensor``, ``reduce_sum``, ``astype``, ``int32`` and
``load_array`` (its package, or a mapping such as the package's namespace): the book's cells
over that backend's own functions, so each framework gets the dtypes its tab printed (int64 on
PyTorch; int32 on TensorFlow and JAX; float32 indices and int32 lengths on MXNet).
``nmt_section(d2l, module)`` gives a backend package all the section's names.

The book's quirks are kept: only U+202F and U+00A0 become spaces; ``tokenize_nmt(text, 600)``
stops at ``i > 600`` (601 pairs); over the whole file ``len(src_vocab)`` is 10012.
``read_data_nmt`` returns the bundled text (checked, decompressed once per process) and writes
nothing; ``download_extract('fra-eng')`` writes ``../data/fra-eng/fra.txt`` (the book's
folder) and returns that folder.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from d2lrnn.classic import text as _text
from d2lrnn.core import download as _download
from d2lrnn.core import nmt as _nmt
from d2lrnn.core.checks import positive_int as _positive_int
from d2lrnn.core.data import ArrayLoader as _ArrayLoader
from d2lrnn.core.random import data_rng as _data_rng

RESERVED = ["<pad>", "<bos>", "<eos>"]

# The book's `d2l.DATA_HUB['fra-eng']` (#@save in this section): its sha1 names the data set
# (see d2lrnn.core.download.FRA_ENG_BOOK_SHA1; the extracted fra.txt is what is checked).
_text.DATA_HUB.setdefault("fra-eng", (_download.DATA_URL + "fra-eng.zip",
                                      _download.FRA_ENG_BOOK_SHA1))

#: The figure of the token-count histogram (the same function in both editions).
show_list_len_pair_hist = _nmt.show_list_len_pair_hist


def download_extract(name: str, folder: str | None = None) -> str:
    """The book's ``download_extract(name, folder=None)``, offline: ``DATA_HUB[name]`` must be an
    archive d2lrnn bundles (``'fra-eng'``); its checked files are written into ``../data`` (the
    book's cache folder, e.g. ``../data/fra-eng/fra.txt``), and the folder they are in is
    returned (``../data/<folder>`` when ``folder`` is given). Anything not bundled raises
    NotBundledError at once; nothing is downloaded."""
    if name not in _text.DATA_HUB:
        raise _download.NotBundledError(f"download_extract: {name!r} is not in DATA_HUB "
                                        f"(known: {', '.join(sorted(_text.DATA_HUB))})")
    url, sha1_hash = _text.DATA_HUB[name]
    fname = _download.download(url, os.path.join("..", "data"), sha1_hash)
    base_dir = os.path.dirname(fname)
    data_dir, ext = os.path.splitext(fname)
    if ext not in (".zip", ".tar", ".gz"):
        raise ValueError(f"download_extract: only zip/tar files can be extracted; "
                         f"DATA_HUB[{name!r}] is {url!r}")
    _download.extract(fname)
    return os.path.join(base_dir, folder) if folder else data_dir


def read_data_nmt() -> str:
    """Load the English-French dataset (the bundled ``fra.txt``; nothing is written)."""
    return _nmt.read_fra_eng()


def preprocess_nmt(text: str) -> str:
    """Preprocess the English-French dataset: U+202F and U+00A0 to spaces, lower case, a space
    between words and punctuation marks (the book's loop, done with ``str.replace``)."""
    text = text.replace("\u202f", " ").replace("\xa0", " ").lower()
    return _nmt.space_punctuation(text)


def tokenize_nmt(text: str, num_examples: int | None = None
                 ) -> tuple[list[list[str]], list[list[str]]]:
    """Tokenize the English-French dataset: the lines ``i <= num_examples`` (the book's bound)
    with two tab-separated parts, split on single spaces."""
    source, target = [], []
    for i, line in enumerate(text.split("\n")):
        if num_examples and i > num_examples:
            break
        parts = line.split("\t")
        if len(parts) == 2:
            source.append(parts[0].split(" "))
            target.append(parts[1].split(" "))
    return source, target


def truncate_pad(line: list[Any], num_steps: int, padding_token: Any) -> list[Any]:
    """Truncate or pad sequences."""
    if len(line) > num_steps:
        return line[:num_steps]  # Truncate
    return line + [padding_token] * (num_steps - len(line))  # Pad


def _get(d2l: Any, name: str) -> Any:
    return d2l[name] if isinstance(d2l, Mapping) else getattr(d2l, name)


def build_array_nmt_with(d2l: Any, lines: Sequence[list[str]], vocab: _text.Vocab,
                         num_steps: int) -> tuple[Any, Any]:
    """The book's ``build_array_nmt`` over ``d2l``'s ``tensor``, ``reduce_sum``, ``astype``
    and ``int32``: (indices (n, num_steps) ending in ``<eos>`` where it fits, valid lengths)."""
    _positive_int("num_steps", num_steps)
    lines = [vocab[l] for l in lines]
    lines = [l + [vocab["<eos>"]] for l in lines]
    array = _get(d2l, "tensor")([truncate_pad(l, num_steps, vocab["<pad>"]) for l in lines])
    valid_len = _get(d2l, "reduce_sum")(
        _get(d2l, "astype")(array != vocab["<pad>"], _get(d2l, "int32")), 1)
    return array, valid_len


def _numpy_tensor(rows: list[list[int]]) -> np.ndarray:
    return np.array(rows, dtype=np.int64) if rows else np.zeros((0, 0), np.int64)


def _numpy_load_array(data_arrays: Sequence[np.ndarray], batch_size: int,
                      is_train: bool = True) -> _ArrayLoader:
    """Minibatches of NumPy arrays, shuffled from d2lrnn's data stream when ``is_train``."""
    return _ArrayLoader(data_arrays, _positive_int("batch_size", batch_size), shuffle=is_train,
                        rng=_data_rng(), convert=lambda a: a)


#: The hooks of the framework-free functions: NumPy int64 arrays and a NumPy loader.
NUMPY: dict[str, Any] = {
    "tensor": _numpy_tensor, "int32": np.int32, "load_array": _numpy_load_array,
    "astype": lambda a, dtype: a.astype(dtype),
    "reduce_sum": lambda a, axis: a.sum(axis, dtype=np.int64)}


def build_array_nmt(lines: Sequence[list[str]], vocab: _text.Vocab, num_steps: int
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Transform text sequences of machine translation into minibatches: int64 NumPy arrays
    (indices (n, num_steps), valid lengths (n,))."""
    array, valid_len = build_array_nmt_with(NUMPY, lines, vocab, num_steps)
    return array.reshape(len(valid_len), num_steps), valid_len


def load_data_nmt_with(d2l: Any, batch_size: int, num_steps: int, num_examples: int = 600
                       ) -> tuple[Any, _text.Vocab, _text.Vocab]:
    """The book's ``load_data_nmt`` over ``d2l``'s tensor functions and ``load_array``: the
    iterator of (X, X_valid_len, Y, Y_valid_len) and the source and target vocabularies."""
    _positive_int("batch_size", batch_size)
    _positive_int("num_steps", num_steps)
    text = preprocess_nmt(read_data_nmt())
    source, target = tokenize_nmt(text, num_examples)
    src_vocab = _text.Vocab(source, min_freq=2, reserved_tokens=RESERVED)
    tgt_vocab = _text.Vocab(target, min_freq=2, reserved_tokens=RESERVED)
    src_array, src_valid_len = build_array_nmt_with(d2l, source, src_vocab, num_steps)
    tgt_array, tgt_valid_len = build_array_nmt_with(d2l, target, tgt_vocab, num_steps)
    data_arrays = (src_array, src_valid_len, tgt_array, tgt_valid_len)
    data_iter = _get(d2l, "load_array")(data_arrays, batch_size)
    return data_iter, src_vocab, tgt_vocab


def load_data_nmt(batch_size: int, num_steps: int, num_examples: int = 600
                  ) -> tuple[_ArrayLoader, _text.Vocab, _text.Vocab]:
    """Return the iterator and the vocabularies of the translation dataset (NumPy batches)."""
    return load_data_nmt_with(NUMPY, batch_size, num_steps, num_examples)


def _bound(fn: Callable[..., Any], d2l: Any, module: str, name: str, doc: str
           ) -> Callable[..., Any]:
    """``fn`` with ``d2l`` as its first argument, named as the book's function."""
    def call(*args: Any, **kwargs: Any) -> Any:
        return fn(d2l, *args, **kwargs)
    call.__module__, call.__qualname__, call.__name__, call.__doc__ = module, name, name, doc
    return call


def nmt_section(d2l: Any, module: str) -> dict[str, Any]:
    """The section's names for a backend package: ``d2l`` is the package (or its namespace
    while it is assembled; its ``tensor``, ``reduce_sum``, ``astype``, ``int32`` and
    ``load_array`` are looked up at each call), ``module`` its name."""
    return {
        "read_data_nmt": read_data_nmt, "preprocess_nmt": preprocess_nmt,
        "tokenize_nmt": tokenize_nmt, "show_list_len_pair_hist": show_list_len_pair_hist,
        "truncate_pad": truncate_pad, "download_extract": download_extract,
        "build_array_nmt": _bound(
            build_array_nmt_with, d2l, module, "build_array_nmt",
            "Transform text sequences of machine translation into minibatches."),
        "load_data_nmt": _bound(
            load_data_nmt_with, d2l, module, "load_data_nmt",
            "Return the iterator and the vocabularies of the translation dataset."),
    }

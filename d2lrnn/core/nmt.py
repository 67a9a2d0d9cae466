"""The current edition's English-French data (section "Machine Translation and the Dataset"),
framework-free: the book's ``MTFraEng`` methods written once, put on each backend's
``DataModule`` by ``mt_fra_eng_class`` (as ``TimeMachine`` is), and
``show_list_len_pair_hist``.

The data: the book's ``fra.txt`` (Tatoeba via manythings.org/anki, CC-BY 2.0 FR, notice in
``d2lrnn/data/fra-eng/_about.txt``), bundled and SHA-1 checked (``d2lrnn.core.download``).
``MTFraEng(batch_size)`` keeps the book's quirks, on which its numbers depend:

- ``_preprocess`` turns only U+202F and U+00A0 into spaces (U+2009 and U+200B stay, so tokens
  such as ``'recule\\u2009'`` exist), lower-cases, and puts a space before ``, . ! ?`` not
  preceded by one;
- ``_tokenize(text, max_examples)`` stops at ``i > max_examples``: ``num_train + num_val + 1``
  pairs (641 by default; the validation split has 129);
- vocabularies are the current edition's ``Vocab`` (sorted) of the padded sentences with
  ``min_freq=2``: 194 source and 214 target tokens by default.

The package's ``MTFraEng._download`` returns the bundled text (decompressed and checked once per
process) and writes nothing; the section's own ``_download`` (``d2l.download`` then
``d2l.extract``) writes ``<root>/fra-eng/fra.txt`` as the book does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from d2lrnn.core import plot as _plot
from d2lrnn.core.checks import positive_int
from d2lrnn.core.data import ArrayLoader, DataModule, book_data_class
from d2lrnn.core.download import bundled_text
from d2lrnn.core.text import Vocab

PUNCTUATION = ",.!?"


def read_fra_eng() -> str:
    """The book's ``fra.txt`` (English TAB French, one pair a line), from the package."""
    return bundled_text("fra-eng.zip", "fra.txt")


def space_punctuation(text: str) -> str:
    """A space before each of ``, . ! ?`` whose previous character is not a space (never before
    the first character): the book's per-character loop, done with ``str.replace`` (the same
    string, five times faster). Every mark gets a space first; where the mark already followed
    a space, that doubled space is then undone."""
    out = text
    for p in PUNCTUATION:
        out = out.replace(p, " " + p)
    for p in PUNCTUATION:
        out = out.replace("  " + p, " " + p)
    if text[:1] and text[0] in PUNCTUATION:  # i > 0 in the book: no space before the first
        out = out[1:]
    return out


def preprocess(text: str) -> str:
    """The current edition's ``_preprocess``: U+202F and U+00A0 become spaces, lower case, a
    space between words and punctuation marks."""
    text = text.replace("\u202f", " ").replace("\xa0", " ")
    lower = text.lower()
    if len(lower) != len(text):
        # A character whose lower case is longer (such as U+0130): the book reads the previous
        # character from the text before lower-casing, at the same index; keep its loop.
        no_space = lambda char, prev_char: char in PUNCTUATION and prev_char != " "
        return "".join([" " + char if i > 0 and no_space(char, text[i - 1]) else char
                        for i, char in enumerate(lower)])
    return space_punctuation(lower)


def tokenize(text: str, max_examples: int | None = None) -> tuple[list[list[str]],
                                                                   list[list[str]]]:
    """The current edition's ``_tokenize``: source and target token lists, each ending in
    ``<eos>``, of the lines ``i <= max_examples`` (the book's bound: one pair more than asked)
    that have exactly two tab-separated parts; empty tokens skipped."""
    src, tgt = [], []
    for i, line in enumerate(text.split("\n")):
        if max_examples and i > max_examples:
            break
        parts = line.split("\t")
        if len(parts) == 2:
            src.append([t for t in f"{parts[0]} <eos>".split(" ") if t])
            tgt.append([t for t in f"{parts[1]} <eos>".split(" ") if t])
    return src, tgt


def pad_or_trim(seq: list[str], t: int) -> list[str]:
    return seq[:t] if len(seq) > t else seq + ["<pad>"] * (t - len(seq))


def build_array(sentences: Sequence[list[str]], vocab: Vocab | None, num_steps: int,
                is_tgt: bool = False) -> tuple[np.ndarray, Vocab, np.ndarray]:
    """The book's inner ``_build_array`` in NumPy: (int64 indices (n, num_steps [+ 1 for the
    target's ``<bos>``]), vocabulary (a new one with ``min_freq=2`` unless given), int64 valid
    lengths (n,): the tokens that are not ``<pad>``)."""
    sentences = [pad_or_trim(list(s), num_steps) for s in sentences]
    if is_tgt:
        sentences = [["<bos>"] + s for s in sentences]
    if vocab is None:
        vocab = Vocab(sentences, min_freq=2)
    width = num_steps + 1 if is_tgt else num_steps
    array = np.array([vocab[s] for s in sentences], dtype=np.int64).reshape(-1, width)
    valid_len = (array != vocab["<pad>"]).astype(np.int32).sum(1, dtype=np.int64)
    return array, vocab, valid_len


def check_sentence_pairs(src_sentences: Any, tgt_sentences: Any) -> None:
    """``build``'s arguments: two lists of the same length of non-empty sentences (str); a
    plain string would be read as one sentence per character, an empty sentence as <eos> only,
    and a tab or line break inside one would split the book's raw text."""
    for name, sentences in (("src_sentences", src_sentences), ("tgt_sentences", tgt_sentences)):
        if isinstance(sentences, str) or not isinstance(sentences, Sequence):
            raise TypeError(f"{name} must be a list of sentences (str), e.g. ['go .']; got "
                            f"{type(sentences).__name__}")
        for i, s in enumerate(sentences):
            if not isinstance(s, str):
                raise TypeError(f"{name}[{i}] must be a sentence (str); got {type(s).__name__}")
            if not s.strip():
                raise ValueError(f"{name}[{i}] is empty: give at least one word")
            if "\t" in s or "\n" in s:
                raise ValueError(f"{name}[{i}] holds a tab or a line break: {s!r}")
    if len(src_sentences) != len(tgt_sentences):
        raise ValueError(f"src_sentences and tgt_sentences must pair up: {len(src_sentences)} "
                         f"and {len(tgt_sentences)} sentences")


def show_list_len_pair_hist(legend: Sequence[str], xlabel: str, ylabel: str,
                            xlist: Sequence[Sequence[Any]], ylist: Sequence[Sequence[Any]]
                            ) -> None:
    """Plot the histogram for list length pairs."""
    _plot.set_figsize()
    plt = _plot.pyplot()
    _, _, patches = plt.hist([[len(l) for l in xlist], [len(l) for l in ylist]])
    plt.xlabel(xlabel)
    plt.ylabel(ylabel)
    for patch in patches[1].patches:
        patch.set_hatch("/")
    plt.legend(legend)


class MTFraEngMethods:
    """The book's MTFraEng methods, framework-free. ``mt_fra_eng_class`` puts them on a class
    whose only base is a backend's DataModule (so that a reader's ``super(MTFraEng,
    self).__init__()`` reaches ``DataModule.__init__``), whose ``to_tensor`` gives that
    framework's tensors.

    The English-French dataset: ``arrays`` = (source, decoder input, source valid lengths,
    label), each with one row per pair; source (n, num_steps) padded or trimmed and ending in
    ``<eos>`` when it fits; the target ``<bos>`` + padded target, of which the decoder input is
    all but the last token and the label all but the first. The first ``num_train`` pairs
    train, the rest (``num_val + 1``, the book's bound) validate."""

    def __init__(self, batch_size: int, num_steps: int = 9, num_train: int = 512,
                 num_val: int = 128) -> None:
        # Arguments are checked before anything is read.
        positive_int("batch_size", batch_size)
        positive_int("num_steps", num_steps)
        positive_int("num_train", num_train)
        positive_int("num_val", num_val)
        DataModule.__init__(self)  # root, num_workers (no super(): see the class docstring)
        self.save_hyperparameters()
        self.arrays, self.src_vocab, self.tgt_vocab = self._build_arrays(self._download())
        n = len(self.to_numpy(self.arrays[0]))
        if n < num_train + num_val:
            raise ValueError(f"num_train + num_val = {num_train + num_val} pairs were asked "
                             f"for, but the data set has {n}; lower num_train or num_val")

    def _download(self) -> str:
        """The raw text: the book's fra.txt, bundled (the book downloads fra-eng.zip into
        ``root`` and extracts it; d2lrnn never uses the network and writes nothing here)."""
        return read_fra_eng()

    def _preprocess(self, text: str) -> str:
        return preprocess(text)

    def _tokenize(self, text: str, max_examples: int | None = None
                  ) -> tuple[list[list[str]], list[list[str]]]:
        return tokenize(text, max_examples)

    def _build_arrays(self, raw_text: str, src_vocab: Vocab | None = None,
                      tgt_vocab: Vocab | None = None) -> tuple[tuple[Any, ...], Vocab, Vocab]:
        """((source, decoder input, source valid lengths, label) as the backend's tensors,
        source vocabulary, target vocabulary); new vocabularies unless given."""
        src, tgt = self._tokenize(self._preprocess(raw_text), self.num_train + self.num_val)
        src_array, src_vocab, src_valid_len = build_array(src, src_vocab, self.num_steps)
        tgt_array, tgt_vocab, _ = build_array(tgt, tgt_vocab, self.num_steps, is_tgt=True)
        arrays = (src_array, tgt_array[:, :-1], src_valid_len, tgt_array[:, 1:])
        return (tuple(self.to_tensor(np.ascontiguousarray(a)) for a in arrays),
                src_vocab, tgt_vocab)

    def get_dataloader(self, train: bool) -> ArrayLoader:
        idx = slice(0, self.num_train) if train else slice(self.num_train, None)
        return self.get_tensorloader(self.arrays, train, idx)

    def build(self, src_sentences: Sequence[str], tgt_sentences: Sequence[str]
              ) -> tuple[Any, ...]:
        """The arrays of sentence pairs given as text, with this data's vocabularies."""
        check_sentence_pairs(src_sentences, tgt_sentences)
        raw_text = "\n".join([src + "\t" + tgt for src, tgt in zip(
            src_sentences, tgt_sentences, strict=False)])
        arrays, _, _ = self._build_arrays(raw_text, self.src_vocab, self.tgt_vocab)
        return arrays


def mt_fra_eng_class(data_module: type, module: str, doc: str) -> type:
    """``class MTFraEng(data_module)`` (``core.data.book_data_class``)."""
    return book_data_class("MTFraEng", MTFraEngMethods, data_module, module, doc)


MTFraEng = mt_fra_eng_class(DataModule, __name__, "The English-French dataset, as NumPy "
                            "arrays (the reference every backend matches).")

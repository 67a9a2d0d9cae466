"""The book's machine-translation data set (English-French, ``fra-eng``), offline, both editions:
every deterministic value the printed books show, the SHA-1 check of the bundled data, the
book's quirks, ``MTFraEng`` on each backend, the older edition's functions over each backend's
tensors, and the current edition's section run cell by cell in its notebooks
(notebooks/modern/machine_translation_and_dataset_*, built from tests/book/modern/).

The first minibatches the books print are shuffled draws: their rows are checked to be rows of
the data set, each with its own decoder input, valid length and label."""

from __future__ import annotations

import hashlib
import importlib
import lzma
import os
import random
import re
import zipfile
from pathlib import Path

import nbformat
import numpy as np
import pytest
from notebook_run import kernel_env, plots_without_image, run_notebook

from d2lrnn.classic import nmt as classic_nmt
from d2lrnn.classic.text import DATA_HUB
from d2lrnn.classic.text import Vocab as ClassicVocab
from d2lrnn.core import download, names, nmt

ROOT = Path(__file__).resolve().parents[1]
RESERVED = ["<pad>", "<bos>", "<eos>"]

# What the books print (shared/reference/printed/*/*/machine-translation-and-dataset.txt).
RAW_HEAD = ("Go.\tVa !\nHi.\tSalut !\nRun!\tCours\u202f!\nRun!\tCourez\u202f!\nWho?\tQui ?\n"
            "Wow!\tÇa alors\u202f!\n")
TEXT_HEAD = ("go .\tva !\nhi .\tsalut !\nrun !\tcours !\nrun !\tcourez !\nwho ?\tqui ?\n"
             "wow !\tça alors !")
SRC6 = [["go", "."], ["hi", "."], ["run", "!"], ["run", "!"], ["who", "?"], ["wow", "!"]]
TGT6 = [["va", "!"], ["salut", "!"], ["cours", "!"], ["courez", "!"], ["qui", "?"],
        ["ça", "alors", "!"]]
PAD9 = ["<pad>"] * 6
BUILD_SRC = ["hi", ".", "<eos>", *PAD9]
BUILD_TGT = ["<bos>", "salut", ".", "<eos>", "<pad>", "<pad>", "<pad>", "<pad>", "<pad>"]

#: current edition, MTFraEng(batch_size=3): tab -> (source rows, decoder input rows, lengths);
#: the label is the decoder input shifted by one.
CURRENT_BATCHES = {
    "pytorch": ([[117, 182, 0, 3, 4, 4, 4, 4, 4], [62, 72, 2, 3, 4, 4, 4, 4, 4],
                 [57, 124, 0, 3, 4, 4, 4, 4, 4]],
                [[3, 37, 100, 58, 160, 0, 4, 5, 5], [3, 6, 2, 4, 5, 5, 5, 5, 5],
                 [3, 180, 0, 4, 5, 5, 5, 5, 5]], [4, 4, 4],
                [[37, 100, 58, 160, 0, 4, 5, 5, 5], [6, 2, 4, 5, 5, 5, 5, 5, 5],
                 [180, 0, 4, 5, 5, 5, 5, 5, 5]]),
    "mxnet": ([[69, 175, 2, 3, 4, 4, 4, 4, 4], [142, 136, 2, 3, 4, 4, 4, 4, 4],
               [14, 119, 2, 3, 4, 4, 4, 4, 4]],
              [[3, 6, 0, 4, 5, 5, 5, 5, 5], [3, 69, 56, 2, 4, 5, 5, 5, 5],
               [3, 165, 0, 4, 5, 5, 5, 5, 5]], [4, 4, 4],
              [[6, 0, 4, 5, 5, 5, 5, 5, 5], [69, 56, 2, 4, 5, 5, 5, 5, 5],
               [165, 0, 4, 5, 5, 5, 5, 5, 5]]),
    "tensorflow": ([[155, 0, 3, 4, 4, 4, 4, 4, 4], [86, 43, 2, 3, 4, 4, 4, 4, 4],
                    [86, 76, 2, 3, 4, 4, 4, 4, 4]],
                   [[3, 211, 6, 0, 4, 5, 5, 5, 5], [3, 108, 183, 98, 2, 4, 5, 5, 5],
                    [3, 108, 183, 47, 129, 2, 4, 5, 5]], [3, 4, 4],
                   [[211, 6, 0, 4, 5, 5, 5, 5, 5], [108, 183, 98, 2, 4, 5, 5, 5, 5],
                    [108, 183, 47, 129, 2, 4, 5, 5, 5]]),
    "jax": ([[11, 163, 2, 3, 4, 4, 4, 4, 4], [59, 13, 2, 3, 4, 4, 4, 4, 4],
             [39, 122, 2, 3, 4, 4, 4, 4, 4]],
            [[3, 6, 2, 4, 5, 5, 5, 5, 5], [3, 142, 0, 4, 5, 5, 5, 5, 5],
             [3, 6, 0, 4, 5, 5, 5, 5, 5]], [4, 4, 4],
            [[6, 2, 4, 5, 5, 5, 5, 5, 5], [142, 0, 4, 5, 5, 5, 5, 5, 5],
             [6, 0, 4, 5, 5, 5, 5, 5, 5]]),
}

#: older edition, load_data_nmt(batch_size=2, num_steps=8): tab -> (X, X_valid_len, Y,
#: Y_valid_len).
CLASSIC_BATCHES = {
    "mxnet": ([[16, 21, 5, 3, 1, 1, 1, 1], [9, 28, 4, 3, 1, 1, 1, 1]], [4, 4],
              [[49, 5, 3, 1, 1, 1, 1, 1], [0, 5, 3, 1, 1, 1, 1, 1]], [3, 3]),
    "pytorch": ([[7, 155, 4, 3, 1, 1, 1, 1], [40, 27, 5, 3, 1, 1, 1, 1]], [4, 4],
                [[6, 7, 0, 4, 3, 1, 1, 1], [52, 13, 58, 5, 3, 1, 1, 1]], [5, 5]),
    "tensorflow": ([[13, 20, 5, 3, 1, 1, 1, 1], [0, 8, 72, 4, 3, 1, 1, 1]], [4, 5],
                   [[16, 0, 0, 0, 0, 7, 5, 3], [0, 55, 4, 3, 1, 1, 1, 1]], [8, 4]),
}


# -- the book's own code, as the reference the package's faster versions must equal ----------
def book_preprocess(text: str) -> str:  # current edition's _preprocess
    text = text.replace('\u202f', ' ').replace('\xa0', ' ')
    no_space = lambda char, prev_char: char in ',.!?' and prev_char != ' '
    out = [' ' + char if i > 0 and no_space(char, text[i - 1]) else char
           for i, char in enumerate(text.lower())]
    return ''.join(out)


def book_preprocess_nmt(text: str) -> str:  # older edition's preprocess_nmt
    def no_space(char, prev_char):
        return char in set(',.!?') and prev_char != ' '
    text = text.replace('\u202f', ' ').replace('\xa0', ' ').lower()
    out = [' ' + char if i > 0 and no_space(char, text[i - 1]) else char
           for i, char in enumerate(text)]
    return ''.join(out)


@pytest.fixture(scope="module")
def raw_text() -> str:
    return nmt.read_fra_eng()


@pytest.fixture(scope="module")
def data():
    return nmt.MTFraEng(batch_size=3)


def as_lists(data) -> list[list]:
    return [np.asarray(data.to_numpy(a)).tolist() for a in data.arrays]


def example_index(arrays: list[list], row: tuple, limit: int) -> list[int]:
    """Indices i < limit where (arrays[k][i] for each k) == row."""
    return [i for i in range(limit) if all(a[i] == r for a, r in zip(arrays, row, strict=True))]


# -- the bundled data --------------------------------------------------------------------------
def test_bundled_fra_txt_is_the_books_file(raw_text):
    data = download.bundled_bytes("fra-eng.zip", "fra.txt")
    assert len(data) == 11_669_748
    assert hashlib.sha1(data).hexdigest() == download.FRA_ENG_SHA1
    assert data.count(b"\n") == 167_130 and data.endswith(b"\n")
    assert raw_text[:75] == RAW_HEAD
    assert download.bundled_bytes("fra-eng.zip", "fra.txt") is data  # decompressed once
    about = download.bundled_text("fra-eng.zip", "_about.txt")
    assert "Attribution: www.manythings.org/anki and tatoeba.org" in about
    package = ROOT / "d2lrnn" / "data" / "fra-eng"
    assert sorted(p.name for p in package.iterdir()) == ["_about.txt", "fra.txt.xz"]
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert '"data/fra-eng/fra.txt.xz", "data/fra-eng/_about.txt"' in pyproject
    license_text = (ROOT / "LICENSE").read_text()
    assert "CC-BY 2.0 FR" in license_text and "d2lrnn/data/fra-eng/_about.txt" in license_text


def _damaged_copy(tmp_path: Path, monkeypatch, payload: bytes) -> Path:
    """A package data folder whose fra.txt.xz decompresses to ``payload``."""
    folder = tmp_path / "package-data"
    (folder / "fra-eng").mkdir(parents=True)
    (folder / "fra-eng" / "fra.txt.xz").write_bytes(lzma.compress(payload))
    (folder / "fra-eng" / "_about.txt").write_bytes(
        (ROOT / "d2lrnn" / "data" / "fra-eng" / "_about.txt").read_bytes())
    monkeypatch.setattr(download, "DATA_DIR", str(folder))
    return folder


def test_a_damaged_bundled_copy_is_refused_and_nothing_is_written(tmp_path, monkeypatch):
    good = download.bundled_bytes("fra-eng.zip", "fra.txt")[:100_000]  # one byte differs:
    _damaged_copy(tmp_path, monkeypatch, good.replace(b"Salut", b"Salud", 1))
    with pytest.raises(ValueError, match="sha1 .* expected c43f99dce2.*reinstall"):
        download.bundled_bytes("fra-eng.zip", "fra.txt")
    with pytest.raises(ValueError, match="damaged"):
        nmt.read_fra_eng()
    out = tmp_path / "data"
    path = download.download(download.DATA_URL + "fra-eng.zip", str(out),
                             download.FRA_ENG_BOOK_SHA1)
    with pytest.raises(ValueError, match="expected c43f99dce2"):
        download.extract(path)
    assert not out.exists()  # checked before anything is written
    # a file that is not xz at all
    (tmp_path / "package-data" / "fra-eng" / "fra.txt.xz").write_bytes(b"not xz")
    with pytest.raises(ValueError, match="cannot read .*reinstall"):
        download.bundled_bytes("fra-eng.zip", "fra.txt")


def test_download_of_what_is_not_bundled_fails_at_once_and_writes_nothing(tmp_path):
    folder = tmp_path / "data"
    for url in (download.DATA_URL + "kaggle_house_pred_train.csv",
                download.DATA_URL + "cmn-eng.zip", "https://example.com/fra-eng.tar"):
        with pytest.raises(download.NotBundledError, match="not bundled"):
            download.download(url, str(folder))
    with pytest.raises(download.NotBundledError, match="does not exist"):
        download.extract(str(folder / "cmn-eng.zip"))
    with pytest.raises(ValueError, match="only zip/tar"):
        download.extract(str(folder / "timemachine.txt"))
    with pytest.raises(download.NotBundledError, match="not in DATA_HUB"):
        classic_nmt.download_extract("cmn-eng")
    assert not folder.exists()
    assert list(tmp_path.iterdir()) == []


def test_the_books_hash_names_the_data_set_and_a_wrong_one_is_refused(tmp_path):
    url = download.DATA_URL + "fra-eng.zip"
    with pytest.raises(ValueError, match="does not name the bundled fra-eng.zip"):
        download.download(url, str(tmp_path), "0" * 40)
    with pytest.raises(download.NotBundledError, match="not bundled as a zip.*extracted files"):
        download.fetch(url)  # a zip d2lrnn does not have: say how to get its files
    assert download.download(url, str(tmp_path)) == str(tmp_path / "fra-eng.zip")
    assert list(tmp_path.iterdir()) == []  # download writes nothing; extract does


def test_extract_writes_the_books_folder_once(tmp_path):
    root = tmp_path / "data"
    path = download.download(download.DATA_URL + "fra-eng.zip", str(root),
                             "94646ad1522d915e7b0f9296181140edcf86a4f5")
    assert download.extract(path) == str(root / "fra-eng")
    fra = root / "fra-eng" / "fra.txt"
    assert download.sha1_of(str(fra)) == download.FRA_ENG_SHA1
    assert (root / "fra-eng" / "_about.txt").read_bytes() == (
        ROOT / "d2lrnn" / "data" / "fra-eng" / "_about.txt").read_bytes()
    assert sorted(p.name for p in root.rglob("*")) == ["_about.txt", "fra-eng", "fra.txt"]
    assert oct(fra.stat().st_mode & 0o777) == oct(0o644)
    with open(str(root) + "/fra-eng/fra.txt", encoding="utf-8") as f:  # the book's open
        assert f.read()[:75] == RAW_HEAD
    stamp = fra.stat().st_mtime_ns
    os.utime(fra, ns=(stamp - 10**9, stamp - 10**9))
    download.extract(path)  # already there and right: left alone
    assert fra.stat().st_mtime_ns == stamp - 10**9
    fra.write_text("damaged")  # a damaged copy is replaced
    download.extract(path, str(root))
    assert download.sha1_of(str(fra)) == download.FRA_ENG_SHA1


def test_extract_of_a_readers_own_zip(tmp_path):
    archive = tmp_path / "mine.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("mine/a.txt", "hello")
    download.extract(str(archive))
    assert (tmp_path / "mine" / "a.txt").read_text() == "hello"


def test_download_extract_older_edition(tmp_path, monkeypatch):
    assert DATA_HUB["fra-eng"] == (download.DATA_URL + "fra-eng.zip",
                                   "94646ad1522d915e7b0f9296181140edcf86a4f5")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    data_dir = classic_nmt.download_extract("fra-eng")
    assert data_dir == os.path.join("..", "data", "fra-eng")
    with open(os.path.join(data_dir, "fra.txt")) as f:  # the book's read_data_nmt
        assert f.read()[:75] == RAW_HEAD
    assert classic_nmt.download_extract("fra-eng", "fra-eng") == data_dir
    with pytest.raises(ValueError, match="only zip/tar"):
        classic_nmt.download_extract("time_machine")


def test_package_readers_write_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert classic_nmt.read_data_nmt()[:75] == RAW_HEAD
    assert nmt.MTFraEng.__dict__["_download"](None)[:75] == RAW_HEAD
    assert list(tmp_path.iterdir()) == [] and not (tmp_path.parent / "data").exists()


# -- the quirks --------------------------------------------------------------------------------
def test_only_u202f_and_u00a0_become_spaces(raw_text):
    text = nmt.preprocess(raw_text)
    assert text[:80] == TEXT_HEAD
    assert "\u202f" not in text and "\xa0" not in text
    assert text.count("\u2009") == raw_text.count("\u2009") == 89
    assert text.count("\u200b") == raw_text.count("\u200b") == 4
    assert classic_nmt.preprocess_nmt(raw_text) == text  # the file lower-cases char for char
    assert nmt.preprocess("A\u202fB\xa0C\u2009D.") == "a b c\u2009d ."


def test_fast_preprocessing_is_the_books_loop(raw_text):
    part = raw_text[:400_000] + raw_text[-200_000:]
    assert nmt.preprocess(part) == book_preprocess(part)
    assert classic_nmt.preprocess_nmt(part) == book_preprocess_nmt(part)
    rng = random.Random(0)
    alphabet = " ,.!?aA\t\n\xa0\u202f\u2009"
    for _ in range(3000):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10)))
        assert nmt.preprocess(s) == book_preprocess(s), repr(s)
        assert classic_nmt.preprocess_nmt(s) == book_preprocess_nmt(s), repr(s)
    # U+0130 lower-cases to two characters: the current edition then reads the previous
    # character at the same index of the text before lower-casing (the book's quirk)
    for s in ("\u0130x.", "a\u0130.!", "\u0130 ,x"):
        assert nmt.preprocess(s) == book_preprocess(s)
        assert classic_nmt.preprocess_nmt(s) == book_preprocess_nmt(s)


# -- current edition ---------------------------------------------------------------------------
def test_current_tokenize_and_its_bound(raw_text):
    text = nmt.preprocess(raw_text)
    src, tgt = nmt.tokenize(text)
    assert src[:6] == [s + ["<eos>"] for s in SRC6]
    assert tgt[:6] == [t + ["<eos>"] for t in TGT6]
    assert len(src) == len(tgt) == 167_130
    src, tgt = nmt.tokenize(text, 640)
    assert len(src) == len(tgt) == 641  # i > max_examples: one more than asked


def test_current_mtfraeng(data):
    assert (len(data.src_vocab), len(data.tgt_vocab)) == (194, 214)
    assert "recule\u2009" in data.tgt_vocab.token_to_idx  # U+2009 kept
    src, tgt, src_valid_len, label = data.arrays
    assert src.shape == tgt.shape == label.shape == (641, 9) and src_valid_len.shape == (641,)
    assert all(a.dtype == np.int64 for a in data.arrays)
    assert [data.src_vocab[t] for t in ("<eos>", "<pad>", "<unk>")] == [3, 4, 5]
    assert [data.tgt_vocab[t] for t in ("<bos>", "<eos>", "<pad>", "<unk>")] == [3, 4, 5, 6]
    assert (tgt[:, 1:] == label[:, :-1]).all() and (tgt[:, 0] == 3).all()
    np.testing.assert_array_equal(src_valid_len, (src != 4).sum(1))
    assert data.src_vocab.to_tokens(src[0]) == ["go", ".", "<eos>", *PAD9]
    train, val = data.train_dataloader(), data.val_dataloader()
    assert (len(train.arrays[0]), len(val.arrays[0])) == (512, 129)
    batch = next(iter(train))
    assert [b.shape for b in batch] == [(3, 9), (3, 9), (3,), (3, 9)]
    s, t, _, _ = data.build(["hi ."], ["salut ."])
    assert data.src_vocab.to_tokens(s[0]) == BUILD_SRC
    assert data.tgt_vocab.to_tokens(t[0]) == BUILD_TGT
    assert type(data).__mro__[1] is nmt.DataModule


@pytest.mark.parametrize("tab", sorted(CURRENT_BATCHES))
def test_current_printed_first_batch_rows_are_training_examples(data, tab):
    arrays = as_lists(data)
    src, tgt, lengths, labels = CURRENT_BATCHES[tab]
    for row in zip(src, tgt, lengths, labels, strict=True):
        assert example_index(arrays, row, data.num_train), (tab, row)


def test_current_arguments_are_checked(monkeypatch):
    with pytest.raises(ValueError, match="batch_size"):
        nmt.MTFraEng(batch_size=0)
    with pytest.raises(TypeError):
        nmt.MTFraEng()
    monkeypatch.setattr(nmt.MTFraEng, "_download", lambda self: "go .\tva !\n" * 5)
    with pytest.raises(ValueError, match="num_train \\+ num_val = 8 pairs .* has 5"):
        nmt.MTFraEng(batch_size=2, num_train=4, num_val=4)


def test_show_list_len_pair_hist(data):
    plt = pytest.importorskip("matplotlib.pyplot")
    src, tgt = nmt.tokenize(nmt.preprocess(nmt.read_fra_eng()), 640)
    plt.close("all")
    nmt.show_list_len_pair_hist(["source", "target"], "# tokens per sequence", "count",
                                src, tgt)
    ax = plt.gca()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["source", "target"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("# tokens per sequence", "count")
    hatches = {p.get_hatch() for p in ax.patches}
    assert hatches == {None, "/"} and len(ax.patches) == 20
    assert classic_nmt.show_list_len_pair_hist is nmt.show_list_len_pair_hist
    plt.close("all")


def test_mtfraeng_on_each_backend(backend, data):
    module = importlib.import_module(f"d2lrnn.{backend}.module")
    cls = module.MTFraEng
    assert cls.__mro__[1] is module.DataModule and cls.__module__ == module.__name__
    mine = cls(batch_size=4)
    want = {"torch": "int64"}.get(backend, "int32")
    framework = {"torch": "torch", "mxnet": "mxnet", "tensorflow": "tensorflow",
                 "jax": "jax"}[backend]
    for a in mine.arrays:
        assert type(a).__module__.split(".")[0] in (framework, "jaxlib"), type(a)
        assert want in str(a.dtype)
    assert as_lists(mine) == as_lists(data)
    assert mine.src_vocab == data.src_vocab and mine.tgt_vocab == data.tgt_vocab
    batch = next(iter(mine.train_dataloader()))
    assert [tuple(b.shape) for b in batch] == [(4, 9), (4, 9), (4,), (4, 9)]
    assert all(want in str(b.dtype) for b in batch)
    s, t, _, _ = mine.build(["hi ."], ["salut ."])
    assert mine.src_vocab.to_tokens(s[0]) == BUILD_SRC
    assert mine.tgt_vocab.to_tokens(t[0]) == BUILD_TGT


# -- older edition -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def classic_whole(raw_text):
    text = classic_nmt.preprocess_nmt(raw_text)
    source, target = classic_nmt.tokenize_nmt(text)
    return text, source, target


def test_classic_printed_values(classic_whole):
    text, source, target = classic_whole
    assert text[:80] == TEXT_HEAD
    assert (source[:6], target[:6]) == (SRC6, TGT6)
    src_vocab = ClassicVocab(source, min_freq=2, reserved_tokens=RESERVED)
    assert len(src_vocab) == 10012
    assert classic_nmt.truncate_pad(src_vocab[source[0]], 10, src_vocab["<pad>"]) == [
        47, 4, 1, 1, 1, 1, 1, 1, 1, 1]
    assert classic_nmt.truncate_pad([1, 2, 3], 2, 0) == [1, 2]
    source, _ = classic_nmt.tokenize_nmt(text, 600)
    assert len(source) == 601  # i > num_examples


def test_classic_load_data_nmt_numpy():
    data_iter, src_vocab, tgt_vocab = classic_nmt.load_data_nmt(batch_size=2, num_steps=8)
    X, X_valid_len, Y, Y_valid_len = next(iter(data_iter))
    assert [b.shape for b in (X, X_valid_len, Y, Y_valid_len)] == [(2, 8), (2,), (2, 8), (2,)]
    assert all(b.dtype == np.int64 for b in (X, X_valid_len, Y, Y_valid_len))
    arrays = [a.tolist() for a in data_iter.arrays]
    assert len(arrays[0]) == 601
    for tab, (x, xl, y, yl) in CLASSIC_BATCHES.items():
        for row in zip(x, xl, y, yl, strict=True):
            assert example_index(arrays, row, 601), (tab, row)
    array, valid_len = classic_nmt.build_array_nmt([["hi", "."]], src_vocab, 4)
    assert array.tolist() == [[src_vocab["hi"], src_vocab["."], 3, 1]]
    assert valid_len.tolist() == [3]
    assert classic_nmt.build_array_nmt([], src_vocab, 4)[0].shape[0] == 0


CLASSIC_DTYPES = {"torch": ("int64", "int64"), "mxnet": ("float32", "int32"),
                  "tensorflow": ("int32", "int32"), "jax": ("int32", "int32")}


def test_classic_load_data_nmt_over_each_backend(backend):
    d2l = importlib.import_module(f"d2lrnn.classic.{backend}")
    section = classic_nmt.nmt_section(d2l, d2l.__name__)
    assert section["load_data_nmt"].__module__ == d2l.__name__
    data_iter, src_vocab, tgt_vocab = section["load_data_nmt"](batch_size=2, num_steps=8)
    X, X_valid_len, Y, Y_valid_len = next(iter(data_iter))
    want_array, want_len = CLASSIC_DTYPES[backend]  # the dtypes each tab printed
    for b in (X, Y):
        assert want_array in str(b.dtype) and tuple(b.shape) == (2, 8)
    for b in (X_valid_len, Y_valid_len):
        assert want_len in str(b.dtype) and tuple(b.shape) == (2,)
    _, ref_src, _ = classic_nmt.load_data_nmt(2, 8)
    assert src_vocab.idx_to_token == ref_src.idx_to_token
    array, valid_len = section["build_array_nmt"]([["go", "."], ["hi", "."]], src_vocab, 8)
    ref = classic_nmt.build_array_nmt([["go", "."], ["hi", "."]], src_vocab, 8)
    np.testing.assert_array_equal(np.asarray(d2l.numpy(array)), ref[0])
    np.testing.assert_array_equal(np.asarray(d2l.numpy(valid_len)), ref[1])
    # the section's names, through the package's namespace as it is assembled
    by_namespace = classic_nmt.nmt_section(vars(d2l), d2l.__name__)["build_array_nmt"]
    np.testing.assert_array_equal(
        np.asarray(d2l.numpy(by_namespace([["go", "."]], src_vocab, 8)[0])), ref[0][:1])


# -- the declared surface ----------------------------------------------------------------------
def test_section_names_are_declared():
    source = (ROOT.parent / "shared" / "reference" / "modern" /
              "machine-translation-and-dataset.md")
    declared = set(names.CURRENT["machine-translation-and-dataset"])
    assert {"MTFraEng", "show_list_len_pair_hist"} <= declared  # what the section saves
    if source.exists():
        cells = re.findall(r"```\{\.python \.input[^}]*\}\n(.*?)```", source.read_text(), re.S)
        used = set(re.findall(r"\bd2l\.(\w+)", "\n".join(cells)))
        assert used <= declared, used - declared


# -- the section, cell by cell -----------------------------------------------------------------
def ints(text: str) -> list[int]:
    text = re.sub(r"dtype=[\w.]+|shape=\([^)]*\)|tf\.Tensor", "", text)
    return [int(v) for v in re.findall(r"-?\d+", text)]


def test_book_section_runs(backend, d2l, data, tmp_path, monkeypatch):
    """The section's notebook (notebooks/modern/, built from the transcription) executes
    through a Jupyter kernel, shows its histogram, and prints what the book prints."""
    path = ROOT / "notebooks" / "modern" / f"machine_translation_and_dataset_{backend}.ipynb"
    source = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells
                       if c.cell_type == "code")
    assert f"from d2lrnn import {backend} as d2l" in source and "from d2l import" not in source
    work = tmp_path / "work"  # the book's root '../data' is tmp_path/data
    work.mkdir()
    exprs = ["len(data.src_vocab)", "len(data.tgt_vocab)", "data.arrays",
             "[str(x.dtype) for x in (src_valid_len, label)]",
             "[t.get_text() for t in d2l.plt.gca().get_legend().get_texts()]",
             "d2l.plt.gcf().get_size_inches().tolist()"]
    kernel_env(monkeypatch)
    # the inline backend closes a cell's figures once shown: keep them to read the legend
    run = run_notebook(path, work, *exprs, prelude="%config InlineBackend.close_figures = False")
    assert not plots_without_image(run.notebook), "the histogram cell showed no image"
    out, got = run.stdout, run.values
    lines = out.splitlines()
    assert out.startswith(RAW_HEAD + "\n" + TEXT_HEAD + "\n")
    assert repr(([s + ["<eos>"] for s in SRC6], [t + ["<eos>"] for t in TGT6])) in out
    assert f"source: {BUILD_SRC}" in lines and f"target: {BUILD_TGT}" in lines
    assert [got[e] for e in exprs[:2]] == [194, 214]
    assert got["data.arrays"] == as_lists(data)  # the section's class is the package's
    length_dtype, label_dtype = got[exprs[3]]
    assert ("int64" if backend == "torch" else "int32") in length_dtype
    assert ("int64" if backend == "torch" else "float32" if backend == "mxnet"
            else "int32") in label_dtype  # d2l.tensor's default integer type on each tab
    assert got[exprs[4]] == ["source", "target"] and got[exprs[5]] == [3.5, 2.5]
    # the printed first batch: rows of the training set, each with its own decoder input,
    # valid length and label
    batch = out[out.index("source: "):out.index("source: ['hi'")]
    parts = re.split(r"decoder input:|source len excluding pad:|label:", batch)
    src, tgt, lengths, labels = (ints(p) for p in parts)
    assert len(src) == len(tgt) == len(labels) == 27 and len(lengths) == 3
    arrays = got["data.arrays"]
    for r in range(3):
        row = (src[9 * r:9 * r + 9], tgt[9 * r:9 * r + 9], lengths[r], labels[9 * r:9 * r + 9])
        assert example_index(arrays, row, 512), row
    # the book's folder: ../data/fra-eng/fra.txt, checked, and nothing else
    assert sorted(str(p.relative_to(tmp_path)) for p in (tmp_path / "data").rglob("*")) == [
        "data/fra-eng", "data/fra-eng/_about.txt", "data/fra-eng/fra.txt"]
    assert download.sha1_of(str(tmp_path / "data" / "fra-eng" / "fra.txt")) == \
        download.FRA_ENG_SHA1


@pytest.mark.parametrize("src, tgt, error, words", [
    ("hi .", "salut .", TypeError, "src_sentences must be a list of sentences"),
    ([""], ["salut ."], ValueError, r"src_sentences\[0\] is empty"),
    (["hi ."], ["  "], ValueError, r"tgt_sentences\[0\] is empty"),
    (["hi ."], ["salut .", "x ."], ValueError, "must pair up: 1 and 2"),
    (["hi .", 5], ["a", "b"], TypeError, r"src_sentences\[1\] must be a sentence"),
    (["hi\tthere"], ["salut ."], ValueError, "a tab or a line break"),
])
def test_build_refuses_what_it_cannot_pair(src, tgt, error, words):
    from d2lrnn.core.nmt import check_sentence_pairs
    with pytest.raises(error, match=words):
        check_sentence_pairs(src, tgt)

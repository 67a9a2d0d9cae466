"""The book's ``download`` and ``extract``, offline: files the package bundles are served from the
package after their SHA-1 is checked; anything else fails at once, without touching the network.

Both editions' signatures are built on this module: the current edition's
``download(url, folder, sha1_hash)`` and ``extract(filename, folder=None)``, the older edition's
``download(name, cache_dir)`` over ``DATA_HUB`` and ``download_extract(name, folder=None)``.

Two kinds of bundled data:

- plain files (``timemachine.txt``): ``download`` returns the file inside the package; nothing
  is written;
- archives of the book's data server (``fra-eng.zip``), shipped as their extracted files
  (``fra.txt`` compressed with xz, and the data set's notice ``_about.txt``): ``download``
  returns the archive's path in ``folder`` as the book does (nothing is written there), and
  ``extract`` of that path writes the extracted files, checked, where the book's ``extract``
  puts them: ``<folder>/fra-eng/fra.txt``, so that the book's
  ``open(self.root + '/fra-eng/fra.txt')`` reads them. Each file is written atomically and only
  when the copy there is missing or differs (a reader's copy from the book's own ``d2l`` is the
  same bytes and is left alone).

The decompressed, checked bytes of a bundled archive member are kept in memory for the process
(``bundled_bytes``): the 11.7 MB ``fra.txt`` is decompressed and checked at most once.
"""

from __future__ import annotations

import functools
import hashlib
import lzma
import os
import tarfile
import zipfile
from dataclasses import dataclass

from d2lrnn.core.atomic import atomic_write
from d2lrnn.core.text import TIMEMACHINE_SHA1, bundled_corpus_path

#: The book's data server; only the file names below are bundled.
DATA_URL = "http://d2l-data.s3-accelerate.amazonaws.com/"

#: The package's data folder (tests point it elsewhere to check a damaged copy is refused).
DATA_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data")

#: file name -> (path inside the package, sha1)
BUNDLED = {"timemachine.txt": (bundled_corpus_path, TIMEMACHINE_SHA1)}

#: sha1 of the English-French sentence pairs ``fra.txt`` (11,669,748 bytes, 167,130 lines).
FRA_ENG_SHA1 = "c43f99dce27311d3afd4d3e0716848194cfcc103"
#: The book's ``sha1_hash`` for ``fra-eng.zip``. It is the hash of the book's zip file, which no
#: public copy matches byte for byte (the public copies are re-zipped; the ``fra.txt`` inside is
#: the same): d2lrnn accepts it as the name of this data set, and checks the SHA-1 of the
#: extracted ``fra.txt`` (FRA_ENG_SHA1) instead. Any other ``sha1_hash`` is refused.
FRA_ENG_BOOK_SHA1 = "94646ad1522d915e7b0f9296181140edcf86a4f5"
#: sha1 of the data set's notice (source, license CC-BY 2.0 FR, attribution), shipped unchanged.
FRA_ENG_ABOUT_SHA1 = "87b442abcc81d52654ddcff60235873c1466a052"


@dataclass(frozen=True)
class Archive:
    """A zip file of the book's data server that d2lrnn ships as its extracted files.

    ``folder``: the folder the archive extracts to; ``book_sha1``: the ``sha1_hash`` the book
    passes for it; ``members``: extracted file name -> (path under DATA_DIR, ending in ``.xz``
    when stored compressed; sha1 of the extracted file)."""
    folder: str
    book_sha1: str
    members: dict[str, tuple[str, str]]


#: archive file name -> what it extracts to.
ARCHIVES = {"fra-eng.zip": Archive("fra-eng", FRA_ENG_BOOK_SHA1, {
    "fra.txt": ("fra-eng/fra.txt.xz", FRA_ENG_SHA1),
    "_about.txt": ("fra-eng/_about.txt", FRA_ENG_ABOUT_SHA1)})}


class NotBundledError(FileNotFoundError):
    """A file the book would download that d2lrnn does not ship (it never uses the network)."""


def sha1_of(path: str) -> str:
    sha1 = hashlib.sha1()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            sha1.update(block)
    return sha1.hexdigest()


def _bundled_names() -> str:
    return ", ".join(sorted([*BUNDLED, *ARCHIVES]))


@functools.lru_cache(maxsize=4)
def _checked_bytes(path: str, sha1: str) -> bytes:
    try:
        if path.endswith(".xz"):
            with lzma.open(path) as f:
                data = f.read()
        else:
            with open(path, "rb") as f:
                data = f.read()
    except (OSError, lzma.LZMAError, EOFError) as err:
        raise ValueError(f"bundled data: cannot read {path!r} ({err}); the installation is "
                         "damaged: reinstall d2lrnn") from None
    got = hashlib.sha1(data).hexdigest()
    if got != sha1:
        raise ValueError(f"bundled data: {path!r} gives a file with sha1 {got}, expected {sha1}; "
                         "the installation is damaged: reinstall d2lrnn")
    return data


def bundled_bytes(archive: str, member: str) -> bytes:
    """The bytes of ``member`` of the bundled ``archive`` (e.g. ``"fra-eng.zip"``,
    ``"fra.txt"``), decompressed and SHA-1 checked once per process; ValueError if the
    package's copy is damaged."""
    if archive not in ARCHIVES or member not in ARCHIVES[archive].members:
        raise NotBundledError(f"bundled data: {archive}/{member} is not bundled with d2lrnn "
                              f"(bundled: {_bundled_names()})")
    rel, sha1 = ARCHIVES[archive].members[member]
    return _checked_bytes(os.path.join(DATA_DIR, *rel.split("/")), sha1)


def bundled_text(archive: str, member: str) -> str:
    """``bundled_bytes`` decoded as UTF-8."""
    return bundled_bytes(archive, member).decode("utf-8")


def fetch(url: str, sha1_hash: str | None = None) -> str:
    """The local path of the file ``url`` names, if d2lrnn bundles it (and its SHA-1 is
    ``sha1_hash`` when one is given); otherwise NotBundledError, with no download attempted."""
    if not isinstance(url, str) or not url:
        raise TypeError(f"url must be a non-empty string; got {url!r}")
    name = url.rstrip("/").split("/")[-1]
    if name in ARCHIVES:  # no file to return: the package ships the archive's files
        raise NotBundledError(
            f"download: {name} is not bundled as a zip file, only as its extracted files: "
            f"extract(download(url, folder)) writes them to <folder>/{ARCHIVES[name].folder}/ "
            "(current edition); download_extract(name) does the same (older edition)")
    if name not in BUNDLED:
        raise NotBundledError(
            f"download: {url!r} is not bundled with d2lrnn, and d2lrnn never downloads (no "
            f"network is used); bundled files: {_bundled_names()}")
    locate, want = BUNDLED[name]
    if sha1_hash is not None and sha1_hash != want:
        raise ValueError(f"download: sha1_hash {sha1_hash!r} does not match the bundled "
                         f"{name} (sha1 {want})")
    path = locate()
    got = sha1_of(path)
    if got != want:
        raise ValueError(f"download: the bundled {name} has sha1 {got}, expected {want}; the "
                         "installation is damaged: reinstall d2lrnn")
    return path


def _check_folder(folder: object) -> None:
    if not isinstance(folder, (str, bytes)) and not hasattr(folder, "__fspath__"):
        raise TypeError(f"folder must be a path; got {type(folder).__name__}")


def download(url: str, folder: str = "../data", sha1_hash: str | None = None) -> str:
    """The current edition's ``d2l.download(url, folder, sha1_hash)``: the local path of the
    file. Offline: a bundled file is served from the package (``folder`` is not created or
    written); a bundled archive (``fra-eng.zip``) gives its path in ``folder``, as the book's
    does, for ``extract`` (which writes its files; nothing is written here); anything else
    raises NotBundledError at once."""
    _check_folder(folder)
    name = url.rstrip("/").split("/")[-1] if isinstance(url, str) else None
    if name in ARCHIVES:
        book = ARCHIVES[name].book_sha1
        if sha1_hash is not None and sha1_hash != book:
            raise ValueError(f"download: sha1_hash {sha1_hash!r} does not name the bundled "
                             f"{name} (the book's sha1_hash for it is {book})")
        return os.path.join(os.fsdecode(folder), name)
    return fetch(url, sha1_hash)


def _write_archive(name: str, folder: str) -> str:
    """Write the bundled archive ``name``'s members into ``folder/<its folder>`` (checked before
    anything is written; a member already there with the right sha1 is left alone). Returns
    that folder."""
    archive = ARCHIVES[name]
    out = os.path.join(folder, archive.folder)
    todo = [(m, sha1) for m, (_, sha1) in archive.members.items()
            if not (os.path.isfile(os.path.join(out, m))
                    and sha1_of(os.path.join(out, m)) == sha1)]
    data = {m: bundled_bytes(name, m) for m, _ in todo}  # raises before anything is written
    if todo:
        os.makedirs(out, exist_ok=True)
    for m, _ in todo:
        def write(f, payload=data[m]):
            os.fchmod(f.fileno(), 0o644)  # as an extracted file (mkstemp's are 0o600)
            f.write(payload)
        atomic_write(os.path.join(out, m), write)
    return out


def extract(filename: str, folder: str | None = None) -> str:
    """The current edition's ``d2l.extract(filename, folder=None)``: extract a zip/tar file into
    ``folder`` (default: the folder holding ``filename``). A bundled archive's path (from
    ``download``) writes its checked files, e.g. ``<folder>/fra-eng/fra.txt``; a zip or tar file
    the reader has is extracted as the book does. Returns the folder extracted to (for a bundled
    archive: the archive's own folder, e.g. ``../data/fra-eng``)."""
    _check_folder(filename)
    filename = os.fsdecode(filename)
    base_dir = os.path.dirname(filename)
    ext = os.path.splitext(filename)[1]
    if ext not in (".zip", ".tar", ".gz"):
        raise ValueError(f"extract: only zip/tar files can be extracted; got {filename!r}")
    if folder is None:
        folder = base_dir
    _check_folder(folder)
    folder = os.fsdecode(folder)
    name = os.path.basename(filename)
    if name in ARCHIVES:
        return _write_archive(name, folder)
    if not os.path.isfile(filename):
        raise NotBundledError(
            f"extract: {filename!r} does not exist, and it is not an archive d2lrnn bundles "
            f"(d2lrnn never downloads; bundled: {_bundled_names()})")
    if ext == ".zip":
        with zipfile.ZipFile(filename, "r") as fp:
            fp.extractall(folder)
    else:
        with tarfile.open(filename, "r") as fp:
            if hasattr(tarfile, "data_filter"):  # Python >= 3.11.4: no paths outside folder
                fp.extractall(folder, filter="data")
            else:
                fp.extractall(folder)
    return folder

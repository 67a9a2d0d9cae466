"""The book's ``download``, offline: files the package bundles are served from the package after
their SHA-1 is checked; anything else fails at once, without touching the network.

Both editions' signatures are built on ``fetch``: the current edition's
``download(url, folder, sha1_hash)`` and the older edition's ``download(name, cache_dir)`` over
``DATA_HUB``.
"""

from __future__ import annotations

import hashlib

from d2lrnn.core.text import TIMEMACHINE_SHA1, bundled_corpus_path

#: The book's data server; only the file names below are bundled.
DATA_URL = "http://d2l-data.s3-accelerate.amazonaws.com/"

#: file name -> (path inside the package, sha1)
BUNDLED = {"timemachine.txt": (bundled_corpus_path, TIMEMACHINE_SHA1)}


class NotBundledError(FileNotFoundError):
    """A file the book would download that d2lrnn does not ship (it never uses the network)."""


def sha1_of(path: str) -> str:
    sha1 = hashlib.sha1()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            sha1.update(block)
    return sha1.hexdigest()


def fetch(url: str, sha1_hash: str | None = None) -> str:
    """The local path of the file ``url`` names, if d2lrnn bundles it (and its SHA-1 is
    ``sha1_hash`` when one is given); otherwise NotBundledError, with no download attempted."""
    if not isinstance(url, str) or not url:
        raise TypeError(f"url must be a non-empty string; got {url!r}")
    name = url.rstrip("/").split("/")[-1]
    if name not in BUNDLED:
        raise NotBundledError(
            f"download: {url!r} is not bundled with d2lrnn, and d2lrnn never downloads (no "
            f"network is used); bundled files: {', '.join(sorted(BUNDLED))}")
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


def download(url: str, folder: str = "../data", sha1_hash: str | None = None) -> str:
    """The current edition's ``d2l.download(url, folder, sha1_hash)``: the local path of the
    file. Offline: a bundled file is served from the package (``folder`` is not created or
    written); anything else raises NotBundledError at once."""
    if not isinstance(folder, (str, bytes)) and not hasattr(folder, "__fspath__"):
        raise TypeError(f"folder must be a path; got {type(folder).__name__}")
    return fetch(url, sha1_hash)

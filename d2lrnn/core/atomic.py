"""One way to write a file: to a temporary file beside it, then renamed over it. A crash or an
error while writing leaves the old file (or none) and no temporary file behind."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from typing import IO


def atomic_write(path: str | os.PathLike, write: Callable[[IO[bytes]], object]) -> str:
    """Call ``write(f)`` on a binary temporary file in ``path``'s directory, then rename it to
    ``path``. Returns ``path`` as a string."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.replace(tmp, path)
    except BaseException:  # also KeyboardInterrupt: never leave the temporary file
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return path

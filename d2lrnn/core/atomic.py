"""One way to write a file: whole or not at all. An error, a Ctrl-C or a SIGKILL while writing
leaves the old file (or none) and nothing half-written beside it.

``write(f)`` writes into an anonymous temporary file in the target's directory (it has no name:
a process killed while writing leaves nothing). The bytes are then copied into a named
temporary file and renamed over the target, a window of one small copy; a temporary file that a
process killed in that window leaves (``.<name>.<pid>.<random>.tmp``) is removed by the next
write to the same path once that process is gone. Two processes writing one path at once each
rename a whole file: the last one wins, and neither leaves a temporary file.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable
from typing import IO


def atomic_write(path: str | os.PathLike, write: Callable[[IO[bytes]], object]) -> str:
    """Call ``write(f)`` on a binary file object (a real file: ``fileno()`` works, and the
    mode it is given with ``os.fchmod`` is kept), then put its bytes at ``path`` atomically.
    Returns ``path`` as a string. An OSError of the file system names ``path``."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    name = os.path.basename(path)
    sweep(folder, name)
    try:
        with tempfile.TemporaryFile(dir=folder) as scratch:  # unnamed: gone when we are
            write(scratch)
            scratch.flush()
            _publish(scratch, folder, name, path)
    except OSError as err:
        if err.errno is None or err.filename == path:
            raise
        raise OSError(err.errno, err.strerror, path) from err
    return path


def _publish(scratch: IO[bytes], folder: str, name: str, path: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.{os.getpid()}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as out:
            os.fchmod(out.fileno(), stat.S_IMODE(os.fstat(scratch.fileno()).st_mode))
            scratch.seek(0)
            shutil.copyfileobj(scratch, out, 1 << 20)
        os.replace(tmp, path)
    except BaseException:  # also KeyboardInterrupt: never leave the temporary file
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. another user's process: alive
        return True
    return True


def sweep(folder: str, name: str) -> list[str]:
    """Remove the temporary files of ``name`` in ``folder`` whose writing process is gone
    (killed between the copy and the rename); returns the paths removed."""
    pattern = re.compile(rf"\.{re.escape(name)}\.(\d+)\.[A-Za-z0-9_]+\.tmp")
    try:
        entries = os.listdir(folder)
    except OSError:
        return []
    removed = []
    for entry in entries:
        match = pattern.fullmatch(entry)
        if match and int(match.group(1)) != os.getpid() and not _alive(int(match.group(1))):
            with contextlib.suppress(OSError):
                os.remove(os.path.join(folder, entry))
                removed.append(os.path.join(folder, entry))
    return removed

"""A framework's start-up notices kept out of the reader's output.

Some frameworks write notices from C++ straight to file descriptor 2 while they are imported,
where Python's ``warnings`` and ``logging`` cannot reach them. ``filtered_stderr(noise)``
captures descriptor 2 for a block and writes back every line that ``noise`` does not match.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
from collections.abc import Iterator


@contextlib.contextmanager
def filtered_stderr(noise: re.Pattern[str]) -> Iterator[None]:
    """Capture file descriptor 2 for the block; write back the lines ``noise`` does not
    match (a block that prints nothing else prints nothing)."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no usable descriptor 2: nothing to filter
        yield
        return
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            with contextlib.suppress(OSError, ValueError):
                sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            text = captured.read().decode("utf-8", "replace")
            kept = "".join(line for line in text.splitlines(keepends=True)
                           if not noise.search(line))
            if kept:
                sys.stderr.write(kept)
                sys.stderr.flush()

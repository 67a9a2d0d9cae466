"""TensorFlow without its start-up log lines, unless the user asks for them.

Importing TensorFlow on a CPU prints absl and oneDNN lines ("All log messages before
absl::InitializeLog() ...", "oneDNN custom operations are on ...", "This TensorFlow binary is
optimized ...") from C++, straight to file descriptor 2, and later error-level lines such as
"oneDNN supports DT_INT32 only on platforms with AVX-512". ``import_tensorflow`` imports
``tensorflow`` and ``keras`` with:

* ``TF_CPP_MIN_LOG_LEVEL=3`` (C++ errors and below hidden), set only if the user has not set it;
* file descriptor 2 captured during the import, and every captured line that is not one of
  those start-up notices written back.

Nothing is changed when the user set ``TF_CPP_MIN_LOG_LEVEL`` themselves or set
``D2LRNN_VERBOSE`` (what ``d2lrnn -v`` does).
"""

from __future__ import annotations

import contextlib
import importlib
import os
import re
import sys
import tempfile
from collections.abc import Iterator

# The start-up notices TensorFlow writes while it is imported.
NOISE = re.compile(
    r"All log messages before absl::InitializeLog|oneDNN custom operations are on|"
    r"cpu_feature_guard|To enable the following instructions|TF_ENABLE_ONEDNN_OPTS")


def verbose() -> bool:
    """True when the user asked for TensorFlow's own logs."""
    return bool(os.environ.get("D2LRNN_VERBOSE")) or "TF_CPP_MIN_LOG_LEVEL" in os.environ


@contextlib.contextmanager
def filtered_stderr() -> Iterator[None]:
    """Capture file descriptor 2 for the block; write back the lines that are not NOISE."""
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
                           if not NOISE.search(line))
            if kept:
                sys.stderr.write(kept)
                sys.stderr.flush()


def import_tensorflow() -> None:
    """Import ``tensorflow`` and ``keras``, quietly unless the user asked for their logs."""
    if "tensorflow" in sys.modules or verbose():
        importlib.import_module("tensorflow")
        importlib.import_module("keras")
        return
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    with filtered_stderr():
        importlib.import_module("tensorflow")
        importlib.import_module("keras")

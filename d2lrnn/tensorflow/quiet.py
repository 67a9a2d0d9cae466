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

import importlib
import os
import re
import sys

from d2lrnn import config
from d2lrnn.core.quiet import filtered_stderr

# The start-up notices TensorFlow writes while it is imported.
NOISE = re.compile(
    r"All log messages before absl::InitializeLog|oneDNN custom operations are on|"
    r"cpu_feature_guard|To enable the following instructions|TF_ENABLE_ONEDNN_OPTS")


def verbose() -> bool:
    """True when the user asked for TensorFlow's own logs."""
    return config.verbose() or "TF_CPP_MIN_LOG_LEVEL" in os.environ


def import_tensorflow() -> None:
    """Import ``tensorflow`` and ``keras``, quietly unless the user asked for their logs."""
    if "tensorflow" in sys.modules or verbose():
        importlib.import_module("tensorflow")
        importlib.import_module("keras")
        return
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    with filtered_stderr(NOISE):
        importlib.import_module("tensorflow")
        importlib.import_module("keras")

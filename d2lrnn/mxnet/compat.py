"""MXNet 1.9.1 beside numpy 2.

MXNet's last release (2022) was written for numpy < 1.24. Its modules read names numpy 2 has
removed: at import time (``onp.alltrue``, ``onp.PZERO``, ``onp.NINF``, ``onp.msort`` ... in
``mxnet/numpy/fallback.py`` and ``mxnet/numpy/utils.py``) and in a few functions at run time
(``_np.compat.basestring`` in ``np.pad``, ``np.Inf``, ``np.int``).

What this module does, and no more:

1. While ``mxnet`` is being imported, and only then, the removed names are put back on numpy
   (``legacy_numpy_names``); they are taken off again as soon as the import ends, so numpy
   is exactly as it was (a test checks ``vars(numpy)`` before and after).
2. Inside MXNet's own modules, the global that referred to numpy (``np``, ``_np``, ``onp``...)
   is pointed at ``LegacyNumpy``: a module object that forwards every attribute to numpy and
   answers the removed names from ``LEGACY``. So MXNet's run-time uses work too, and nobody
   else's numpy changes.

Both live in ``d2lrnn._legacy_numpy`` (re-exported here), which the start-up hook
``_d2lrnn_mxnet_hook`` uses too: d2lrnn installs a one-line ``d2lrnn-mxnet-hook.pth`` that puts
the hook's finder on ``sys.meta_path``, so a plain ``import mxnet`` before any d2lrnn import
(``from mxnet.gluon import nn``, as some of the book's sections begin) takes the same two steps.
Beside a numpy before 1.24, which has every name MXNet reads, the hook leaves its import alone.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import sys
import types

from d2lrnn._legacy_numpy import LEGACY, LEGACY_NUMPY, LegacyNumpy, legacy_numpy_names
from d2lrnn._legacy_numpy import import_with_legacy_numpy as _import_with_legacy_numpy
from d2lrnn.core.checks import FrameworkUnavailableError
from d2lrnn.core.install import install_hint

__all__ = ["INSTALL", "LEGACY", "LEGACY_NUMPY", "REQUIRED", "LegacyNumpy", "check_version",
           "import_mxnet", "legacy_numpy_names", "provide_distutils"]

REQUIRED = "1.9"
INSTALL = "pip install --no-deps mxnet==1.9.1 requests"  # beside numpy 2 (what ./dev does)


def check_version() -> str:
    """MXNet's installed version, if it is 1.9.x; else FrameworkUnavailableError (what to do)."""
    try:
        version = importlib.metadata.version("mxnet")
    except importlib.metadata.PackageNotFoundError:
        keep_numpy2 = ("" if sys.version_info >= (3, 13) else
                       f"; or, keeping numpy 2: {INSTALL} (--no-deps: its metadata pins "
                       "numpy<2; d2lrnn supplies what numpy 2 removed)")
        raise FrameworkUnavailableError(
            f"d2lrnn.mxnet needs MXNet 1.9.1, which is not installed. Install it with: "
            f"{install_hint('mxnet')}{keep_numpy2}", name="mxnet") from None
    if not (version == REQUIRED or version.startswith(REQUIRED + ".")):
        raise FrameworkUnavailableError(
            f"d2lrnn.mxnet needs MXNet 1.9.x, found mxnet {version} (a resolver picks 1.0.0 "
            "from 2017 when it cannot satisfy numpy<2). Replace it with: "
            f"pip uninstall -y mxnet && {INSTALL}")
    return version


def provide_distutils() -> None:
    """MXNet 1.9.1 imports ``distutils.version``, which Python 3.12 removed; setuptools ships
    a copy that it registers as ``distutils`` when it is imported."""
    if importlib.util.find_spec("distutils") is not None:
        return
    try:
        importlib.import_module("setuptools")
    except ImportError:
        raise FrameworkUnavailableError(
            f"d2lrnn.mxnet: MXNet 1.9.1 imports distutils, which Python "
            f"{sys.version_info.major}.{sys.version_info.minor} no longer has; install "
            "setuptools, which provides it: pip install setuptools", name="distutils") from None


def import_mxnet() -> types.ModuleType:
    """Import ``mxnet`` 1.9.x under numpy 2 (see the module docstring)."""
    if "mxnet" not in sys.modules:
        check_version()
        provide_distutils()
    return _import_with_legacy_numpy()

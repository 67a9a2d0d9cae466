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
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.metadata
import importlib.util
import math
import sys
import types
import warnings
from collections.abc import Iterator
from typing import Any

import numpy

from d2lrnn.core.checks import FrameworkUnavailableError
from d2lrnn.core.install import install_hint

REQUIRED = "1.9"
INSTALL = "pip install --no-deps mxnet==1.9.1 requests"  # beside numpy 2 (what ./dev does)

# Names numpy 2 removed that MXNet 1.9.1 reads, with the values they had.
LEGACY: dict[str, Any] = {
    "PZERO": 0.0, "NZERO": -0.0, "PINF": math.inf, "NINF": -math.inf,
    "NAN": math.nan, "NaN": math.nan, "Inf": math.inf, "Infinity": math.inf,
    "infty": math.inf,
    "bool": bool, "int": int, "float": float, "complex": complex, "object": object, "str": str,
    "unicode": str, "bool8": numpy.bool_, "int0": numpy.intp, "float_": numpy.float64,
    "complex_": numpy.complex128, "string_": numpy.bytes_, "unicode_": numpy.str_,
    "alltrue": numpy.all, "sometrue": numpy.any, "product": numpy.prod,
    "cumproduct": numpy.cumprod, "round_": numpy.round,
    "trapz": getattr(numpy, "trapezoid", None),  # numpy 2 name; numpy 1.x still has trapz
    "msort": lambda a: numpy.sort(a, axis=0),
    "in1d": lambda ar1, ar2, assume_unique=False, invert=False: numpy.isin(
        ar1, ar2, assume_unique=assume_unique, invert=invert).ravel(),
    "asscalar": lambda a: a.item(),
    "compat": types.SimpleNamespace(basestring=str, unicode=str, long=int,
                                    integer_types=(int,)),
}


def _moved_to_numpy_financial(name: str) -> Any:
    def removed(*args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"numpy.{name} was removed in numpy 1.20; use the "
                                  f"numpy-financial package")
    removed.__name__ = name
    return removed


# MXNet re-exports numpy's old financial functions; they only need to exist.
LEGACY.update({name: _moved_to_numpy_financial(name)
               for name in ("fv", "ipmt", "irr", "mirr", "nper", "npv", "pmt", "ppmt", "pv",
                            "rate")})


@contextlib.contextmanager
def legacy_numpy_names() -> Iterator[list[str]]:
    """Put the removed names back on ``numpy`` for the duration of the block."""
    added = [name for name in LEGACY if name not in vars(numpy)]
    for name in added:
        setattr(numpy, name, LEGACY[name])
    try:
        yield added
    finally:
        for name in added:
            vars(numpy).pop(name, None)


class LegacyNumpy(types.ModuleType):
    """numpy, plus the names in LEGACY, for MXNet's modules only."""

    def __init__(self) -> None:
        super().__init__("numpy", "numpy as MXNet 1.9.1 expects it (see d2lrnn.mxnet.compat)")

    def __getattr__(self, name: str) -> Any:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FutureWarning)
                value = getattr(numpy, name)
        except AttributeError:
            if name not in LEGACY:
                raise
            value = LEGACY[name]
        setattr(self, name, value)  # cache: the next lookup is a plain attribute
        return value


_LEGACY_NUMPY = LegacyNumpy()


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
        with legacy_numpy_names(), warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            importlib.import_module("mxnet")
    for name, module in list(sys.modules.items()):
        if name == "mxnet" or name.startswith("mxnet."):
            for attr, value in list(vars(module).items()):
                if value is numpy:
                    setattr(module, attr, _LEGACY_NUMPY)
    return sys.modules["mxnet"]

"""The names numpy removed (in 1.24 and 2.0) that MXNet 1.9.1 reads, given back to MXNet
alone.

``d2lrnn.mxnet.compat`` (the documented entry point, which re-exports these) and the start-up
hook ``_d2lrnn_mxnet_hook`` (``import mxnet`` before d2lrnn) both import MXNet through
``import_with_legacy_numpy``. This module is outside ``d2lrnn.mxnet`` because importing anything
in that package first runs ``d2lrnn/mxnet/__init__.py``: the whole backend, and ``npx.set_np()``,
MXNet's global numpy mode, which a plain ``import mxnet`` must not switch on for other code.
It imports numpy, and MXNet only when asked to.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.metadata
import importlib.util
import math
import re
import sys
import types
import warnings
from collections.abc import Iterator
from typing import Any

import numpy

#: The MXNet release LEGACY was collected from (a metadata version's prefix).
MXNET_RELEASE = "1.9"

# Names numpy 1.24 and 2.0 removed that MXNet 1.9.1 reads, with the values they had.
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


LEGACY_NUMPY = LegacyNumpy()


#: The first numpy without names MXNet 1.9.1 reads at import time (1.24 removed ``numpy.bool``,
#: ``numpy.int``, ``numpy.object``...; numpy 2 the rest): from it on, MXNet does not import alone.
FIRST_NUMPY_WITHOUT = (1, 24)


def version_tuple(version: str) -> tuple[int, int]:
    """(major, minor) of a version string: '2.0.0rc1' -> (2, 0); (0, 0) if it has none."""
    match = re.match(r"(\d+)\.(\d+)", version)
    return (int(match[1]), int(match[2])) if match else (0, 0)


def needs_help() -> bool:
    """numpy lacks names MXNet reads (1.24 or later), and MXNet's metadata, where it has any (a
    GPU build such as ``mxnet-cu112`` has another name), says 1.9.x: the start-up hook's test."""
    if version_tuple(numpy.__version__) < FIRST_NUMPY_WITHOUT:
        return False
    try:
        version = importlib.metadata.version("mxnet")
    except importlib.metadata.PackageNotFoundError:
        return True
    return version == MXNET_RELEASE or version.startswith(MXNET_RELEASE + ".")


def provide_distutils() -> bool:
    """MXNet 1.9.1 imports ``distutils.version``, which Python 3.12 removed; setuptools ships a
    copy that it registers as ``distutils`` when it is imported. False if neither is there."""
    if importlib.util.find_spec("distutils") is not None:
        return True
    try:
        importlib.import_module("setuptools")
    except ImportError:
        return False
    return True


def _hook_aside() -> contextlib.AbstractContextManager[object]:
    """The start-up hook's finder stands aside (where the .pth file has installed it) while the
    real import runs, so that import is not intercepted again."""
    hook = sys.modules.get("_d2lrnn_mxnet_hook")
    return hook.aside() if hook is not None else contextlib.nullcontext()


def import_with_legacy_numpy() -> types.ModuleType:
    """Import ``mxnet`` (if it is not yet) with the removed names on numpy for the duration,
    then point the numpy globals of MXNet's modules at ``LEGACY_NUMPY``; return ``mxnet``."""
    if "mxnet" not in sys.modules:
        with _hook_aside(), legacy_numpy_names(), warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            importlib.import_module("mxnet")
    for name, module in list(sys.modules.items()):
        if (name == "mxnet" or name.startswith("mxnet.")) and module is not None:
            for attr, value in list(vars(module).items()):
                if value is numpy:
                    setattr(module, attr, LEGACY_NUMPY)
    return sys.modules["mxnet"]

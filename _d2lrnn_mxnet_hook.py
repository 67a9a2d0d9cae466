"""``import mxnet`` beside numpy 2 (or 1.24 or later), whichever of mxnet and d2lrnn comes first.

MXNet 1.9.1, the last release, reads names numpy has removed (1.24: ``numpy.bool``,
``numpy.int``...; 2.0: ``numpy.PZERO``, ``numpy.alltrue``...), so on its own it does not import
beside numpy 1.24 or later. d2lrnn installs ``d2lrnn-mxnet-hook.pth`` into site-packages; at
start-up its one line calls ``install()``, which puts ``Finder`` first on ``sys.meta_path``.
Nothing else happens at start-up: this module imports only ``sys``.

When top-level ``mxnet`` is imported, the finder answers with MXNet's own spec, its loader
wrapped in ``Loader``. That imports MXNet through ``d2lrnn._legacy_numpy`` (the removed names
for MXNet alone, numpy itself unchanged: ``d2lrnn.mxnet.compat`` says how) where numpy lacks the
names and MXNet is 1.9.x, and plainly otherwise. Either way the module that comes back is
MXNet's own, with its own ``__spec__`` and ``__loader__``.
"""

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing would cost each start-up milliseconds
    from collections.abc import Sequence
    from importlib.machinery import ModuleSpec
    from types import ModuleType
    from typing import Any

_aside = 0  # > 0 while the real import runs: the finder answers nothing then


class aside:  # noqa: N801  (a class: contextlib is not imported at start-up)
    """``with aside():`` the finder answers nothing (the import it hands on to runs in it)."""

    def __enter__(self) -> None:
        global _aside
        _aside += 1

    def __exit__(self, *exc: object) -> None:
        global _aside
        _aside -= 1


class Loader:
    """MXNet's own loader, except that ``create_module`` runs the whole import."""

    def __init__(self, real: "Any") -> None:
        self.real = real
        self.own_spec: ModuleSpec | None = None

    def __getattr__(self, name: str) -> "Any":  # get_source, is_package...: MXNet's loader's
        if name == "real":
            raise AttributeError(name)
        return getattr(self.real, name)

    def create_module(self, spec: "ModuleSpec") -> "ModuleType":
        import importlib

        try:  # is d2lrnn's help needed, and can it help?
            legacy = None
            if not _old_numpy(importlib.import_module("numpy").__version__):
                from d2lrnn import _legacy_numpy as legacy
                if not (legacy.needs_help() and legacy.provide_distutils()):
                    legacy = None
        except Exception:  # numpy or d2lrnn does not import: MXNet as without d2lrnn
            legacy = None
        if legacy is not None:
            module = legacy.import_with_legacy_numpy()
        else:
            with aside():
                module = importlib.import_module(spec.name)
        self.own_spec = module.__spec__
        return module

    def exec_module(self, module: "ModuleType") -> None:
        # create_module ran MXNet's import; Python has since set the module's __spec__ to the
        # one the finder returned: give it back the spec of that real import.
        if self.own_spec is not None:
            module.__spec__ = self.own_spec


def _old_numpy(version: str) -> bool:
    """numpy before 1.24, which still has every name MXNet 1.9.1 reads at import time."""
    major, _, rest = version.partition(".")
    minor = rest.partition(".")[0]
    return major == "1" and minor.isdigit() and int(minor) < 24


class Finder:
    """Answers for top-level ``mxnet`` alone, not while ``aside``, and not when a numpy before
    1.24 is imported already. It imports nothing (a finder runs under Python's global import
    lock), so a probe such as ``importlib.util.find_spec("mxnet")`` costs what it did."""

    @classmethod
    def find_spec(cls, fullname: str, path: "Sequence[str] | None" = None,
                  target: "ModuleType | None" = None) -> "ModuleSpec | None":
        if fullname != "mxnet" or _aside or fullname in sys.modules:  # in sys.modules: reload
            return None
        numpy = sys.modules.get("numpy")
        if numpy is not None and _old_numpy(str(getattr(numpy, "__version__", ""))):
            return None  # numpy < 1.24 is imported already: MXNet imports by itself
        for finder in list(sys.meta_path):
            find = getattr(finder, "find_spec", None)
            if finder is cls or find is None:
                continue
            spec = find(fullname, path, target)
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = Loader(spec.loader)
                return spec
        return None  # not installed: Python's own "No module named 'mxnet'"


def install() -> None:
    """Put ``Finder`` first on ``sys.meta_path``, once (the .pth file's line calls this)."""
    if Finder not in sys.meta_path:
        sys.meta_path.insert(0, Finder)  # type: ignore[arg-type]

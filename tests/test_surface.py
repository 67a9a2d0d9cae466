"""The declared book surface (d2lrnn/core/names.py): every backend provides every name of every
implemented section, and exports exactly the declared names (no submodules)."""

from __future__ import annotations

import importlib
import types

import pytest

from d2lrnn import BACKENDS
from d2lrnn.core import names


@pytest.mark.parametrize("section", names.CURRENT_IMPLEMENTED)
def test_current_section_names_on_every_backend(section, backend, d2l):
    missing = [n for n in names.CURRENT[section] if not hasattr(d2l, n)]
    assert not missing, f"d2lrnn.{backend} lacks {missing} used by section {section!r}"


def test_current_exports_are_the_declared_surface(backend, d2l):
    assert sorted(d2l.__all__) == names.current_exports(backend)
    missing = [n for n in d2l.__all__ if not hasattr(d2l, n)]
    assert not missing, missing
    modules = [n for n in d2l.__all__ if isinstance(getattr(d2l, n), types.ModuleType)
               and getattr(d2l, n).__name__.startswith("d2lrnn")]  # d2l.plt is the book's
    assert not modules, f"submodules exported: {modules}"
    for n in names.DEVICE + names.TENSOR_ALIASES:
        assert n in d2l.__all__


def test_star_import_gives_the_surface(backend):
    scope: dict = {}
    exec(f"from d2lrnn.{backend} import *", scope)
    assert set(names.current_exports(backend)) <= set(scope)


def test_device_helpers_in_one_module_per_backend(backend, d2l):
    device = importlib.import_module(f"d2lrnn.{backend}.device")
    for n in names.DEVICE:
        assert getattr(d2l, n) is getattr(device, n), n
    assert d2l.num_gpus() >= 0
    assert len(d2l.try_all_gpus()) == d2l.num_gpus()


def test_tab_only_names_are_declared_for_each_backend():
    assert set(names.CURRENT_TAB_ONLY) == set(BACKENDS)


@pytest.mark.parametrize("section", names.CLASSIC_IMPLEMENTED)
def test_classic_section_names_on_every_backend(section, backend):
    d2l = importlib.import_module(f"d2lrnn.classic.{backend}")
    missing = [n for n in names.CLASSIC[section] if not hasattr(d2l, n)]
    assert not missing, f"d2lrnn.classic.{backend} lacks {missing} used by section {section!r}"


def test_classic_exports_are_the_declared_surface(backend):
    d2l = importlib.import_module(f"d2lrnn.classic.{backend}")
    assert sorted(d2l.__all__) == names.classic_exports(backend)
    missing = [n for n in d2l.__all__ if not hasattr(d2l, n)]
    assert not missing, missing
    modules = [n for n in d2l.__all__ if isinstance(getattr(d2l, n), types.ModuleType)
               and getattr(d2l, n).__name__.startswith("d2lrnn")]
    assert not modules, f"submodules exported: {modules}"

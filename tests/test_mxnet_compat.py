"""d2lrnn.mxnet's compatibility step: MXNet 1.9.1 under numpy 2, numpy itself untouched."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import site
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import numpy
import pytest


def run(code: str, cwd: Path | None = None) -> str:
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=300, cwd=cwd)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def test_numpy_is_unchanged_by_importing_mxnet():
    out = run("""
        import types, numpy
        before = {k: v for k, v in vars(numpy).items() if not isinstance(v, types.ModuleType)}
        import d2lrnn.mxnet
        from d2lrnn.mxnet.compat import LEGACY
        after = {k: v for k, v in vars(numpy).items() if not isinstance(v, types.ModuleType)}
        assert after.keys() == before.keys(), set(after) ^ set(before)
        assert all(after[k] is before[k] for k in before)
        # numpy 2 has some of the names (numpy.bool): the others are not left behind
        assert not any(name in vars(numpy) for name in LEGACY if name not in before)
        for name in ("PZERO", "alltrue", "in1d", "NINF"):
            try:
                getattr(numpy, name)
            except AttributeError:
                pass
            else:
                raise SystemExit(f"numpy.{name} still exists")
        import mxnet
        print(mxnet.__version__)
    """)
    assert out.strip() == "1.9.1"


def test_legacy_names_only_during_the_block():
    from d2lrnn.mxnet.compat import LEGACY, legacy_numpy_names
    with legacy_numpy_names() as added:
        assert numpy.PZERO == 0.0 and numpy.alltrue is numpy.all
        assert set(added) <= set(LEGACY)
    assert not any(name in vars(numpy) for name in added)
    with pytest.raises(AttributeError):
        numpy.PZERO  # noqa: B018


def test_mxnet_modules_see_the_legacy_numpy():
    import mxnet.ndarray.numpy._op as op  # noqa: I001

    import d2lrnn.mxnet  # noqa: F401
    from d2lrnn.mxnet.compat import LegacyNumpy
    assert isinstance(op._np, LegacyNumpy) and isinstance(op._np, types.ModuleType)
    assert op._np.compat.basestring is str and op._np.ndarray is numpy.ndarray


def test_section_ops_give_correct_values():
    from mxnet import autograd, np, npx

    from d2lrnn import mxnet as d2l
    rng = numpy.random.default_rng(0)
    a, b = rng.standard_normal((4, 3)), rng.standard_normal((3, 5))
    x, y = np.array(a), np.array(b)
    numpy.testing.assert_allclose(d2l.matmul(x, y).asnumpy(), a @ b, rtol=1e-5)
    numpy.testing.assert_allclose(d2l.tanh(x).asnumpy(), numpy.tanh(a), rtol=1e-5)
    numpy.testing.assert_allclose(d2l.exp(x).asnumpy(), numpy.exp(a), rtol=1e-5)
    numpy.testing.assert_allclose(d2l.stack([x, x], 1).asnumpy(), numpy.stack([a, a], 1),
                                  rtol=1e-6)
    numpy.testing.assert_array_equal(npx.one_hot(np.array([0, 2]), 5).asnumpy(),
                                     numpy.eye(5)[[0, 2]])
    numpy.testing.assert_array_equal(d2l.argmax(x, axis=1).asnumpy(), a.argmax(1))
    assert int(d2l.reshape(d2l.argmax(np.array([[[0.1, 0.9]]]), axis=2), 1)) == 1
    logits = rng.standard_normal((6, 4))
    labels = numpy.array([0, 3, 1, 2, 2, 0])
    model = d2l.Classifier()
    got = float(model.loss(np.array(logits), np.array(labels, dtype="int32")))
    logp = logits - numpy.log(numpy.exp(logits).sum(1, keepdims=True))
    assert got == pytest.approx(-logp[numpy.arange(6), labels].mean(), rel=1e-5)
    w = np.array(a)
    w.attach_grad()
    with autograd.record():
        out = (d2l.tanh(w) ** 2).sum()
    out.backward()
    numpy.testing.assert_allclose(w.grad.asnumpy(), 2 * numpy.tanh(a) * (1 - numpy.tanh(a) ** 2),
                                  rtol=1e-5)


@pytest.mark.parametrize("version, match", [
    # (on Python 3.13: pip install 'd2lrnn[mxnet]' && pip install --no-deps mxnet==1.9.1)
    (None, r"not installed\. Install it with: pip install 'd2lrnn\[mxnet\]'.*"
           r"pip install --no-deps mxnet==1\.9\.1"),
    ("1.0.0", r"needs MXNet 1\.9\.x, found mxnet 1\.0\.0.*pip install --no-deps mxnet==1\.9\.1"),
])
def test_wrong_or_missing_mxnet_gives_the_install_command(monkeypatch, version, match):
    import importlib.metadata

    from d2lrnn.mxnet import compat

    def fake_version(name):
        if version is None:
            raise importlib.metadata.PackageNotFoundError(name)
        return version
    monkeypatch.setattr(importlib.metadata, "version", fake_version)
    with pytest.raises(ImportError, match=match):
        compat.check_version()


def test_python_without_distutils_or_setuptools_gets_the_install_command():
    # Python 3.12+ has no distutils (MXNet imports distutils.version); setuptools provides it.
    out = run("""
        import sys
        sys.modules["distutils"] = sys.modules["setuptools"] = None  # neither can be found
        try:
            from d2lrnn import mxnet
        except ImportError as err:
            print(err)
    """)
    assert "imports distutils" in out and "pip install setuptools" in out, out


# -- `import mxnet` before d2lrnn: the start-up hook (_d2lrnn_mxnet_hook.py, installed with the
# one-line d2lrnn-mxnet-hook.pth; see setup.py) --

HOOK_PTH = "d2lrnn-mxnet-hook.pth"
needs_mxnet = pytest.mark.skipif(importlib.util.find_spec("mxnet") is None,
                                 reason="MXNet is not installed (pip install 'd2lrnn[mxnet]')")


def test_the_hook_is_installed_with_the_distribution():
    # The .pth file is in the installed distribution's RECORD (so pip uninstall removes it),
    # sits in site-packages beside the distribution (where Python reads .pth files), and calls
    # the hook's install(). (The distribution installed in site-packages: a build in the
    # checkout leaves a d2lrnn.egg-info that importlib.metadata finds first from the root.)
    sites = [*site.getsitepackages(), site.getusersitepackages()]
    (dist,) = importlib.metadata.distributions(name="d2lrnn", path=sites)
    (pth,) = [f for f in dist.files if f.name == HOOK_PTH]
    path = Path(pth.locate()).resolve()
    assert path.parent in {Path(p).resolve() for p in sites}, path
    assert "_d2lrnn_mxnet_hook.install()" in path.read_text()


def test_startup_imports_neither_numpy_nor_d2lrnn(tmp_path):
    # In a new process the hook's finder is on sys.meta_path before Python's PathFinder, and
    # that is all it did: not numpy, not d2lrnn; a find_spec probe for mxnet imports neither.
    out = run("""
        import sys, importlib.util
        where = [getattr(f, "__module__", "") + "." + getattr(f, "__name__", "")
                 for f in sys.meta_path]
        print(where.index("_d2lrnn_mxnet_hook.Finder") < where.index(
            "_frozen_importlib_external.PathFinder"))
        print(sorted(m for m in sys.modules if m.split(".")[0] in ("numpy", "d2lrnn")))
        importlib.util.find_spec("mxnet")
        print(sorted(m for m in sys.modules if m.split(".")[0] in ("numpy", "d2lrnn")))
    """, cwd=tmp_path)
    assert out.splitlines() == ["True", "[]", "[]"], out


@needs_mxnet
def test_import_mxnet_first_then_the_classic_edition():
    out = run("""
        import mxnet
        from mxnet import autograd, np, npx
        from d2lrnn.classic import mxnet as d2l
        npx.set_np()
        x = np.arange(6).reshape(2, 3)
        print(float(d2l.matmul(x, x.T).sum()), float(d2l.tanh(np.zeros(2)).sum()))
        w = np.ones(3)
        w.attach_grad()
        with autograd.record():
            y = (w * w).sum()
        y.backward()
        print(w.grad.tolist())
    """)
    assert out.splitlines() == ["83.0 0.0", "[2.0, 2.0, 2.0]"], out


@needs_mxnet
def test_from_mxnet_gluon_import_nn_first():
    # as the encoder-decoder section begins; MXNet's module keeps its own spec and loader
    out = run("""
        from mxnet.gluon import nn
        import sys, mxnet
        from mxnet import np, npx
        npx.set_np()
        print(np.ones(3).tolist())
        net = nn.Dense(2, in_units=3)
        net.initialize()
        print(net(np.ones((4, 3))).shape)
        spec = mxnet.__spec__
        print(type(spec.loader).__name__, spec.loader is mxnet.__loader__,
              spec.origin == mxnet.__file__)
        print(type(sys.modules["mxnet.numpy.utils"].onp).__name__)
        from d2lrnn import mxnet as d2l
        print(float(d2l.reduce_sum(np.ones((2, 2)))))
    """)
    assert out.splitlines() == ["[1.0, 1.0, 1.0]", "(4, 2)", "SourceFileLoader True True",
                                "LegacyNumpy", "4.0"], out


@needs_mxnet
def test_import_mxnet_first_leaves_numpy_unchanged():
    out = run("""
        import types, numpy
        before = {k: v for k, v in vars(numpy).items() if not isinstance(v, types.ModuleType)}
        import mxnet
        after = {k: v for k, v in vars(numpy).items() if not isinstance(v, types.ModuleType)}
        assert after.keys() == before.keys(), set(after) ^ set(before)
        assert all(after[k] is before[k] for k in before)
        print(hasattr(numpy, "alltrue"), hasattr(numpy, "PZERO"), mxnet.__version__)
    """)
    assert out.split() == [str(numpy.lib.NumpyVersion(numpy.__version__) < "2.0.0")] * 2 + ["1.9.1"]


def test_the_finder_answers_for_top_level_mxnet_alone(monkeypatch):
    import _d2lrnn_mxnet_hook as hook

    if "mxnet" in sys.modules:  # imported already: a reload, which the finder leaves alone
        assert hook.Finder.find_spec("mxnet") is None
        monkeypatch.delitem(sys.modules, "mxnet")  # put back after the test
    assert hook.Finder.find_spec("numpy") is None
    assert hook.Finder.find_spec("mxnet.gluon", ["somewhere"]) is None
    with hook.aside():
        assert hook.Finder.find_spec("mxnet") is None
    # a numpy before 1.24, imported already, has every name MXNet reads: MXNet imports by itself
    monkeypatch.setattr(numpy, "__version__", "1.23.5")
    assert hook.Finder.find_spec("mxnet") is None
    monkeypatch.setattr(numpy, "__version__", "1.24.0")
    spec = hook.Finder.find_spec("mxnet")
    if importlib.util.find_spec("mxnet") is not None:
        assert isinstance(spec.loader, hook.Loader) and spec.name == "mxnet"
        assert spec.loader.is_package("mxnet")  # the rest is MXNet's own loader's
    else:
        assert spec is None  # not installed: Python's own ModuleNotFoundError


@pytest.mark.parametrize("numpy_version, mxnet_version, helped", [
    ("2.4.6", "1.9.1", True), ("1.26.4", "1.9.1", True), ("1.24.0", "1.9.1", True),
    ("1.23.5", "1.9.1", False), ("2.4.6", "1.0.0", False), ("2.0.0rc1", None, True),
])
def test_when_the_hook_helps(monkeypatch, numpy_version, mxnet_version, helped):
    from d2lrnn import _legacy_numpy

    def fake_version(name):
        if mxnet_version is None:  # a build with another distribution name (mxnet-cu112)
            raise importlib.metadata.PackageNotFoundError(name)
        return mxnet_version
    monkeypatch.setattr(numpy, "__version__", numpy_version)
    monkeypatch.setattr(importlib.metadata, "version", fake_version)
    assert _legacy_numpy.needs_help() is helped

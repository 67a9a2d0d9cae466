"""d2lrnn.mxnet's compatibility step: MXNet 1.9.1 under numpy 2, numpy itself untouched."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import types

import numpy
import pytest


def run(code: str) -> str:
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=300)
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

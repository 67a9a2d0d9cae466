"""The package as a reader installs it: the wheel and sdist (built offline, from this checkout)
and each extra installed into a new virtual environment, then used from outside the checkout.

The environments see this test environment's installed packages through a .pth file, so pip
resolves every extra against them with --no-index: nothing is downloaded. The real thing (a
clean copy, the network, one new venv per extra) is ``./dev test-install``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*cmd: str | os.PathLike, **kwargs) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()  # as a reader has it: no test settings
           if k not in ("PYTHONPATH", "PIP_FIND_LINKS", "TF_CPP_MIN_LOG_LEVEL", "D2LRNN_VERBOSE",
                        "D2LRNN_MAX_EPOCHS")}
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=600,
                          env={**env, "PIP_NO_INDEX": "1", "PIP_CONFIG_FILE": os.devnull},
                          **kwargs)
    assert proc.returncode == 0, f"{cmd}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
        "-w", out, ROOT)
    code = ("import sys; from setuptools import build_meta; "
            "print(build_meta.build_sdist(sys.argv[1]))")
    run(sys.executable, "-c", code, out, cwd=ROOT)
    return out


def test_wheel_metadata_license_and_corpus(dist):
    (wheel,) = dist.glob("d2lrnn-*.whl")
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        meta = z.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "License-Expression: MIT" in meta
    assert "Requires-Python: <3.14,>=3.11" in meta
    for extra in ("torch", "jax", "tensorflow", "mxnet"):
        assert f"Provides-Extra: {extra}" in meta
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "d2lrnn/data/timemachine.txt" in names
    # `import mxnet` before d2lrnn: the start-up hook and its module at the wheel's top level
    assert "d2lrnn-mxnet-hook.pth" in names and "_d2lrnn_mxnet_hook.py" in names


def test_sdist_carries_what_its_tests_need(dist):
    (sdist,) = dist.glob("d2lrnn-*.tar.gz")
    with tarfile.open(sdist) as t:
        names = {n.split("/", 1)[1] for n in t.getnames() if "/" in n}
    for needed in ("LICENSE", "dev", "tests/conftest.py", "tests/book/pytorch_tab.py",
                   "tests/book/README.md", "notebooks/rnn_scratch_torch.ipynb",
                   "requirements/lock.txt", "requirements/lock-nodeps.txt", "pyproject.toml",
                   "d2lrnn/data/timemachine.txt", "setup.py", "_d2lrnn_mxnet_hook.py"):
        assert needed in names, needed
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


USE = """
import os, sys
import d2lrnn
assert d2lrnn.__file__.startswith(sys.prefix), (d2lrnn.__file__, sys.prefix)
from d2lrnn import {backend} as d2l
print("imported", d2l.__name__)
"""


# Every requirement of d2lrnn[extra] (markers evaluated here) is met by an installed version.
SATISFIED = """
import sys
from importlib import metadata
from packaging.requirements import Requirement
for line in metadata.requires("d2lrnn"):
    req = Requirement(line)
    if req.marker is None or req.marker.evaluate({"extra": sys.argv[1]}):
        version = metadata.version(req.name)
        assert req.specifier.contains(version, prereleases=True), (line, version)
        print(f"{req.name}=={version}")
"""


@pytest.mark.parametrize("extra", ["torch", "jax", "tensorflow", "mxnet"])
def test_each_extra_installs_and_runs_outside_the_checkout(dist, extra, tmp_path):
    (wheel,) = dist.glob("d2lrnn-*.whl")
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"
                    ).stdout.strip())
    (site / "tested_env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    req = f"d2lrnn[{extra}] @ {wheel.as_uri()}"
    if extra == "mxnet":
        # MXNet's metadata pins numpy<2 (and graphviz<0.9), which this numpy-2 environment
        # cannot give offline: what ./dev does (mxnet --no-deps) plus the extra's own lines.
        run(sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps",
            req)
        checked = run(python, "-c", SATISFIED, extra).stdout.split()
        assert "mxnet==1.9.1" in checked, checked
    else:
        out = run(sys.executable, "-m", "pip", "--python", python, "install", req).stdout
        assert "Successfully installed d2lrnn-" in out, out
    corpus = tmp_path / "small.txt"
    corpus.write_text((ROOT / "d2lrnn" / "data" / "timemachine.txt").read_text()[:6_000])
    run(python, "-c", USE.format(backend=extra), cwd=tmp_path)
    if extra == "mxnet":  # mxnet first, as a book cell may do: the wheel's start-up hook
        out = run(python, "-c", "from mxnet import np, npx; npx.set_np(); import d2lrnn; "
                  "print(np.ones(3).sum())", cwd=tmp_path).stdout
        assert out.split() == ["3.0"], out
    train = run(venv / "bin" / "d2lrnn", "train", "--backend", extra, "--corpus", corpus,
                "--epochs", "1", "--batch-size", "128", "--num-steps", "8", "--num-hiddens",
                "8", "--out", tmp_path / "run", cwd=tmp_path)
    assert "predict('it has', 20)" in train.stdout
    assert train.stderr.startswith(f"train {extra}: epoch 1/1 "), train.stderr
    assert len(train.stderr.splitlines()) == 1, train.stderr  # quiet: nothing else

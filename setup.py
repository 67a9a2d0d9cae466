"""Puts ``d2lrnn-mxnet-hook.pth`` at the top of site-packages, beside the packages, so that
``import mxnet`` works beside numpy 2 whichever of mxnet and d2lrnn is imported first (see
``_d2lrnn_mxnet_hook.py``). Everything else about the package is in pyproject.toml.

setuptools has no declarative way to install a file into purelib's top (``data-files`` go to
the environment's prefix, not site-packages), hence this ``build_py``:

* a wheel (``pip install .``, ``pip wheel``): the file is written into ``build_lib``, whose
  contents are the wheel's top level;
* an editable install (``pip install -e .``, PEP 660): setuptools builds the editable wheel from
  a directory that its ``install`` command names as ``install_lib``; build_lib is thrown away.

Python reads the .pth files of a site-packages folder in name order: ``d2lrnn-...`` comes after
the editable install's ``__editable__.d2lrnn-....pth``, which makes the module importable.
"""

from __future__ import annotations

import os

from setuptools import setup
from setuptools.command.build_py import build_py

PTH = "d2lrnn-mxnet-hook.pth"
# One line, run by site.py at every start-up: imports the small hook module and puts its finder
# on sys.meta_path. If the module cannot be found (an editable install whose checkout is gone),
# it does nothing rather than print a traceback at each start.
PTH_LINE = ('import sys; exec("try:\\n import _d2lrnn_mxnet_hook\\nexcept ImportError:\\n pass'
            '\\nelse:\\n _d2lrnn_mxnet_hook.install()")\n')


class BuildPyWithPth(build_py):
    """build_py, plus the .pth file (see the module docstring)."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:  # editable_wheel points install_lib at the wheel's top level
            target = self.get_finalized_command("install").install_lib
        else:
            target = self.build_lib
        os.makedirs(target, exist_ok=True)
        path = os.path.join(target, PTH)
        with open(path, "w", encoding="utf-8") as f:
            f.write(PTH_LINE)
        self._pth_outputs = [path]

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        return [*super().get_outputs(include_bytecode), *getattr(self, "_pth_outputs", [])]


setup(cmdclass={"build_py": BuildPyWithPth})

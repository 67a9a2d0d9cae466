"""What to install for each backend, and the ImportError that says so.

Each backend package calls ``require(<backend>)`` before it imports its framework, so that
``from d2lrnn import tensorflow`` without TensorFlow says how to install it instead of only
"No module named 'keras'". ``require`` looks modules up with ``importlib.util.find_spec``; it
imports nothing.
"""

from __future__ import annotations

import importlib.util
import sys

from d2lrnn.core.checks import FrameworkUnavailableError

#: backend -> (the modules it imports, what to call the framework)
NEEDS: dict[str, tuple[tuple[str, ...], str]] = {
    "torch": (("torch",), "PyTorch"),
    "tensorflow": (("tensorflow", "keras"), "TensorFlow with Keras 3"),
    "jax": (("jax", "jaxlib", "flax", "optax"), "JAX with Flax and Optax"),
    "mxnet": (("mxnet",), "MXNet 1.9.1"),
}

TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"

#: backend -> the install command, where it is more than ``pip install 'd2lrnn[<backend>]'``;
#: keyed by (backend, oldest Python it applies to)
HINTS: dict[tuple[str, tuple[int, int]], str] = {
    ("torch", (3, 0)): (f"pip install 'd2lrnn[torch]' (CPU only, no CUDA download: first pip "
                        f"install torch --index-url {TORCH_CPU_INDEX})"),
    ("mxnet", (3, 13)): ("pip install 'd2lrnn[mxnet]' && pip install --no-deps mxnet==1.9.1 "
                         "(MXNet's metadata pins numpy<2, which has no wheel for Python 3.13)"),
}


def install_hint(backend: str) -> str:
    """The command that installs ``backend``'s framework (see the README's install section)."""
    here = sys.version_info[:2]
    hints = [(since, hint) for (name, since), hint in HINTS.items()
             if name == backend and here >= since]
    return max(hints)[1] if hints else f"pip install 'd2lrnn[{backend}]'"


def missing(backend: str) -> list[str]:
    """The modules ``backend`` needs that cannot be found."""
    return [m for m in NEEDS[backend][0] if importlib.util.find_spec(m) is None]


def require(backend: str) -> None:
    """FrameworkUnavailableError (an ImportError) naming the missing modules and the install
    command, if any is missing."""
    absent = missing(backend)
    if absent:
        names = ", ".join(repr(m) for m in absent)
        raise FrameworkUnavailableError(
            f"d2lrnn.{backend} needs {NEEDS[backend][1]}; not installed (no module {names}). "
            f"Install it with: {install_hint(backend)}", name=absent[0])

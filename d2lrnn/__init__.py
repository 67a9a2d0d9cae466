"""d2lrnn: the "RNN Implementation from Scratch" section of *Dive into Deep Learning* on four
frameworks, as one tested package.

    from d2lrnn import torch as d2l        # or mxnet, tensorflow, jax

Importing ``d2lrnn`` itself imports no deep-learning framework: each backend subpackage imports
its own framework, and only when it is imported.
"""

from __future__ import annotations

import difflib
import importlib
from types import ModuleType

__version__ = "0.1.0"

#: The backends, in the order the book's tabs use.
BACKENDS: tuple[str, ...] = ("torch", "mxnet", "tensorflow", "jax")

# Names a reader may reach for that mean one of ours.
_ALIASES = {"pytorch": "torch", "tf": "tensorflow", "mx": "mxnet", "flax": "jax"}


def check_backend(name: object) -> str:
    """Return ``name`` if it names a backend, else raise ValueError listing the backends."""
    if not isinstance(name, str) or name not in BACKENDS:
        hint = ""
        if isinstance(name, str):
            alias = _ALIASES.get(name.lower()) or next(
                iter(difflib.get_close_matches(name.lower(), BACKENDS, n=1)), None)
            if alias:
                hint = f" (did you mean {alias!r}?)"
        raise ValueError(
            f"backend must be one of {', '.join(BACKENDS)}; got {name!r}{hint}")
    return name


def load_backend(name: str) -> ModuleType:
    """Import and return ``d2lrnn.<name>``, e.g. ``d2l = load_backend('jax')``."""
    return importlib.import_module(f"d2lrnn.{check_backend(name)}")


def __getattr__(name: str) -> ModuleType:
    # `from d2lrnn import torch` imports the submodule; a near miss such as
    # `from d2lrnn import pytorch` gets an error that says what to write instead.
    return _backend_attr(__name__, name)


def _backend_attr(package: str, name: str) -> ModuleType:
    """A package's module ``__getattr__`` (``d2lrnn``'s, ``d2lrnn.classic``'s): a backend's
    name imports ``<package>.<name>``; a near miss of one raises ImportError with the
    ValueError's message of ``check_backend``; any other name, AttributeError."""
    if name in BACKENDS:
        return importlib.import_module(f"{package}.{name}")
    if not name.startswith("_") and (name.lower() in _ALIASES or difflib.get_close_matches(
            name.lower(), BACKENDS, n=1, cutoff=0.75)):
        raise ImportError(str(_unknown(name)), name=f"{package}.{name}")
    raise AttributeError(f"module {package!r} has no attribute {name!r}")


def _unknown(name: str) -> ValueError:
    try:
        check_backend(name)
    except ValueError as err:
        return err
    raise AssertionError(name)  # pragma: no cover

"""Every ``D2LRNN_*`` setting, read in one place (the README's "Settings" table lists them).

Each is read when it is used (not at import), so a test or a notebook may change the environment
between runs. A setting that changes what a run does says so once, with a warning, the way Keras
warns when ``KERAS_MAX_EPOCHS`` caps epochs.
"""

from __future__ import annotations

import os
import warnings

#: name -> what it does (the README's table is written from this)
SETTINGS = {
    "D2LRNN_MAX_EPOCHS": "caps every Trainer's epochs (CI and the notebook tests shorten runs "
                         "with it); unset: the book's max_epochs",
    "D2LRNN_JAX_CACHE": "JAX's persistent compilation cache: a directory, or 0 for off; unset: "
                        "$XDG_CACHE_HOME/d2lrnn/jax (~/.cache/d2lrnn/jax)",
    "D2LRNN_MXNET_GEMM_BIAS": "MXNet bias gradients as a GEMM while a step records: 1 (default) "
                              "or 0",
    "D2LRNN_VERBOSE": "1: let the frameworks' own start-up logs through (the CLI's -v sets it)",
    "D2LRNN_TORCH_THREADS": "torch's intra-op threads while a Trainer fits: a positive integer "
                            "(1 on a machine shared with other work), or 0/unset for torch's "
                            "own count (fastest on a quiet machine)",
}

_warned: set[tuple[str, str]] = set()


def _raw(name: str) -> str | None:
    if name not in SETTINGS:  # pragma: no cover - a typo in d2lrnn itself
        raise KeyError(f"{name} is not a declared d2lrnn setting")
    value = os.environ.get(name)
    return value if value not in (None, "") else None


def _note(name: str, value: str, what: str) -> None:
    """Warn once per (setting, value) that a setting changed behaviour."""
    if (name, value) not in _warned:
        _warned.add((name, value))
        warnings.warn(f"{name}={value}: {what}", UserWarning, stacklevel=3)


def max_epochs(requested: int) -> int:
    """``requested``, or fewer under ``D2LRNN_MAX_EPOCHS`` (with one warning when it caps)."""
    value = _raw("D2LRNN_MAX_EPOCHS")
    if value is None:
        return requested
    try:
        limit = int(value)
    except ValueError:
        limit = 0
    if limit <= 0:
        raise ValueError(f"D2LRNN_MAX_EPOCHS must be a positive integer; got {value!r}")
    if limit < requested:
        _note("D2LRNN_MAX_EPOCHS", value, f"training {limit} epochs instead of {requested}")
    return min(requested, limit)


def jax_cache_dir() -> str | None:
    """Where JAX's persistent compilation cache goes, or None when ``D2LRNN_JAX_CACHE=0``."""
    value = _raw("D2LRNN_JAX_CACHE")
    if value == "0":
        return None
    if value:
        return value
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "d2lrnn", "jax")


def mxnet_gemm_bias() -> bool:
    """``D2LRNN_MXNET_GEMM_BIAS``: unset or 1 (on, the default), 0 (off, with one note)."""
    value = _raw("D2LRNN_MXNET_GEMM_BIAS") or "1"
    if value not in ("0", "1"):
        raise ValueError(f"D2LRNN_MXNET_GEMM_BIAS must be 0 (off) or 1 (on); got {value!r}")
    if value == "0":
        _note("D2LRNN_MXNET_GEMM_BIAS", value, "MXNet bias gradients use MXNet's reduce kernel")
    return value == "1"


def verbose() -> bool:
    """``D2LRNN_VERBOSE`` (the CLI's ``-v``): the frameworks' own logs are wanted."""
    return _raw("D2LRNN_VERBOSE") not in (None, "0")


def set_verbose() -> None:
    """Ask for the frameworks' logs, in this process and the ones it starts."""
    os.environ["D2LRNN_VERBOSE"] = "1"


def torch_threads() -> int | None:
    """``D2LRNN_TORCH_THREADS``: the thread count a torch Trainer fits with, or None for torch's
    own (``0`` or unset: one thread per core, the fastest on a quiet machine, as the book runs).
    On a machine shared with other work, ``1`` keeps each small operation from waiting on a
    descheduled thread (d2lrnn/torch/threads.py). The count depends only on the setting, never
    on the load, so the same seed gives the same numbers on a re-run (torch's reductions depend
    on the thread count)."""
    value = _raw("D2LRNN_TORCH_THREADS")
    if value is None:
        return None
    try:
        count = int(value)
    except ValueError:
        count = -1
    if count < 0:
        raise ValueError(f"D2LRNN_TORCH_THREADS must be 0 (torch's own count) or a positive "
                         f"integer; got {value!r}")
    return count or None

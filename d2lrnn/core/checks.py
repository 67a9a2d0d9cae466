"""Shape checks from the book, and the argument checks d2lrnn runs before any framework call."""

from __future__ import annotations

import numbers
from typing import Any


def check_len(a: Any, n: int) -> None:
    """Check the length of a list."""
    if len(a) != n:  # the book's AssertionError, also under python -O
        raise AssertionError(f"list's length {len(a)} != expected length {n}")


def check_shape(a: Any, shape: tuple[int, ...]) -> None:
    """Check the shape of a tensor (any framework's: compared as a tuple)."""
    if tuple(a.shape) != tuple(shape):  # the book's AssertionError, also under python -O
        raise AssertionError(f"tensor's shape {tuple(a.shape)} != expected shape "
                             f"{tuple(shape)}")


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def positive_int(name: str, value: Any) -> int:
    """``value`` as an int if it is a positive integer, else a ValueError/TypeError naming it."""
    if not _is_int(value):
        raise TypeError(f"{name} must be a positive integer; got {value!r} "
                        f"({type(value).__name__})")
    if value <= 0:
        raise ValueError(f"{name} must be a positive integer; got {value}")
    return int(value)


def nonnegative_int(name: str, value: Any) -> int:
    if not _is_int(value):
        raise TypeError(f"{name} must be a non-negative integer; got {value!r} "
                        f"({type(value).__name__})")
    if value < 0:
        raise ValueError(f"{name} must be a non-negative integer; got {value}")
    return int(value)


def nonnegative_number(name: str, value: Any) -> float:
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(f"{name} must be a non-negative number; got {value!r} "
                        f"({type(value).__name__})")
    if not value >= 0 or value == float("inf"):  # also rejects NaN
        raise ValueError(f"{name} must be a finite non-negative number; got {value}")
    return float(value)


def positive_number(name: str, value: Any) -> float:
    value = nonnegative_number(name, value)
    if value == 0:
        raise ValueError(f"{name} must be positive; got 0")
    return value


def short_repr(value: Any, width: int = 40) -> str:
    """``repr(value)``, cut to ``width`` characters (a whole corpus passed by mistake)."""
    text = repr(value)
    return text if len(text) <= width else text[:width - 3] + "..."


def boolean(name: str, value: Any) -> bool:
    """``value`` as a bool if it is True or False (also 0, 1 and NumPy's bools), else a
    TypeError naming it: ``use_random_iter="no"`` would otherwise count as True."""
    if isinstance(value, bool):
        return value
    if _is_int(value) and value in (0, 1):
        return bool(value)
    dtype = getattr(value, "dtype", None)
    if getattr(dtype, "kind", None) == "b" and getattr(value, "shape", None) == ():
        return bool(value)
    raise TypeError(f"{name} must be True or False; got {short_repr(value)} "
                    f"({type(value).__name__})")


def function(name: str, value: Any, signature: str) -> Any:
    """``value`` if it can be called, else a TypeError naming it and the expected
    ``signature`` (e.g. arguments passed in another framework's order)."""
    if not callable(value):
        raise TypeError(f"{name} must be a function {signature}; got {short_repr(value)} "
                        f"({type(value).__name__})")
    return value


def instance(name: str, value: Any, what: str) -> Any:
    """``value`` unless it is a class where an object built from it is expected
    (``train_ch8(d2l.RNNModel, ...)``): a TypeError naming ``name`` and ``what``."""
    if isinstance(value, type):
        raise TypeError(f"{name} is the class {value.__name__}, not {what}: build one first, "
                        f"e.g. {value.__name__}(...)")
    return value


def path(name: str, value: Any) -> str:
    """``value`` as a str if it is a path (str or os.PathLike), else a TypeError naming it."""
    if isinstance(value, str) or hasattr(value, "__fspath__"):
        out = value if isinstance(value, str) else value.__fspath__()
        if isinstance(out, str):
            if not out:
                raise ValueError(f"{name} must be a path; got an empty string")
            return out
    raise TypeError(f"{name} must be a path (str or os.PathLike); got {short_repr(value)} "
                    f"({type(value).__name__})")


class FrameworkUnavailableError(ImportError):
    """A backend's framework is not installed (or not a usable version); the message says how to
    install it. Other ImportErrors are bugs and keep their traceback."""


#: Errors d2lrnn raises for bad input (the CLI prints them without a traceback).
CHECKS_ERRORS = (ValueError, TypeError, FrameworkUnavailableError)

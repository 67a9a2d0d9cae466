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


class FrameworkUnavailableError(ImportError):
    """A backend's framework is not installed (or not a usable version); the message says how to
    install it. Other ImportErrors are bugs and keep their traceback."""


#: Errors d2lrnn raises for bad input (the CLI prints them without a traceback).
CHECKS_ERRORS = (ValueError, TypeError, FrameworkUnavailableError)

"""The command line's argument types (``type=`` of argparse: a bad flag is refused with the
flag named, before any framework is imported) and its help formatter."""

from __future__ import annotations

import argparse
import math
from typing import Any

from d2lrnn import check_backend


def _number(kind: type, low: float, strict: bool, what: str):
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be {what}; got {text!r}") from None
        if not (math.isfinite(value) and (value > low if strict else value >= low)):
            raise argparse.ArgumentTypeError(f"must be {what}; got {text!r}")
        return value
    parse.__name__ = what  # argparse names the type in its "invalid ... value" message
    return parse


positive_int = _number(int, 0, True, "a positive integer")
nonnegative_int = _number(int, 0, False, "a non-negative integer")
positive_float = _number(float, 0, True, "a positive number")
nonnegative_float = _number(float, 0, False, "a non-negative number")


def backend_name(text: str) -> str:
    """A backend's name; a near miss ('pytorch') gets "did you mean 'torch'?"."""
    try:
        return check_backend(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err).replace("backend must be", "must be")
                                         ) from None


def nonempty(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("must contain at least one letter or space "
                                         "(got an empty prefix)")
    return text


class Formatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Defaults in every option's help; descriptions and examples kept as written."""

    def _get_help_string(self, action: argparse.Action) -> str:
        if action.default is None or action.default is False:  # nothing worth showing
            return action.help or ""
        return super()._get_help_string(action)

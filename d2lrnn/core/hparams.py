"""The book's two small utilities: attach a method to a class after the fact, and store the
arguments of ``__init__`` as attributes."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import Any


def add_to_class(Class: type) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: register the function as a method of ``Class`` (the book's notebook style)."""
    def wrapper(obj: Callable[..., Any]) -> Callable[..., Any]:
        setattr(Class, obj.__name__, obj)
        return obj
    return wrapper


class HyperParameters:
    """Base class whose ``save_hyperparameters`` turns ``__init__`` arguments into attributes."""

    def save_hyperparameters(self, ignore: Iterable[str] | None = None) -> None:
        """Save the caller's arguments (all but ``self``, ``_private`` and ``ignore``)."""
        frame = inspect.currentframe().f_back  # the __init__ that called us
        _, _, _, local_vars = inspect.getargvalues(frame)
        skip = set(ignore or ()) | {"self"}
        self.hparams = {k: v for k, v in local_vars.items()
                        if k not in skip and not k.startswith("_")}
        for k, v in self.hparams.items():
            setattr(self, k, v)

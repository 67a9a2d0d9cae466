"""The book's plotting helpers (``d2l.plot``, ``set_figsize``, ``set_axes``,
``use_svg_display``, ``d2l.plt``), shared by both editions and all four frameworks.

``plot`` accepts lists, NumPy arrays and any framework's tensors (each curve is turned into a
NumPy array first). matplotlib is imported only when a plot is drawn; headless (no display, no
Jupyter) matplotlib's non-interactive Agg backend is used, so no window ever opens.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def pyplot() -> Any:
    """``matplotlib.pyplot`` (the book's ``d2l.plt``), imported on first use."""
    import os
    import sys

    import matplotlib

    if "matplotlib.pyplot" not in sys.modules and "IPython" not in sys.modules and \
            not os.environ.get("MPLBACKEND") and not os.environ.get("DISPLAY"):
        matplotlib.use("Agg")  # headless: never try to open a window
    from matplotlib import pyplot as plt
    return plt


def use_svg_display() -> None:
    """Use the svg format to display a plot in Jupyter (nothing to do outside Jupyter)."""
    try:
        from matplotlib_inline import backend_inline
    except ImportError:  # no Jupyter installed: plots are not displayed inline anyway
        return
    backend_inline.set_matplotlib_formats("svg")


def set_figsize(figsize: tuple[float, float] = (3.5, 2.5)) -> None:
    """Set the figure size for matplotlib."""
    use_svg_display()
    pyplot().rcParams["figure.figsize"] = figsize


def set_axes(axes: Any, xlabel: str | None, ylabel: str | None, xlim: Any, ylim: Any,
             xscale: str, yscale: str, legend: Sequence[str] | None) -> None:
    """Set the axes for matplotlib."""
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.set_xscale(xscale)
    axes.set_yscale(yscale)
    axes.set_xlim(xlim)
    axes.set_ylim(ylim)
    if legend:
        axes.legend(legend)
    axes.grid()


def as_array(x: Any) -> np.ndarray:
    """A curve as a NumPy array: lists, NumPy, torch/MXNet/TensorFlow/JAX tensors."""
    if isinstance(x, np.ndarray):
        return x
    if hasattr(x, "detach") and hasattr(x, "cpu"):  # torch
        return x.detach().cpu().numpy()
    if hasattr(x, "asnumpy"):  # MXNet
        return x.asnumpy()
    if hasattr(x, "numpy") and callable(x.numpy):  # TensorFlow eager tensors
        return np.asarray(x.numpy())
    if isinstance(x, (list, tuple)):
        return np.asarray([float(as_array(v)) if not isinstance(v, (int, float)) else v
                           for v in x], dtype=np.float64)
    return np.asarray(x)


def _has_one_axis(X: Any) -> bool:
    # True if X (tensor or list) has 1 axis
    return bool(hasattr(X, "ndim") and X.ndim == 1 or isinstance(X, list)
                and (not X or not hasattr(X[0], "__len__")))


def plot(X: Any, Y: Any = None, xlabel: str | None = None, ylabel: str | None = None,
         legend: Sequence[str] | None = None, xlim: Any = None, ylim: Any = None,
         xscale: str = "linear", yscale: str = "linear",
         fmts: Sequence[str] = ("-", "m--", "g-.", "r:"),
         figsize: tuple[float, float] = (3.5, 2.5), axes: Any = None) -> Any:
    """Plot data points: one curve or several (``Y`` a list of curves sharing ``X``, or ``X``
    and ``Y`` lists of the same length). Returns the axes drawn on."""
    if _has_one_axis(X):
        X = [X]
    if Y is None:
        X, Y = [[]] * len(X), X
    elif _has_one_axis(Y):
        Y = [Y]
    if len(X) != len(Y):
        X = X * len(Y)
    set_figsize(figsize)
    if axes is None:
        axes = pyplot().gca()
    axes.cla()
    # as in the book, curves beyond the number of fmts are not drawn
    for x, y, fmt in zip(X, Y, fmts, strict=False):
        x, y = as_array(x) if len(x) else x, as_array(y)
        if len(x):
            axes.plot(x, y, fmt)
        else:
            axes.plot(y, fmt)
    set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, list(legend or []))
    return axes


def lazy_plt(module_name: str) -> Any:
    """A module ``__getattr__`` giving ``d2l.plt`` (``matplotlib.pyplot``) on first use, so
    ``import d2lrnn.<backend>`` does not import matplotlib."""
    def __getattr__(name: str) -> Any:
        if name == "plt":
            return pyplot()
        raise AttributeError(f"module {module_name!r} has no attribute {name!r}")
    return __getattr__

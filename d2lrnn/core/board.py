"""ProgressBoard: the book's live training plot, made cheap.

The book's board re-renders the whole figure every time a point is averaged (three times an
epoch in this section), which costs more than the model's training step. This one only *records*
points in ``draw``; it renders

* live in Jupyter, at most once every ``min_interval`` seconds (and once when training ends),
* never on a headless run unless asked: ``save(path)`` writes a PNG.

Figures are built with ``matplotlib.figure.Figure`` and the Agg canvas, never ``pyplot``, so no
window ever opens. Values may be framework tensors: they are converted to floats only when the
board needs them, so ``draw`` costs no host synchronisation.
"""

from __future__ import annotations

import io
import math
import os
import sys
import time
from collections.abc import Sequence
from typing import Any

from d2lrnn.core.atomic import atomic_write


class PngPlot:
    """``png()`` and ``save(path)`` of a plot (``ProgressBoard``, the classic ``Animator``):
    the figure that ``drawn_figure()`` returns, as PNG bytes; each counts in ``renders``."""

    renders: int

    def drawn_figure(self) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define drawn_figure()")

    def png(self) -> bytes:
        buf = io.BytesIO()
        self.drawn_figure().savefig(buf, format="png", dpi=100)
        self.renders += 1
        return buf.getvalue()

    def save(self, path: str | os.PathLike) -> str:
        """Write the plot to ``path`` as PNG (atomically; works headless) and return the
        path."""
        png = self.png()
        return atomic_write(path, lambda f: f.write(png))


def show_png(png: bytes, handle: Any) -> Any:
    """Show PNG bytes in the notebook cell: a new output the first time (``handle`` None),
    then updates of that same output. Returns the handle to pass next time."""
    from IPython.display import Image, display

    image = Image(data=png, format="png")
    if handle is None:
        return display(image, display_id=True)
    handle.update(image)
    return handle


def _in_notebook() -> bool:
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    ip = shell.get_ipython()
    return ip is not None and getattr(ip, "kernel", None) is not None


class ProgressBoard(PngPlot):
    """Plot data points; ``draw(x, y, label, every_n)`` averages each ``every_n`` points."""

    def __init__(self, xlabel: str | None = None, ylabel: str | None = None,
                 xlim: Sequence[float] | None = None, ylim: Sequence[float] | None = None,
                 xscale: str = "linear", yscale: str = "linear",
                 ls: Sequence[str] = ("-", "--", "-.", ":"),
                 colors: Sequence[str] = ("C0", "C1", "C2", "C3"),
                 figsize: tuple[float, float] = (3.5, 2.5), display: bool = True,
                 min_interval: float = 1.0) -> None:
        self.xlabel, self.ylabel, self.xlim, self.ylim = xlabel, ylabel, xlim, ylim
        self.xscale, self.yscale = xscale, yscale
        self.ls, self.colors, self.figsize = tuple(ls), tuple(colors), figsize
        self.display = display
        self.min_interval = min_interval
        self._raw: dict[str, list[tuple[float, Any]]] = {}  # label -> (x, y) not yet averaged
        self._every: dict[str, int] = {}
        self._points: dict[str, list[tuple[float, float]]] = {}  # label -> averaged points
        self._handle = None
        self._last_render = -math.inf  # perf_counter counts from boot: draw the first point
        self.renders = 0  # how many times a figure was rendered (tests and benchmarks read it)

    # -- recording -------------------------------------------------------------------------
    def draw(self, x: float, y: Any, label: str, every_n: int = 1) -> None:
        """Record point (x, y) of curve ``label``; every ``every_n`` points form one average."""
        self._raw.setdefault(label, []).append((x, y))
        self._every[label] = max(1, int(every_n))
        self._points.setdefault(label, [])
        if self.display and _in_notebook() and \
                time.perf_counter() - self._last_render >= self.min_interval:
            self.show()

    def _collect(self) -> None:
        # Turn complete groups of raw points into averaged points (this is where tensors become
        # floats: one conversion per point, only when the board is looked at).
        for label, raw in self._raw.items():
            n = self._every[label]
            while len(raw) >= n:
                group, raw[:n] = raw[:n], []
                xs = [float(p[0]) for p in group]
                ys = [float(p[1]) for p in group]
                self._points[label].append((sum(xs) / n, sum(ys) / n))

    def history(self) -> dict[str, tuple[list[float], list[float]]]:
        """Averaged points so far, per label: ``{label: (xs, ys)}``."""
        self._collect()
        return {k: ([p[0] for p in v], [p[1] for p in v]) for k, v in self._points.items()}

    def last(self, label: str) -> float:
        """The most recent averaged value of ``label`` (NaN if there is none yet)."""
        pts = self.history().get(label, ([], []))[1]
        return pts[-1] if pts else math.nan

    # -- rendering -------------------------------------------------------------------------
    def figure(self):
        """A fresh matplotlib Figure of the curves (Agg canvas: never opens a window)."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=self.figsize)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        for i, (label, (xs, ys)) in enumerate(self.history().items()):
            ax.plot(xs, ys, linestyle=self.ls[i % len(self.ls)],
                    color=self.colors[i % len(self.colors)], label=label)
        if self.xlim:
            ax.set_xlim(self.xlim)
        if self.ylim:
            ax.set_ylim(self.ylim)
        ax.set_xlabel(self.xlabel or "x")
        if self.ylabel:
            ax.set_ylabel(self.ylabel)
        ax.set_xscale(self.xscale)
        ax.set_yscale(self.yscale)
        if self._points:
            ax.legend()
        fig.tight_layout()
        return fig

    def drawn_figure(self) -> Any:
        return self.figure()

    def show(self) -> None:
        """Render into the notebook cell (updating the same output), if there is one."""
        self._last_render = time.perf_counter()
        if not (self.display and _in_notebook()) or not any(self.history()[k][0]
                                                               for k in self._points):
            return  # nothing to look at yet: no empty figure
        self._handle = show_png(self.png(), self._handle)

    def flush(self) -> None:
        """Final render when training ends (only in a notebook)."""
        if self.display and _in_notebook():
            self.show()

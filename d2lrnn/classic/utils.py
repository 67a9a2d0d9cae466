"""The older edition's small helpers from earlier chapters, framework-free: ``Timer``,
``Accumulator`` and ``Animator``.

``Animator`` keeps the book's ``add(x, y)`` API but is cheap: ``add`` records points and
renders

* in Jupyter, into one updating output, at most once every ``min_interval`` seconds, and once
  more when the cell finishes (so the final curve is always shown);
* never on a headless run (no window opens); ``save(path)`` writes a PNG.

Figures are ``matplotlib.figure.Figure`` objects on the Agg canvas, never ``pyplot``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from d2lrnn.core.board import PngPlot, _in_notebook, show_png
from d2lrnn.core.plot import set_axes


class Timer:
    """Record multiple running times."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.start()

    def start(self) -> None:
        """Start the timer."""
        self.tik = time.perf_counter()

    def stop(self) -> float:
        """Stop the timer and record the time in a list."""
        self.times.append(time.perf_counter() - self.tik)
        return self.times[-1]

    def avg(self) -> float:
        return sum(self.times) / len(self.times)

    def sum(self) -> float:
        return sum(self.times)

    def cumsum(self) -> list[float]:
        return np.array(self.times).cumsum().tolist()


class Accumulator:
    """For accumulating sums over ``n`` variables."""

    def __init__(self, n: int) -> None:
        self.data = [0.0] * n

    def add(self, *args: Any) -> None:
        if len(args) != len(self.data):
            raise ValueError(f"Accumulator({len(self.data)}).add takes {len(self.data)} "
                             f"values; got {len(args)}")
        # .detach(): a torch/MXNet loss that still carries its graph converts without a warning
        self.data = [a + float(b.detach() if hasattr(b, "detach") else b)
                     for a, b in zip(self.data, args, strict=True)]

    def reset(self) -> None:
        self.data = [0.0] * len(self.data)

    def __getitem__(self, idx: int) -> float:
        return self.data[idx]


class Animator(PngPlot):
    """For plotting data in animation (the book's API; see the module docstring)."""

    def __init__(self, xlabel: str | None = None, ylabel: str | None = None,
                 legend: Sequence[str] | None = None, xlim: Any = None, ylim: Any = None,
                 xscale: str = "linear", yscale: str = "linear",
                 fmts: Sequence[str] = ("-", "m--", "g-.", "r:"), nrows: int = 1,
                 ncols: int = 1, figsize: tuple[float, float] = (3.5, 2.5),
                 min_interval: float = 1.0) -> None:
        self._figsize, self._shape = figsize, (nrows, ncols)
        self._fig: Any = None
        self._axes: list[Any] = []
        legend = [] if legend is None else list(legend)
        self.config_axes = lambda: set_axes(self.axes[0], xlabel, ylabel, xlim, ylim,
                                            xscale, yscale, legend)
        self.X: list[list[float]] | None = None
        self.Y: list[list[float]] | None = None
        self.fmts = tuple(fmts)
        self.min_interval = min_interval
        self.renders = 0  # figures rendered (tests and benchmarks read it)
        self._last_render = -math.inf  # the first point is drawn at once
        self._handle = None
        self._pending = False
        self._hooked = False

    @property
    def fig(self) -> Any:
        """The matplotlib Figure (Agg canvas), made on first use: a headless run that never
        draws never imports matplotlib."""
        if self._fig is None:
            from matplotlib.backends.backend_agg import FigureCanvasAgg
            from matplotlib.figure import Figure

            self._fig = Figure(figsize=self._figsize)
            FigureCanvasAgg(self._fig)
            self._axes = list(self._fig.subplots(*self._shape, squeeze=False).ravel())
        return self._fig

    @property
    def axes(self) -> list[Any]:
        self.fig  # noqa: B018  (makes the figure)
        return self._axes

    def add(self, x: Any, y: Any) -> None:
        """Add one or several data points (``y`` a number or one value per curve)."""
        if not hasattr(y, "__len__"):
            y = [y]
        n = len(y)
        if not hasattr(x, "__len__"):
            x = [x] * n
        if self.X is None:
            self.X = [[] for _ in range(n)]
        if self.Y is None:
            self.Y = [[] for _ in range(n)]
        for i, (a, b) in enumerate(zip(x, y, strict=False)):
            if a is not None and b is not None:
                self.X[i].append(float(a))
                self.Y[i].append(float(b))
        self._pending = True
        if _in_notebook():
            self._hook_cell_end()
            if time.perf_counter() - self._last_render >= self.min_interval:
                self.show()

    def draw(self) -> None:
        """Redraw the curves on the figure (no display)."""
        ax = self.axes[0]
        ax.cla()
        for x, y, fmt in zip(self.X or [], self.Y or [], self.fmts, strict=False):
            ax.plot(x, y, fmt)
        self.config_axes()

    def drawn_figure(self) -> Any:
        self.draw()
        return self.fig

    def show(self) -> None:
        """Render into the notebook cell (updating one output), if there is one."""
        self._last_render = time.perf_counter()
        self._pending = False
        if not _in_notebook():
            return
        self._handle = show_png(self.png(), self._handle)

    def flush(self) -> None:
        """Show points not yet drawn (train_ch8 calls it when training ends)."""
        if self._pending:
            self.show()

    def _hook_cell_end(self) -> None:
        # the book's own training loops never say when they end: draw once more when the
        # notebook cell finishes, then unhook
        if self._hooked:
            return
        import IPython

        ip = IPython.get_ipython()

        def at_cell_end(*_: Any) -> None:
            ip.events.unregister("post_run_cell", at_cell_end)
            self._hooked = False
            self.flush()

        ip.events.register("post_run_cell", at_cell_end)
        self._hooked = True


def try_all_gpus_or_cpu(device: Any) -> Callable[[], list[Any]]:
    """The older edition's ``try_all_gpus`` over a backend's device module: all GPUs, or
    ``[cpu()]`` when there is none (the current edition returns an empty list)."""
    def try_all_gpus() -> list[Any]:
        """Return all available GPUs, or [cpu(),] if no GPU exists."""
        return device.try_all_gpus() or [device.cpu()]
    return try_all_gpus

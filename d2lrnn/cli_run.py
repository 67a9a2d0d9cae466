"""A training run from the command line (``d2lrnn train`` and ``d2lrnn translate``): its progress
(a bar on a terminal, one line per epoch in a log), the first Ctrl-C stopping it after the
current batch, and the output folder it is saved into."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from typing import Any


def _progress(total: int, desc: str, metrics: tuple[str, ...] = ("train_ppl", "val_ppl")):
    """(a context manager, an on_epoch callback showing ``metrics``). On a terminal, a tqdm
    bar; otherwise one line per epoch, so a log gets no carriage-return redraws."""
    import contextlib

    def stats(trainer: Any) -> tuple[dict[str, float], float]:
        m = trainer.metrics[-1]
        tokens = trainer.train_dataloader.arrays[0].size  # windows x steps per epoch
        return m, tokens / m["seconds"]

    if not sys.stderr.isatty():
        def log_epoch(trainer: Any) -> None:
            m, tok_s = stats(trainer)
            values = " ".join(f"{k}={m[k]:.2f}" for k in metrics)
            print(f"{desc}: epoch {len(trainer.metrics)}/{total} {values} tok_s={tok_s:,.0f} "
                  f"({m['seconds']:.2f} s)", file=sys.stderr, flush=True)
        return contextlib.nullcontext(), log_epoch

    from tqdm import tqdm

    bar = tqdm(total=total, desc=desc, unit="epoch", file=sys.stderr, dynamic_ncols=True)

    def on_epoch(trainer: Any) -> None:
        m, tok_s = stats(trainer)
        bar.set_postfix({**{k: f"{m[k]:.2f}" for k in metrics}, "tok_s": f"{tok_s:,.0f}"})
        bar.update(1)
    return bar, on_epoch


def _interrupted_text(command: str) -> str:
    return f"{f'd2lrnn {command}' if command else 'd2lrnn'}: interrupted; nothing saved\n"


def interrupted_line(command: str) -> None:
    """The one line a Ctrl-C before anything was trained or written prints."""
    try:
        print(_interrupted_text(command), end="", file=sys.stderr, flush=True)
    except KeyboardInterrupt:  # a second Ctrl-C while printing
        pass


def end_at_once_on_interrupt(command: str) -> None:
    """In the command line's own process: from now on a Ctrl-C ends the process from the
    signal handler itself, with one line and status 130 (during a run, StopOnInterrupt first
    stops it after the current batch). Raising KeyboardInterrupt instead can land in a
    framework's C++ code that is running Python (torch's pybind11 code while torch imports),
    which then aborts the process: "terminate called after throwing an instance of
    'pybind11::error_already_set'" (seen in tests/test_cli_errors.py). Nothing is written
    yet where this handler is the one in force, but for a checkpoint's publication, whose
    temporary file a later write of the same path sweeps away (core/atomic.py). The line goes
    to the process's standard error as it was now: while a framework imports, descriptor 2
    may be captured (core/quiet.py) and would be lost at exit."""
    try:
        terminal = os.dup(2)
    except OSError:
        terminal = None

    def handle(signum: int, frame: Any) -> None:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError, RuntimeError):
                pass
        if terminal is not None:
            try:
                os.write(terminal, _interrupted_text(command).encode())
            except OSError:
                pass
        os._exit(130)
    try:
        signal.signal(signal.SIGINT, handle)
    except ValueError:  # not the main thread: Ctrl-C keeps its usual meaning
        pass


class StopOnInterrupt:
    """While active, the first Ctrl-C (SIGINT) asks the trainer to stop after the current batch;
    a second one, or one before training starts, means what it meant before: the handler in
    force before (the command line's own process: ``end_at_once_on_interrupt``), else
    KeyboardInterrupt."""

    def __init__(self) -> None:
        self.trainer: Any = None
        self.previous: Any = None

    def attach(self, trainer: Any) -> None:
        self.trainer = trainer

    def handle(self, signum: int, frame: Any) -> None:
        if self.trainer is None or self.trainer.stop_requested:
            if callable(self.previous) and self.previous is not signal.default_int_handler:
                self.previous(signum, frame)
            raise KeyboardInterrupt
        self.trainer.request_stop()
        self.trainer = None  # the next Ctrl-C stops at once

    def __enter__(self) -> StopOnInterrupt:
        try:
            self.previous = signal.signal(signal.SIGINT, self.handle)
        except ValueError:  # not the main thread: Ctrl-C keeps its usual meaning
            self.previous = None
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)


def train_into(out: str, progress: Any, train: Callable[[Callable[[Any], None]], Any]
               ) -> tuple[Any, str]:
    """``train(on_start)`` under ``progress``, a first Ctrl-C stopping it after the current
    batch (``on_start`` attaches the trainer: ``StopOnInterrupt``); then the folder ``out`` is
    made: the run and the checkpoint's path, ``out/model.npz``."""
    stop = StopOnInterrupt()
    with stop, progress:
        run = train(stop.attach)
    os.makedirs(out, exist_ok=True)
    return run, os.path.join(out, "model.npz")


def save_partial(run: Any, vocab: Any, path: str, command: str, epochs: int) -> int:
    """After a Ctrl-C stopped training: what was trained as a checkpoint marked partial
    (written atomically), one line on stderr; status 130."""
    from d2lrnn.core import checkpoint

    epoch, batches = run.trainer.stopped_at
    hparams = {**run.hparams, "partial": True, "epochs_completed": len(run.metrics),
               "stopped_in_epoch": epoch, "batches_in_stopped_epoch": batches}
    checkpoint.save(path, run.get_params(), vocab, hparams, family=run.family)
    print(f"d2lrnn {command}: interrupted in epoch {epoch} of {epochs} after batch {batches} "
          f"of {run.trainer.num_train_batches}; saved partial checkpoint {path} "
          f"({len(run.metrics)} complete epochs)", file=sys.stderr)
    return 130

"""The shared fit loop. A backend's Trainer subclasses this and supplies only the gradient step
(``fit_batch``), the forward-only step (``validate_batch``), device lookup and
``clip_gradients``."""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

from d2lrnn import config
from d2lrnn.core.checks import nonnegative_int, nonnegative_number, positive_int
from d2lrnn.core.hparams import HyperParameters


class TrainingDivergedError(FloatingPointError):
    """The training loss became NaN or infinite."""


class Trainer(HyperParameters):
    """Train a ``Module`` on a ``DataModule``: ``Trainer(max_epochs, num_gpus=0,
    gradient_clip_val=0).fit(model, data)``. With ``gradient_clip_val > 0`` every step clips
    the gradients with ``self.clip_gradients`` (which a reader may redefine with
    ``@d2l.add_to_class(d2l.Trainer)``, as the book does)."""

    def __init__(self, max_epochs: int, num_gpus: int = 0,
                 gradient_clip_val: float = 0) -> None:
        max_epochs = positive_int("max_epochs", max_epochs)
        num_gpus = nonnegative_int("num_gpus", num_gpus)
        gradient_clip_val = nonnegative_number("gradient_clip_val", gradient_clip_val)
        self.save_hyperparameters()
        self._capture: list[tuple[str, Any, bool]] | None = None  # while tracing a step
        self._captured_keys: dict[str, list[tuple[str, bool]]] = {}
        self.epoch_callbacks: list[Callable[[Trainer], None]] = []
        self.epoch_values: dict[str, list[Any]] = {}
        self.gpus = self.find_gpus(num_gpus)

    # -- backend hooks ---------------------------------------------------------------------
    def find_gpus(self, num_gpus: int) -> list[Any]:
        """Up to ``num_gpus`` accelerators that exist (none on a CPU-only machine)."""
        return []

    def prepare_fit(self) -> None:
        """Called once ``self.model`` and ``self.optim`` exist (compile steps here)."""

    def fit_batch(self, batch: Any) -> Any:
        """Forward, backward, clip, update on one batch; return the loss (detached)."""
        raise NotImplementedError

    def validate_batch(self, batch: Any) -> Any:
        """Forward only; return the loss."""
        raise NotImplementedError

    def prepare_batch(self, batch: Any) -> Any:
        return batch

    # The backend's (get_params(model), set_params(model, params)) functions.
    params_io: tuple[Callable[..., Any], Callable[..., Any]] | None = None

    def get_params(self) -> dict[str, Any]:
        """The model's parameters as NumPy arrays under canonical names (W_xh, ..., b_q)."""
        return self.params_io[0](self.model)

    def set_params(self, params: dict[str, Any]) -> None:
        """Give the model these parameters (canonical names, exact shapes)."""
        self.params_io[1](self.model, params)

    def probe(self, batch: Any) -> dict[str, Any]:
        """For parity checks: logits, loss, gradients and clipped gradients (with
        ``self.clip_gradients`` when ``gradient_clip_val > 0``) on one batch, as NumPy,
        without changing the parameters."""
        raise NotImplementedError

    # -- the loop --------------------------------------------------------------------------
    #: Set by ``request_stop``; ``fit`` returns after the batch that is running.
    stop_requested: bool = False
    #: After a stop: (the epoch it stopped in, counted from 1; batches of it trained).
    stopped_at: tuple[int, int] | None = None

    def request_stop(self) -> None:
        """Ask ``fit`` to return after the current batch (safe from a signal handler, e.g. on
        Ctrl-C): the parameters are those of the last completed update."""
        self.stop_requested = True

    def prepare_data(self, data: Any) -> None:
        for name in ("train_dataloader", "val_dataloader"):
            if not callable(getattr(data, name, None)):
                raise TypeError(f"data must be a DataModule with {name}(); got "
                                f"{type(data).__name__}")
        self.train_dataloader = data.train_dataloader()
        self.val_dataloader = data.val_dataloader()
        self.num_train_batches = len(self.train_dataloader)
        self.num_val_batches = (len(self.val_dataloader)
                                if self.val_dataloader is not None else 0)

    def prepare_model(self, model: Any) -> None:
        if not callable(getattr(model, "training_step", None)):
            raise TypeError(f"model must be a d2l Module with training_step(); got "
                            f"{type(model).__name__}")
        self.materialize(model)
        self.attach(model)
        model.board.xlim = [0, self.epochs_to_run()]  # the axis fits the epochs really run
        self.model = model

    def materialize(self, model: Any) -> None:
        """Layers that create their weights at their first call (torch's LazyLinear, Gluon's
        deferred init, Keras) get them now, before the optimizer is made."""
        if callable(getattr(model, "materialize", None)):
            model.materialize()

    def attach(self, model: Any) -> None:
        """Give the model its trainer (``model.trainer``), through which ``plot`` records."""
        model.trainer = self

    def setup(self, model: Any, data: Any) -> None:
        """Everything ``fit`` does before the first epoch (data, model, optimizer, compiled
        steps); afterwards ``fit_batch`` can be called directly, as the parity tests do."""
        self.prepare_data(data)
        self.prepare_model(model)
        self.optim = model.configure_optimizers()
        self.epoch = 0
        self.train_batch_idx = 0
        self.val_batch_idx = 0
        self.metrics: list[dict[str, float]] = []
        self.stopped_at = None
        self.prepare_fit()

    def fit(self, model: Any, data: Any) -> None:
        with self.fitting():
            self.setup(model, data)
            try:
                for epoch in range(self.epochs_to_run()):
                    self.epoch = epoch
                    self.fit_epoch()
                    if self.stopped_at is not None:
                        break
            finally:
                self.stop_requested = False  # answered (stopped_at says where), or too late
                model.board.flush()

    def fitting(self) -> contextlib.AbstractContextManager[Any]:
        """The context ``fit`` runs in (a backend hook: torch's thread count); also for code
        that calls ``fit_batch`` itself and wants the same conditions, e.g. a benchmark."""
        return contextlib.nullcontext()

    def epochs_to_run(self) -> int:
        """``max_epochs``, or fewer when the environment variable D2LRNN_MAX_EPOCHS is set
        (CI and the notebook tests use it to shorten the book's 100-epoch run)."""
        return config.max_epochs(self.max_epochs)

    def set_mode(self, train: bool) -> None:
        """Switch the model between training and evaluation mode (backends override)."""

    def fit_epoch(self) -> None:
        start = time.perf_counter()
        self.epoch_values: dict[str, list[Any]] = {}
        self.set_mode(train=True)
        train_losses = []
        for batch in self.train_dataloader:
            train_losses.append(self.fit_batch(self.prepare_batch(batch)))
            self.train_batch_idx += 1
            if self.stop_requested:  # an unfinished epoch: no validation, no metrics row
                self.stopped_at = (self.epoch + 1, len(train_losses))
                return
        # Losses stay framework scalars during the epoch (no host sync per step); they become
        # floats here, once.
        losses = self.check_finite(train_losses)
        if self.val_dataloader is not None:
            self.set_mode(train=False)
            for batch in self.val_dataloader:
                self.validate_batch(self.prepare_batch(batch))
                self.val_batch_idx += 1
        # One row per epoch: the mean training loss, the mean of every plotted value (e.g.
        # train_ppl, val_ppl), and the wall time.
        row = {"epoch": self.epoch + 1, "loss": sum(losses) / len(losses)}
        for label, values in self.epoch_values.items():
            row[label] = sum(float(v) for v in values) / len(values)
        row["seconds"] = time.perf_counter() - start
        self.metrics.append(row)
        for callback in self.epoch_callbacks:
            callback(self)

    def check_finite(self, losses: list[Any]) -> list[float]:
        """The epoch's training losses as floats; TrainingDivergedError at the first batch
        whose loss, or any value it plotted (e.g. perplexity = exp(loss)), is NaN or
        infinite."""
        values = {"loss": [float(v) for v in losses]}
        for label, plotted in self.epoch_values.items():
            if label.startswith("train_") and len(plotted) == len(losses):
                values[label] = [float(v) for v in plotted]
        for i in range(len(losses)):
            for name, series in values.items():
                if not math.isfinite(series[i]):
                    raise TrainingDivergedError(
                        f"training diverged: {name} is {series[i]} at epoch {self.epoch + 1} "
                        f"(of {self.max_epochs}), batch {i + 1} (of {len(losses)}) (loss "
                        f"{values['loss'][i]:.4g}). The gradients exploded; train with "
                        f"gradient clipping (gradient_clip_val=1 in the book; now "
                        f"{self.gradient_clip_val:g}) or a smaller learning rate.")
        return values["loss"]

    # -- metrics: what the model plots ------------------------------------------------------
    def record(self, key: str, value: Any, train: bool) -> None:
        """Receive one value the model plots (``Module.plot`` calls this). Outside a compiled
        step it is drawn at once; while a step is traced (``capturing``) it is held, handed out
        of the compiled step and drawn with its concrete value afterwards (``replay``)."""
        if self._capture is not None:
            self._capture.append((key, value, train))
        else:
            self.draw(key, value, train)

    def draw(self, key: str, value: Any, train: bool) -> None:
        """Put ``value`` on the board (``train_<key>``: ``plot_train_per_epoch`` averaged points
        an epoch; ``val_<key>``: ``plot_valid_per_epoch``) and into the epoch's metrics."""
        model = self.model
        if train:
            x = self.train_batch_idx / self.num_train_batches
            n = self.num_train_batches / model.plot_train_per_epoch
        else:
            x = self.epoch + 1
            n = self.num_val_batches / model.plot_valid_per_epoch
        label = ("train_" if train else "val_") + key
        value = model.detach(value)  # the board keeps no autograd graph alive
        self.epoch_values.setdefault(label, []).append(value)
        model.board.draw(x, value, label, every_n=max(1, int(n)))

    @contextmanager
    def capturing(self, step: str):
        """Around the traced body of a compiled step named ``step``: the values the model
        records are collected (as symbolic tensors) for the step to return; their keys are
        remembered for ``replay``. Yields the list of (key, value, train)."""
        captured: list[tuple[str, Any, bool]] = []
        self._capture = captured
        try:
            yield captured
        finally:
            self._capture = None
            self._captured_keys[step] = [(key, train) for key, _, train in captured]

    @staticmethod
    def captured_values(captured: list[tuple[str, Any, bool]]) -> tuple[Any, ...]:
        """What a compiled step returns for its recorded values: a tuple (a pytree)."""
        return tuple(value for _, value, _ in captured)

    def replay(self, step: str, values: tuple[Any, ...]) -> None:
        """Draw the values compiled step ``step`` handed out, as if recorded eagerly."""
        for (key, train), value in zip(self._captured_keys[step], values, strict=True):
            self.draw(key, value, train)

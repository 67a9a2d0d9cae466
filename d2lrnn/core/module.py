"""The backend-neutral half of ``d2l.Module`` and ``d2l.Classifier``.

A backend's ``Module`` is ``class Module(<framework base>, core.Module)``: the framework base
holds parameters; this half holds the book's plotting call, ``plot(key, value, train)``, which
hands each value to ``trainer.record``. Methods
that touch tensors (``loss``, ``configure_optimizers``, ``one_hot``...) live in the backend.
"""

from __future__ import annotations

from typing import Any

from d2lrnn.core.board import ProgressBoard
from d2lrnn.core.hparams import HyperParameters


class Module(HyperParameters):
    """Plotting protocol of the book's Module: ``plot(key, value, train)``."""

    plot_train_per_epoch: int = 2
    plot_valid_per_epoch: int = 1

    @staticmethod
    def new_board() -> ProgressBoard:
        return ProgressBoard(xlabel="epoch")

    # The book's steps where they read the same on torch, MXNet and TensorFlow (JAX's take
    # params and a TrainState, so d2lrnn.jax overrides them).
    def training_step(self, batch: Any) -> Any:
        l = self.loss(self(*batch[:-1]), batch[-1])
        self.plot("loss", l, train=True)
        return l

    def validation_step(self, batch: Any) -> None:
        l = self.loss(self(*batch[:-1]), batch[-1])
        self.plot("loss", l, train=False)

    def new_param(self, param: Any, shape: tuple[int, ...], sigma: float) -> Any:
        """A trainable parameter for one entry of a parameter table (``core/models/spec.py``):
        ``d2l.randn(*shape) * sigma`` or zeros, through the backend's tensor aliases
        (``self.ops``) and its ``parameter(value, name)``. JAX overrides it (``self.param``)."""
        value = (self.ops.randn(*shape) * sigma if param.init == "normal"
                 else self.ops.zeros(shape))
        return self.parameter(value, param.name)

    def detach(self, value: Any) -> Any:
        """``value`` without autograd history (backends override), so the board keeps no graph
        alive."""
        return value

    def plot(self, key: str, value: Any, train: bool) -> None:
        """Plot a point in the board: ``train_<key>`` every half epoch (averaged over the
        batches since the last point), ``val_<key>`` once an epoch. The trainer receives the
        value (``trainer.record``) and owns averaging, the board and the epoch's metrics."""
        trainer = getattr(self, "trainer", None)
        if trainer is None:
            raise RuntimeError("plot() is called during training: run trainer.fit(model, data) "
                               "first (the model has no trainer yet)")
        trainer.record(key, value, train)


class ClassifierSteps:
    """The book's Classifier.validation_step (torch, MXNet, TensorFlow): loss and accuracy."""

    def validation_step(self, batch: Any) -> None:
        Y_hat = self(*batch[:-1])
        self.plot("loss", self.loss(Y_hat, batch[-1]), train=False)
        self.plot("acc", self.accuracy(Y_hat, batch[-1]), train=False)

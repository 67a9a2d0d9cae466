"""The TensorFlow Trainer: ``tf.GradientTape`` and a Keras optimizer, in one ``tf.function``.

The book's models loop over time steps in Python (``for X in inputs``) and append to a list.
AutoGraph would turn that loop into a ``tf.while_loop``, which cannot append to a Python list.
So the model is traced *without* AutoGraph and the loop unrolls: while d2lrnn traces a step,
iterating a symbolic tensor with a known first dimension yields its slices (``tf.unstack``).
The rest of the step (a reader's ``clip_gradients`` with ``if tf.greater(...)``) keeps
AutoGraph. A model that still cannot be traced trains eagerly, after one warning. The unrolling
patches TensorFlow's private ``SymbolicTensor`` class; where it is missing, models that loop over
a tensor take that eager path (tests/test_private_fallbacks.py checks the losses are the same).
"""

from __future__ import annotations

import contextlib
import importlib
import warnings
from collections.abc import Iterator
from typing import Any

import tensorflow as tf

from d2lrnn.core import trainer as core_trainer
from d2lrnn.core.layer_map import grads_to_canonical
from d2lrnn.tensorflow.layer_map import table_for
from d2lrnn.tensorflow.module import get_params, keras_layers, named_variables, set_params


def _symbolic_tensor_class() -> type | None:
    """TensorFlow's private class of graph (traced) tensors,
    ``tensorflow.python.framework.ops.SymbolicTensor`` (TensorFlow >= 2.14), or None where that
    module or class is not there."""
    try:
        ops = importlib.import_module("tensorflow.python.framework.ops")
    except ImportError:
        return None
    cls = getattr(ops, "SymbolicTensor", None)
    return cls if isinstance(cls, type) and issubclass(cls, tf.Tensor) else None


@contextlib.contextmanager
def unrolled_iteration() -> Iterator[None]:
    """While tracing: ``iter(symbolic tensor)`` unstacks along a static first dimension.

    This patches ``__iter__`` of TensorFlow's private ``SymbolicTensor`` class. Where that class
    is not there, nothing is patched: tracing a model that loops over a tensor then fails as
    TensorFlow makes it fail (``OperatorNotAllowedInGraphError``), and the Trainer trains that
    model eagerly (the same numbers, slower) after its one warning."""
    cls = _symbolic_tensor_class()
    if cls is None:
        yield
        return
    had = "__iter__" in vars(cls)
    previous = vars(cls).get("__iter__")

    def __iter__(self: tf.Tensor) -> Iterator[tf.Tensor]:
        if self.shape.rank and self.shape[0] is not None:
            return iter(tf.unstack(self))
        return tf.Tensor.__iter__(self)

    cls.__iter__ = __iter__
    try:
        yield
    finally:
        if had:
            cls.__iter__ = previous
        else:
            del cls.__iter__


class Trainer(core_trainer.Trainer):
    """``Trainer(max_epochs, num_gpus=0, gradient_clip_val=0)``; ``fit(model, data)``."""

    params_io = (get_params, set_params)

    compile: bool = True  # set False to train eagerly (e.g. to debug with print)

    def find_gpus(self, num_gpus: int) -> list[str]:
        gpus = tf.config.list_physical_devices("GPU")
        return [f"/GPU:{i}" for i in range(min(num_gpus, len(gpus)))]

    def build_lazy_layers(self) -> None:
        """Keras layers create their weights on the first call (``Dense(1)`` learns its input
        size then): run one eager forward pass on the first training batch, so the weights
        exist before the optimizer and the compiled step are built."""
        if any(not layer.built for layer in keras_layers(self.model)):
            loader = self.train_dataloader
            first = loader.first() if hasattr(loader, "first") else next(iter(loader))
            self.model(*first[:-1])

    def prepare_fit(self) -> None:
        self.build_lazy_layers()
        self._variables = list(self.model.trainable_variables)  # a list: grads come back as one
        self._compiled_train = tf.function(self._train_graph, reduce_retracing=False)
        self._compiled_val = tf.function(self._val_graph, reduce_retracing=False)
        self._eager = not self.compile

    def placed(self) -> Any:
        """The device scope steps run in: the chosen device, or TensorFlow's default. (Variables
        stay where the model created them, as in the book: ``with d2l.try_gpu(): model = ...``.)"""
        return tf.device(self.gpus[0]) if self.gpus else contextlib.nullcontext()

    def prepare_batch(self, batch: Any) -> Any:
        if not self.gpus:
            return batch
        with self.placed():
            return [tf.identity(a) for a in batch]

    def set_mode(self, train: bool) -> None:
        self.model.training = train

    # -- the step, eager and compiled ---------------------------------------------------------
    def _eager_step(self, batch: Any) -> tf.Tensor:
        with tf.GradientTape() as tape:
            loss = self.model.training_step(batch)
        grads = tape.gradient(loss, self._variables)
        if self.gradient_clip_val > 0:
            grads = self.clip_gradients(self.gradient_clip_val, grads)
        self.optim.apply_gradients(zip(grads, self._variables, strict=True))
        return loss

    def _train_graph(self, *batch: tf.Tensor) -> Any:
        with self.capturing("train") as recorded:
            with tf.GradientTape() as tape, unrolled_iteration():
                loss = tf.autograph.experimental.do_not_convert(self.model.training_step)(batch)
            grads = tape.gradient(loss, self._variables)
            if self.gradient_clip_val > 0:
                grads = self.clip_gradients(self.gradient_clip_val, grads)
            self.optim.apply_gradients(zip(grads, self._variables, strict=True))
        return loss, self.captured_values(recorded)

    def _val_graph(self, *batch: tf.Tensor) -> Any:
        with self.capturing("val") as recorded, unrolled_iteration():
            tf.autograph.experimental.do_not_convert(self.model.validation_step)(batch)
        return self.captured_values(recorded)

    def _fallback(self, err: Exception) -> None:
        self._eager = True
        why = ("" if _symbolic_tensor_class() is not None else
               " (d2lrnn unrolls `for X in inputs` over a tensor by patching TensorFlow's "
               "private tensorflow.python.framework.ops.SymbolicTensor, which this TensorFlow "
               "does not have)")
        warnings.warn(f"d2lrnn.tensorflow: this model could not be compiled with tf.function "
                      f"({type(err).__name__}: {str(err).strip()[-300:]}){why}; training "
                      "eagerly, which is correct but slower.", RuntimeWarning, stacklevel=3)

    def fit_batch(self, batch: Any) -> tf.Tensor:
        with self.placed():
            return self._fit_batch(batch)

    def _fit_batch(self, batch: Any) -> tf.Tensor:
        if not self._eager:
            try:
                loss, values = self._compiled_train(*batch)
            except (TypeError, ValueError, NotImplementedError, AttributeError,
                    tf.errors.OperatorNotAllowedInGraphError) as err:
                if self.train_batch_idx > 0:
                    raise  # it traced before: a real error, not an untraceable model
                # Did tracing fail, or is the model itself wrong? Run the step eagerly: a bug in
                # the model raises here with its own traceback, and no fallback is announced.
                loss = self._eager_step(batch)
                self._fallback(err)
                return loss
            self.replay("train", values)
            return loss
        return self._eager_step(batch)

    def validate_batch(self, batch: Any) -> None:
        with self.placed():
            self._validate_batch(batch)

    def _validate_batch(self, batch: Any) -> None:
        if not self._eager:
            self.replay("val", self._compiled_val(*batch))
        else:
            self.model.validation_step(batch)

    def clip_gradients(self, grad_clip_val: float, grads: list[Any]) -> list[tf.Tensor]:
        """g <- min(1, theta / ||g||) g over all gradients (no Python ``if`` on a tensor)."""
        grads = [tf.convert_to_tensor(g) if isinstance(g, tf.IndexedSlices) else g
                 for g in grads]
        norm = tf.math.sqrt(sum(tf.reduce_sum(g ** 2) for g in grads))
        scale = tf.minimum(1.0, tf.constant(grad_clip_val, tf.float32) / norm)
        return [g * scale for g in grads]

    def probe(self, batch: Any) -> dict[str, Any]:
        named = named_variables(self.model)
        variables = [v for _, v in named]
        read = lambda gs: grads_to_canonical(
            ((n, tf.convert_to_tensor(g).numpy()) for (n, _), g in zip(named, gs, strict=True)),
            table_for(self.model))
        with tf.GradientTape() as tape:
            logits = self.model(*batch[:-1])
            loss = self.model.loss(logits, batch[-1])
        grads = tape.gradient(loss, variables)
        clipped = (self.clip_gradients(self.gradient_clip_val, grads)
                   if self.gradient_clip_val > 0 else grads)
        return {"logits": logits.numpy(), "loss": float(loss), "grads": read(grads),
                "clipped": read(clipped)}

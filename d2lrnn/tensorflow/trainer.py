"""The TensorFlow Trainer: ``tf.GradientTape`` and a Keras optimizer, in one ``tf.function``.

The book's models loop over time steps in Python (``for X in inputs``) and append to a list.
AutoGraph would turn that loop into a ``tf.while_loop``, which cannot append to a Python list.
So the model is traced *without* AutoGraph and the loop unrolls: while d2lrnn traces a step,
iterating a symbolic tensor with a known first dimension yields its slices (``tf.unstack``).
The rest of the step (a reader's ``clip_gradients`` with ``if tf.greater(...)``) keeps
AutoGraph. A model that still cannot be traced trains eagerly, after one warning.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from typing import Any

import tensorflow as tf
from tensorflow.python.framework import ops

from d2lrnn.core import trainer as core_trainer
from d2lrnn.tensorflow.module import _named_variables, get_params, set_params


@contextlib.contextmanager
def unrolled_iteration() -> Iterator[None]:
    """While tracing: ``iter(symbolic tensor)`` unstacks along a static first dimension."""
    cls = ops.SymbolicTensor
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

    def prepare_fit(self) -> None:
        self._variables = list(self.model.trainable_variables)  # a list: grads come back as one
        self._compiled_train = tf.function(self._train_graph, reduce_retracing=False)
        self._compiled_val = tf.function(self._val_graph, reduce_retracing=False)
        self._eager = not self.compile

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
        warnings.warn(f"d2lrnn.tensorflow: this model could not be compiled with tf.function "
                      f"({type(err).__name__}: {str(err).strip()[-300:]}); training "
                      "eagerly, which is correct but slower.", RuntimeWarning, stacklevel=3)

    def fit_batch(self, batch: Any) -> tf.Tensor:
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
        names = {id(v): k for k, v in _named_variables(self.model).items()}
        variables = self.model.trainable_variables
        read = lambda gs: {names[id(v)]: tf.convert_to_tensor(g).numpy()
                           for v, g in zip(variables, gs, strict=True)}
        with tf.GradientTape() as tape:
            logits = self.model(*batch[:-1])
            loss = self.model.loss(logits, batch[-1])
        grads = tape.gradient(loss, variables)
        clipped = (self.clip_gradients(self.gradient_clip_val, grads)
                   if self.gradient_clip_val > 0 else grads)
        return {"logits": logits.numpy(), "loss": float(loss), "grads": read(grads),
                "clipped": read(clipped)}

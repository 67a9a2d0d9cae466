"""The book's tensor aliases on TensorFlow. Random initial values come from d2lrnn's seeded NumPy
weight stream, so one seed gives the same weights on every backend."""

from __future__ import annotations

from typing import Any

import numpy as np
import tensorflow as tf

from d2lrnn.core import random as _random

ones, zeros, tensor, arange = tf.ones, tf.zeros, tf.constant, tf.range
tanh, exp, log, sin, cos = tf.tanh, tf.exp, tf.math.log, tf.sin, tf.cos
sigmoid = tf.sigmoid  # the modern chapter's gates
matmul, stack, concat, eye, abs = tf.matmul, tf.stack, tf.concat, tf.eye, tf.abs
linspace, meshgrid = tf.linspace, tf.meshgrid
int32, int64, float32 = tf.int32, tf.int64, tf.float32
argmax = tf.argmax
reduce_sum, reduce_mean = tf.reduce_sum, tf.reduce_mean
astype = lambda x, dtype: tf.cast(x, dtype)
transpose, expand_dims = tf.transpose, tf.expand_dims
size = lambda x, *args, **kwargs: tf.size(x, *args, **kwargs).numpy()
numpy = lambda x, *args, **kwargs: x.numpy(*args, **kwargs)


def reshape(x: Any, shape: Any) -> tf.Tensor:
    """``tf.reshape``. One difference, so that the book's ``int(d2l.reshape(t, 1))`` works:
    reshaping a one-element tensor to the bare integer 1 gives a 0-d tensor (TensorFlow and
    numpy 2 refuse ``int()`` of a 1-element vector, which torch and MXNet allow)."""
    if isinstance(shape, int) and shape == 1 and x.shape.num_elements() == 1:
        return tf.reshape(x, ())
    if isinstance(shape, int):  # the book's reshape(Y, -1): tf.function needs a rank-1 shape
        shape = (shape,)
    return tf.reshape(x, shape)


def normal(shape: Any, mean: float = 0.0, stddev: float = 1.0,
           dtype: Any = tf.float32) -> tf.Tensor:
    """``tf.random.normal(shape)`` drawn from the shared seeded NumPy stream."""
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    values = _random.randn(*shape)
    if stddev != 1.0 or mean != 0.0:
        values = values * np.float32(stddev) + np.float32(mean)
    return tf.constant(values, dtype=dtype)


def randn(*shape: Any, dtype: Any = tf.float32) -> tf.Tensor:
    """Standard normal samples (torch's argument style), from the shared seeded NumPy stream."""
    return tf.constant(_random.randn(*shape), dtype=dtype)


def rand(shape: Any, dtype: Any = tf.float32) -> tf.Tensor:
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    return tf.constant(_random.weights_rng().random(shape).astype(np.float32), dtype=dtype)


def swapaxes(x: Any, axis1: int, axis2: int) -> tf.Tensor:
    """``x`` with two axes exchanged (NumPy's ``swapaxes``; TensorFlow spells it transpose)."""
    rank = len(x.shape)
    perm = list(range(rank))
    perm[axis1 % rank], perm[axis2 % rank] = perm[axis2 % rank], perm[axis1 % rank]
    return tf.transpose(x, perm)


def seed_tensorflow(n: int) -> None:
    """Seed TensorFlow and Keras 3 (``d2l.seed``): Keras draws its layers' default initial
    weights through Python's ``random`` and NumPy's global generator as well as TensorFlow's,
    so ``tf.random.set_seed`` alone left the concise models' weights unseeded."""
    import keras

    keras.utils.set_random_seed(n)

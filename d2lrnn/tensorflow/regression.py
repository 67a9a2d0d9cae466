"""The book's concise ``LinearRegression`` on TensorFlow: a Keras 3 ``Dense(1)`` (kernel from
N(0, 0.01)), Keras' mean squared error and Keras' SGD. Its weights are trained because
``d2l.Module.trainable_variables`` collects Keras layers' weights."""

from __future__ import annotations

import keras
import tensorflow as tf

from d2lrnn.core.checks import positive_number
from d2lrnn.tensorflow.module import Module


class LinearRegression(Module):
    """The linear regression model implemented with high-level APIs."""

    def __init__(self, lr: float) -> None:
        positive_number("lr", lr)
        super().__init__()
        self.save_hyperparameters()
        initializer = keras.initializers.RandomNormal(stddev=0.01)
        self.net = keras.layers.Dense(1, kernel_initializer=initializer)

    def forward(self, X: tf.Tensor) -> tf.Tensor:
        return self.net(X)

    def loss(self, y_hat: tf.Tensor, y: tf.Tensor) -> tf.Tensor:
        return keras.losses.MeanSquaredError()(y, y_hat)

    def configure_optimizers(self) -> keras.optimizers.Optimizer:
        return keras.optimizers.SGD(float(self.lr))

    def get_w_b(self) -> tuple[tf.Tensor, tf.Tensor]:
        return (self.net.get_weights()[0], self.net.get_weights()[1])

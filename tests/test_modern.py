"""The modern chapter's fixes, against the NumPy oracle: TensorFlow's d2l.RNN runs the book's
batch-major GRU layer over time (not over the batch), d2l.LSTM's time_major matches the oracle's
LSTM on both of its paths (unrolled steps and Keras's own loop)."""

from __future__ import annotations

import numpy as np
import pytest

from d2lrnn.core import layer_map
from d2lrnn.core.reference import recurrent


def _randomize(layer, rng):
    for w in layer.weights:
        w.assign(rng.normal(0, 0.5, tuple(w.shape)).astype(np.float32))


def _canonical(layer, table):
    return layer_map.to_canonical(
        [(f"rnn.{w.path.split('/')[-1]}", np.asarray(w)) for w in layer.weights], table)


def test_tensorflow_rnn_runs_the_books_batch_major_gru_over_time():
    pytest.importorskip("tensorflow")
    import tensorflow as tf

    from d2lrnn import tensorflow as d2l
    from d2lrnn.tensorflow import layer_map as maps

    class GRU(d2l.RNN):  # the book's TensorFlow cell, as written
        def __init__(self, num_inputs, num_hiddens):
            d2l.Module.__init__(self)
            self.save_hyperparameters()
            self.rnn = tf.keras.layers.GRU(num_hiddens, return_sequences=True,
                                           return_state=True)

    gru = GRU(num_inputs=3, num_hiddens=4)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((5, 2, 3)).astype(np.float32)  # (num_steps, batch, features)
    gru(tf.constant(X))  # builds the layer
    _randomize(gru.rnn, rng)
    outputs, H = gru(tf.constant(X))
    params = _canonical(gru.rnn, maps.GRU)
    want, state, _ = recurrent.unroll("gru-reset-after", params, X)
    np.testing.assert_allclose(np.asarray(outputs), want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(H), state, rtol=1e-5, atol=1e-6)
    # what the book's call computes: the layer fed time-major data recurs over the batch axis
    wrong = np.asarray(gru.rnn(tf.constant(X))[0])
    assert not np.allclose(wrong, want, atol=1e-3)


@pytest.mark.parametrize("keras_loop", [False, True])
def test_tensorflow_time_major_lstm_matches_the_oracle(keras_loop):
    pytest.importorskip("tensorflow")
    import tensorflow as tf

    from d2lrnn import tensorflow as d2l
    from d2lrnn.tensorflow import layer_map as maps

    # go_backwards=False with a mask forces Keras's own loop; without, d2lrnn's unrolled steps
    layer = d2l.LSTM(4, return_sequences=True, return_state=True, time_major=True)
    rng = np.random.default_rng(1)
    X = rng.standard_normal((5, 2, 3)).astype(np.float32)
    mask = tf.ones((2, 5), bool) if keras_loop else None
    layer(tf.constant(X), mask=mask)
    _randomize(layer, rng)
    H0 = rng.standard_normal((2, 4)).astype(np.float32)
    C0 = rng.standard_normal((2, 4)).astype(np.float32)
    outputs, H, C = layer(tf.constant(X), [tf.constant(H0), tf.constant(C0)], mask=mask)
    params = _canonical(layer, maps.LSTM)
    want, (H_T, C_T), _ = recurrent.unroll("lstm", params, X, (H0.astype(np.float64),
                                                             C0.astype(np.float64)))
    np.testing.assert_allclose(np.asarray(outputs), want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(H), H_T, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(C), C_T, rtol=1e-5, atol=1e-6)

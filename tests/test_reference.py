"""The NumPy reference model against finite differences and the book's formulas."""

from __future__ import annotations

import numpy as np
import pytest

from d2lrnn.core import TimeMachine
from d2lrnn.core import reference as ref


@pytest.fixture
def small():
    rng = np.random.default_rng(0)
    params = {k: v.astype(np.float64) for k, v in ref.init_params(7, 5, 0.5, rng).items()}
    params["b_h"] = rng.standard_normal(5) * 0.3
    params["b_q"] = rng.standard_normal(7) * 0.3
    X, Y = rng.integers(0, 7, (3, 4)), rng.integers(0, 7, (3, 4))
    return params, X, Y


def test_bptt_matches_finite_differences(small):
    params, X, Y = small
    _, grads = ref.loss_and_grads(params, X, Y)
    eps = 1e-6
    for name, p in params.items():
        numeric = np.zeros_like(p)
        for i in np.ndindex(p.shape):
            old = p[i]
            p[i] = old + eps
            plus = ref.loss(params, X, Y)
            p[i] = old - eps
            minus = ref.loss(params, X, Y)
            p[i] = old
            numeric[i] = (plus - minus) / (2 * eps)
        np.testing.assert_allclose(grads[name], numeric, rtol=1e-5, atol=1e-8, err_msg=name)


def test_loss_is_mean_cross_entropy(small):
    params, X, Y = small
    logits = ref.forward(params, X)
    p = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    expected = -np.mean(np.log(p[np.arange(3)[:, None], np.arange(4)[None, :], Y]))
    assert ref.loss(params, X, Y) == pytest.approx(expected, rel=1e-12)


def test_clip_follows_the_book(small):
    params, X, Y = small
    _, grads = ref.loss_and_grads(params, X, Y)
    norm = ref.grad_norm(grads)
    clipped = ref.clip_gradients(grads, norm / 4)
    assert ref.grad_norm(clipped) == pytest.approx(norm / 4)
    for k in grads:  # same direction
        np.testing.assert_allclose(clipped[k], grads[k] / 4)
    unclipped = ref.clip_gradients(grads, norm * 2)
    for k in grads:
        np.testing.assert_array_equal(unclipped[k], grads[k])


def test_sgd_step(small):
    params, X, Y = small
    loss0, grads = ref.loss_and_grads(params, X, Y)
    loss1, new = ref.train_step(params, X, Y, lr=0.1)
    assert loss1 == loss0
    for k in params:
        np.testing.assert_allclose(new[k], params[k] - 0.1 * grads[k])
    assert ref.loss(new, X, Y) < loss0


def test_greedy_predict_warm_up():
    vocab = TimeMachine(1, 1).vocab
    rng = np.random.default_rng(1)
    params = ref.init_params(len(vocab), 8, 0.5, rng)
    text = ref.predict(params, "it has", 20, vocab)
    assert len(text) == 26 and text.startswith("it has")
    # the continuation is the argmax chain started from the warmed-up state
    hiddens, state = ref.rnn(params, ref.one_hot(np.array([vocab[list("it has")]]), len(vocab)))
    first = int(np.argmax(ref.output_layer(params, hiddens)[0, -1]))
    assert text[6] == vocab.idx_to_token[first]

"""d2lrnn.mxnet.fast: oneDNN tanh and GEMM bias gradients give MXNet's values, faster; the
``+`` swap is scoped to recorded training steps and always undone."""

from __future__ import annotations

import numpy
import pytest

# isort: off
from d2lrnn.mxnet import fast
from mxnet import autograd, np  # after d2lrnn.mxnet: the compat step
# isort: on

BOOK_ADD = np.ndarray.__add__


def arrays(rows: int = 1024, cols: int = 32, seed: int = 0) -> tuple[object, object, object]:
    rng = numpy.random.default_rng(seed)
    Z = np.array(rng.normal(size=(rows, cols)).astype(numpy.float32))
    b = np.array(rng.normal(size=(cols,)).astype(numpy.float32))
    g = np.array(rng.normal(size=(rows, cols)).astype(numpy.float32))
    for a in (Z, b):
        a.attach_grad()
    return Z, b, g


def add_and_grads(Z, b, g, use_gemm: bool, bias_first: bool = False):
    with autograd.record():
        if use_gemm:
            with fast.gemm_bias_grads():
                y = b + Z if bias_first else Z + b
        else:
            y = b + Z if bias_first else Z + b
    y.backward(g)
    return y.asnumpy(), Z.grad.asnumpy().copy(), b.grad.asnumpy().copy()


@pytest.mark.parametrize("bias_first", [False, True])
def test_gemm_bias_add_same_values_and_gradients(bias_first):
    Z, b, g = arrays()
    y0, gZ0, gb0 = add_and_grads(Z, b, g, use_gemm=False)
    y1, gZ1, gb1 = add_and_grads(Z, b, g, use_gemm=True, bias_first=bias_first)
    assert numpy.array_equal(y0, y1)  # forward: bit for bit
    assert numpy.array_equal(gZ0, gZ1)
    exact = g.asnumpy().astype(numpy.float64).sum(axis=0)
    numpy.testing.assert_allclose(gb1, exact, rtol=1e-5, atol=1e-4)
    numpy.testing.assert_allclose(gb1, gb0, rtol=1e-5, atol=1e-4)


def test_gemm_bias_add_used_only_while_recording(monkeypatch):
    calls = []
    real_dot = fast.np.dot
    monkeypatch.setattr(fast.np, "dot", lambda *a, **k: calls.append(1) or real_dot(*a, **k))
    Z, b, _ = arrays(rows=8, cols=4)
    with fast.gemm_bias_grads():
        Z + b  # not recording: MXNet's own add
        assert calls == []
        with autograd.record():
            Z + b
            Z + Z  # not a bias add
            Z[:, 0] + b[:1]  # 1-D + 1-D
    assert len(calls) == 1


def test_plus_is_mxnets_own_outside_and_after_errors():
    assert np.ndarray.__add__ is BOOK_ADD
    with fast.gemm_bias_grads():
        assert np.ndarray.__add__ is not BOOK_ADD
        with fast.gemm_bias_grads():  # nested: the outer one still holds it
            pass
        assert np.ndarray.__add__ is not BOOK_ADD
    assert np.ndarray.__add__ is BOOK_ADD
    with pytest.raises(RuntimeError), fast.gemm_bias_grads():
        raise RuntimeError("a failing step")
    assert np.ndarray.__add__ is BOOK_ADD


def test_opt_out(monkeypatch):
    monkeypatch.setenv("D2LRNN_MXNET_GEMM_BIAS", "0")
    with fast.gemm_bias_grads():
        assert np.ndarray.__add__ is BOOK_ADD
    monkeypatch.setenv("D2LRNN_MXNET_GEMM_BIAS", "off")
    with pytest.raises(ValueError, match="D2LRNN_MXNET_GEMM_BIAS must be 0 .* got 'off'"):
        with fast.gemm_bias_grads():
            pass
    assert np.ndarray.__add__ is BOOK_ADD


def test_bad_switch_fails_at_setup(monkeypatch):
    from d2lrnn import parity
    monkeypatch.setenv("D2LRNN_MXNET_GEMM_BIAS", "yes")
    with pytest.raises(ValueError, match="D2LRNN_MXNET_GEMM_BIAS"):
        parity.build("mxnet", parity.make_case(batch_size=8, num_steps=4))


def test_trainer_steps_take_the_gemm_path(monkeypatch):
    from d2lrnn import parity
    calls = []
    real = fast._rows_plus_bias
    monkeypatch.setattr(fast, "_rows_plus_bias",
                        lambda Z, b: (out := real(Z, b)) is not None and calls.append(1) or out)
    case = parity.make_case()
    _, data, _, trainer = parity.build("mxnet", case)
    batch = trainer.prepare_batch((data.to_tensor(case.X), data.to_tensor(case.Y)))
    trainer.fit_batch(batch)
    # every step: + b_h in each of num_steps RNN steps, + b_q in each output step
    assert len(calls) == 2 * case.num_steps
    assert np.ndarray.__add__ is BOOK_ADD


def test_tanh_is_tanh_with_its_gradient():
    x = numpy.linspace(-6, 6, 4001, dtype=numpy.float32).reshape(1, -1)
    X = np.array(x)
    X.attach_grad()
    with autograd.record():
        y = fast.tanh(X)
    y.backward()
    exact = numpy.tanh(x.astype(numpy.float64))
    numpy.testing.assert_allclose(y.asnumpy(), exact, rtol=3e-7, atol=2e-7)
    numpy.testing.assert_allclose(X.grad.asnumpy(), 1 - exact ** 2, rtol=2e-6, atol=2e-7)
    ints = np.array([0, 1, -3], dtype="int32")  # not a float array: MXNet's own np.tanh
    assert numpy.array_equal(fast.tanh(ints).asnumpy(), np.tanh(ints).asnumpy())

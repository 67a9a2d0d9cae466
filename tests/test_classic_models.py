"""Each classic backend's own ``RNNModel`` (the book's cells define theirs, so these are
checked here): over the framework's RNN layer it predicts, and ``train_ch8`` trains it (the
loss falls over a few epochs on a small corpus)."""

from __future__ import annotations

import importlib
import re

import pytest


def rnn_layer(fw: str, d2l, vocab_size: int, num_hiddens: int):
    if fw == "torch":
        from torch import nn
        return nn.RNN(vocab_size, num_hiddens)
    if fw == "mxnet":
        from mxnet.gluon import rnn
        layer = rnn.RNN(num_hiddens)
        layer.initialize()
        return layer
    if fw == "tensorflow":
        import tensorflow as tf
        cell = tf.keras.layers.SimpleRNNCell(num_hiddens, kernel_initializer="glorot_uniform")
        return d2l.RNN(cell, time_major=True, return_sequences=True, return_state=True)
    from flax import linen as nn
    return nn.RNN(nn.SimpleCell(num_hiddens), time_major=True, return_carry=True)


@pytest.mark.parametrize("fw", ["torch", "mxnet", "tensorflow", "jax"])
def test_rnn_model_trains(fw, capsys):
    d2l = importlib.import_module(f"d2lrnn.classic.{fw}")
    d2l.seed(0)
    train_iter, vocab = d2l.load_data_time_machine(8, 10, max_tokens=2000)
    net = d2l.RNNModel(rnn_layer(fw, d2l, len(vocab), 32), vocab_size=len(vocab))
    device = d2l.try_gpu()
    if fw == "torch":
        net = net.to(device)
    if fw == "mxnet":  # as the book's MXNet cell does before predicting
        net.initialize(force_reinit=True, ctx=device)
    args = [] if fw == "tensorflow" else [device]
    text = d2l.predict_ch8("time traveller", 10, net, vocab, *args)
    assert text.startswith("time traveller") and len(text) >= 24
    if fw == "tensorflow":
        import tensorflow as tf
        strategy = tf.distribute.OneDeviceStrategy(d2l.try_gpu()._device_name)
        d2l.train_ch8(net, train_iter, vocab, 1, 20, strategy)
    else:
        d2l.train_ch8(net, train_iter, vocab, 1, 20, device)
    out = capsys.readouterr().out
    ppl = float(re.search(r"perplexity ([\d.]+), [\d.]+ tokens/sec", out).group(1))
    assert ppl < 15, out  # 28 is guessing
    with pytest.raises(ValueError, match="vocab has 3 tokens"):
        d2l.predict_ch8("ab", 1, net, d2l.Vocab(list("ab")), *args)


def test_torch_fused_kernels_have_a_fallback(monkeypatch):
    """classic torch's sgd and grad_clipping use torch's private _foreach_* kernels when torch
    has them; without them the same numbers come tensor by tensor."""
    torch = pytest.importorskip("torch")
    from d2lrnn.classic.torch import ch8

    def one_step(foreach: bool) -> list:
        monkeypatch.setattr(ch8, "FOREACH", foreach)
        torch.manual_seed(0)
        params = [torch.randn(4, 3, requires_grad=True), torch.randn(3, requires_grad=True)]
        loss = (params[0] @ params[1]).pow(2).sum() * 10
        loss.backward()

        class Net:  # a scratch model: its parameters in .params
            pass
        net = Net()
        net.params = params
        ch8.grad_clipping(net, 0.5)
        clipped = [p.grad.clone() for p in params]
        ch8.sgd(params, lr=0.1, batch_size=2)
        return [*clipped, *(p.detach().clone() for p in params),
                *(p.grad.clone() for p in params)]

    if not ch8.FOREACH:
        pytest.skip("this torch has no _foreach_ kernels: only the fallback runs")
    fused, plain = one_step(True), one_step(False)
    assert float(torch.linalg.vector_norm(torch.cat([g.flatten() for g in plain[:2]]))) \
        == pytest.approx(0.5, rel=1e-5)  # clipping was active
    for a, b in zip(fused, plain, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-6, atol=1e-7)
    assert not any(g.any() for g in plain[-2:])  # sgd zeroed the gradients

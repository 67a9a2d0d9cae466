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

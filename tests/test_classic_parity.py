"""Parity of the older edition's from-scratch model on the four frameworks against the NumPy
reference (d2lrnn/core/reference.py): from the same canonical weights (W_xh, W_hh, b_h, W_hq,
b_q) each framework's ``RNNModelScratch`` (with the book's get_params / init_rnn_state / rnn)
gives the reference's logits, and one step of the code ``train_ch8`` runs (its hooks: mean
loss, backward, ``grad_clipping`` at theta 1, SGD) gives the reference's loss and clipped
gradients; the greedy ``predict_ch8`` text is the reference's.

Two weight scales: sigma 0.1 (gradient norm ~0.2 < theta: a summed loss, 28x larger, would be
clipped and change the step) and sigma 1 (norm ~17: skipping clipping changes the step)."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

from d2lrnn.core import reference as ref

V, H, B, T, LR = 28, 16, 4, 7, 1.0
NAMES = tuple(ref.shapes(1, 1))  # W_xh, W_hh, b_h, W_hq, b_q


def book_model(fw: str, d2l, weights: dict[str, np.ndarray]):
    """The book's tab code for the from-scratch RNN, with the given weights."""
    if fw == "torch":
        import torch

        def get_params(vocab_size, num_hiddens, device):
            params = [torch.tensor(weights[k]) for k in NAMES]
            for p in params:
                p.requires_grad_(True)
            return params

        def init_rnn_state(batch_size, num_hiddens, device):
            return (torch.zeros((batch_size, num_hiddens), device=device),)

        def rnn(inputs, state, params):
            W_xh, W_hh, b_h, W_hq, b_q = params
            H, = state
            outputs = []
            for X in inputs:
                H = torch.tanh(torch.mm(X, W_xh) + torch.mm(H, W_hh) + b_h)
                outputs.append(torch.mm(H, W_hq) + b_q)
            return torch.cat(outputs, dim=0), (H,)
        net = d2l.RNNModelScratch(V, H, d2l.try_gpu(), get_params, init_rnn_state, rnn)
        return net, torch.tensor, lambda: [p.detach().numpy() for p in net.params]
    if fw == "mxnet":
        from mxnet import np as mnp

        def get_params(vocab_size, num_hiddens, device):
            params = [mnp.array(weights[k]) for k in NAMES]
            for p in params:
                p.attach_grad()
            return params

        def init_rnn_state(batch_size, num_hiddens, device):
            return (mnp.zeros((batch_size, num_hiddens), ctx=device),)

        def rnn(inputs, state, params):
            W_xh, W_hh, b_h, W_hq, b_q = params
            H, = state
            outputs = []
            for X in inputs:
                H = mnp.tanh(mnp.dot(X, W_xh) + mnp.dot(H, W_hh) + b_h)
                outputs.append(mnp.dot(H, W_hq) + b_q)
            return mnp.concatenate(outputs, axis=0), (H,)
        net = d2l.RNNModelScratch(V, H, d2l.try_gpu(), get_params, init_rnn_state, rnn)
        return net, mnp.array, lambda: [p.asnumpy() for p in net.params]
    if fw == "tensorflow":
        import tensorflow as tf

        def get_params(vocab_size, num_hiddens):
            return [tf.Variable(weights[k], dtype=tf.float32) for k in NAMES]

        def init_rnn_state(batch_size, num_hiddens):
            return (tf.zeros((batch_size, num_hiddens)),)

        def rnn(inputs, state, params):
            W_xh, W_hh, b_h, W_hq, b_q = params
            H, = state
            outputs = []
            for X in inputs:
                X = tf.reshape(X, [-1, W_xh.shape[0]])
                H = tf.tanh(tf.matmul(X, W_xh) + tf.matmul(H, W_hh) + b_h)
                outputs.append(tf.matmul(H, W_hq) + b_q)
            return tf.concat(outputs, axis=0), (H,)
        net = d2l.RNNModelScratch(V, H, init_rnn_state, rnn, get_params)
        return net, tf.constant, lambda: [v.numpy() for v in net.trainable_variables]
    import jax.numpy as jnp

    def get_params(vocab_size, num_hiddens, device):
        return {k: jnp.asarray(weights[k]) for k in NAMES}

    def init_rnn_state(batch_size, num_hiddens, device):
        return (jnp.zeros((batch_size, num_hiddens)),)

    def rnn(inputs, state, params):
        H, = state
        outputs = []
        for X in inputs:
            H = jnp.tanh(X @ params["W_xh"] + H @ params["W_hh"] + params["b_h"])
            outputs.append(H @ params["W_hq"] + params["b_q"])
        return jnp.concatenate(outputs, axis=0), (H,)
    net = d2l.RNNModelScratch(V, H, d2l.try_gpu(), get_params, init_rnn_state, rnn)
    return net, jnp.array, lambda: [np.asarray(net.params[k]) for k in NAMES]


def case(sigma: float):
    rng = np.random.default_rng(0)
    X, Y = rng.integers(0, V, (B, T)), rng.integers(0, V, (B, T))
    return ref.init_params(V, H, sigma, np.random.default_rng(1)), X, Y


def reference_greedy(params, vocab_size: int, prefix: list[int], num_preds: int) -> list[int]:
    state, out = None, list(prefix[:1])
    for token in prefix[1:]:
        _, state = ref.rnn(params, ref.one_hot(np.array([[out[-1]]]), vocab_size), state)
        out.append(token)
    for _ in range(num_preds):
        hiddens, state = ref.rnn(params, ref.one_hot(np.array([[out[-1]]]), vocab_size), state)
        out.append(int(ref.output_layer(params, hiddens)[0, 0].argmax()))
    return out


def check_backend(fw: str, sigma: float) -> None:
    d2l = importlib.import_module(f"d2lrnn.classic.{fw}")
    hooks = d2l._hooks
    params, X, Y = case(sigma)
    net, tensor, read = book_model(fw, d2l, params)
    device = None if fw == "tensorflow" else d2l.try_gpu()
    # logits: (T * B, V), time-major as the book's rnn concatenates them
    state = hooks.begin_state(net, B, device)
    logits, _ = net(tensor(X), state)
    want = ref.forward(params, X).transpose(1, 0, 2).reshape(-1, V)
    np.testing.assert_allclose(np.asarray(d2l.numpy(logits)), want, rtol=1e-4, atol=1e-5)
    # one training step of train_ch8's code against the reference's (loss, clip, SGD)
    loss, updater = hooks.make_loss(), hooks.make_updater(net, LR, device)
    l, _ = hooks.step(net, tensor(X), tensor(Y), hooks.begin_state(net, B, device), loss,
                      updater, device)
    hooks.finish_epoch(net)
    ref_loss, grads = ref.loss_and_grads(params, X, Y)
    clipped = ref.clip_gradients(grads, 1.0)
    assert float(l) == pytest.approx(ref_loss, rel=1e-5), f"{fw}: loss"
    for name, before, after in zip(NAMES, (params[k] for k in NAMES), read(), strict=True):
        implied = (before.astype(np.float64) - after) / LR  # the clipped gradient applied
        scale = max(1e-3, float(np.abs(clipped[name]).max()))
        np.testing.assert_allclose(implied, clipped[name], atol=2e-5 * scale + 1e-7,
                                   err_msg=f"{fw}: clipped gradient of {name}")
    # greedy decoding from the updated weights
    new_params = dict(zip(NAMES, read(), strict=True))
    vocab = d2l.Vocab(list("abcdefghijklmnopqrstuvwxyz "))
    assert len(vocab) == V
    text = d2l.predict_ch8("the time", 12, net, vocab, *([] if fw == "tensorflow" else [device]))
    want_ids = reference_greedy(new_params, V, vocab[list("the time")], 12)
    assert text == "".join(vocab.idx_to_token[i] for i in want_ids), f"{fw}: predict_ch8"


@pytest.mark.parametrize("sigma", [0.1, 1.0], ids=["unclipped", "clipped"])
@pytest.mark.parametrize("fw", ["torch", "mxnet", "tensorflow", "jax"])
def test_scratch_parity(fw, sigma):
    check_backend(fw, sigma)


def test_parity_catches_faults(monkeypatch):
    """The check fails when clipping is skipped or the loss is summed (torch's hooks)."""
    import torch

    from d2lrnn.classic.torch import ch8 as d2l  # where the hooks' step finds grad_clipping

    monkeypatch.setattr(d2l, "grad_clipping", lambda net, theta: None)
    with pytest.raises(AssertionError, match="clipped gradient"):
        check_backend("torch", 1.0)
    monkeypatch.undo()

    class Summed(torch.nn.CrossEntropyLoss):
        def forward(self, y_hat, y):
            return torch.nn.functional.cross_entropy(y_hat, y, reduction="sum")
    monkeypatch.setattr(type(d2l._hooks), "make_loss", lambda self: Summed())
    with pytest.raises(AssertionError, match="loss"):
        check_backend("torch", 0.1)

"""d2lrnn.classic.jax's predict_ch8 steps a compiled ``net.apply`` (one compile per model): the
same text as stepping the model eagerly, and a model whose ``apply`` cannot be traced still
predicts (eagerly)."""

from __future__ import annotations

import pytest

jax = pytest.importorskip("jax")
from flax import linen as nn  # noqa: E402
from jax import numpy as jnp  # noqa: E402

from d2lrnn.classic import jax as d2l  # noqa: E402


def eager_predict(prefix: str, num_preds: int, net, vocab) -> str:
    state = net.begin_state(batch_size=1)
    outputs = [vocab[prefix[0]]]
    for y in prefix[1:]:
        _, state = net.apply(net.params, jnp.array([[outputs[-1]]]), state)
        outputs.append(vocab[y])
    for _ in range(num_preds):
        y, state = net.apply(net.params, jnp.array([[outputs[-1]]]), state)
        outputs.append(int(jnp.argmax(y, axis=1)[0]))
    return "".join(vocab.idx_to_token[i] for i in outputs)


def test_compiled_decoding_matches_eager():
    d2l.seed(0)
    _, vocab = d2l.load_data_time_machine(4, 5, max_tokens=200)
    net = d2l.RNNModel(nn.RNN(nn.SimpleCell(16), time_major=True, return_carry=True), len(vocab))
    net.params = jax.tree_util.tree_map(lambda p: p * 20, net.params)  # varied predictions
    got = d2l.predict_ch8("time traveller", 20, net, vocab)
    assert got == eager_predict("time traveller", 20, net, vocab)
    assert len(set(got[len("time traveller"):])) > 1


def test_untraceable_apply_is_stepped_eagerly():
    d2l.seed(0)
    _, vocab = d2l.load_data_time_machine(4, 5, max_tokens=200)
    V = len(vocab)

    def get_params(vocab_size, num_hiddens, device):
        return {"W": d2l.normal(0, 1, (vocab_size, vocab_size))}

    def init_state(batch_size, num_hiddens, device):
        return (d2l.zeros((batch_size, num_hiddens)),)

    def forward(inputs, state, params):
        if float(inputs.sum()) < 0:  # Python control flow on a value: not traceable
            raise AssertionError("unreachable")
        return jnp.concatenate([X @ params["W"] for X in inputs], axis=0), state

    net = d2l.RNNModelScratch(V, 4, None, get_params, init_state, forward)
    text = d2l.predict_ch8("time", 5, net, vocab)
    assert len(text) == len("time") + 5 and text.startswith("time")

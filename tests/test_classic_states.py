"""The older edition's chapter 9 language models through chapter 8's ``d2l.RNNModel``,
``train_ch8`` and ``predict_ch8`` on each framework: an LSTM (state H and C), a 2-layer GRU
(one state per layer) and a bidirectional GRU (both directions' states). ``begin_state`` gives
the layer's own state structure, a forward call returns the state in that structure, the state
carries over from one call to the next (stepping token by token gives the logits of one call
over the whole sequence), and the loops train and predict with it.

The layers, as a reader's cells build them: torch ``nn.LSTM``/``nn.GRU(..., num_layers,
bidirectional=...)``; MXNet's Gluon ``rnn.LSTM``/``rnn.GRU``; TensorFlow ``d2l.RNN`` over
``LSTMCell`` or ``StackedRNNCells`` (the book's cells with Keras 3's one-line change) and
``tf.keras.layers.Bidirectional``; JAX Flax ``nn.RNN`` over ``nn.OptimizedLSTMCell``, a list
of layers (stacked) and ``nn.Bidirectional``."""

from __future__ import annotations

import importlib
import math
import re
from typing import Any

import numpy as np
import pytest

FWS = ("torch", "mxnet", "tensorflow", "jax")
KINDS = ("lstm", "gru2", "bigru")
B, H, T = 3, 8, 6  # batch, hidden units, time steps of the checks


def build_layer(fw: str, d2l: Any, kind: str, vocab_size: int) -> Any:
    if fw == "torch":
        from torch import nn
        if kind == "lstm":
            return nn.LSTM(vocab_size, H)
        return nn.GRU(vocab_size, H, 2) if kind == "gru2" else nn.GRU(vocab_size, H,
                                                                       bidirectional=True)
    if fw == "mxnet":
        from mxnet.gluon import rnn
        if kind == "lstm":
            return rnn.LSTM(H)
        return rnn.GRU(H, 2) if kind == "gru2" else rnn.GRU(H, bidirectional=True)
    if fw == "tensorflow":
        import tensorflow as tf
        if kind == "lstm":
            cell = tf.keras.layers.LSTMCell(H)
        elif kind == "gru2":
            cell = tf.keras.layers.StackedRNNCells([tf.keras.layers.GRUCell(H)
                                                    for _ in range(2)])
        else:  # Keras 3's layers are batch-major: RNNModel takes them as they are
            return tf.keras.layers.Bidirectional(tf.keras.layers.RNN(
                tf.keras.layers.GRUCell(H), return_sequences=True, return_state=True))
        return d2l.RNN(cell, time_major=True, return_sequences=True, return_state=True)
    from flax import linen as nn
    if kind == "lstm":
        return nn.RNN(nn.OptimizedLSTMCell(H), time_major=True, return_carry=True)
    if kind == "gru2":
        return [nn.RNN(nn.GRUCell(H), time_major=True, return_carry=True) for _ in range(2)]
    return nn.Bidirectional(nn.RNN(nn.GRUCell(H)), nn.RNN(nn.GRUCell(H)), time_major=True,
                            return_carry=True)


#: begin_state(batch_size=B)'s structure: each framework's own (lists and tuples alike)
STATES = {
    "torch": {"lstm": [(1, B, H), (1, B, H)], "gru2": (2, B, H), "bigru": (2, B, H)},
    "mxnet": {"lstm": [(1, B, H), (1, B, H)], "gru2": [(2, B, H)], "bigru": [(2, B, H)]},
    "tensorflow": {"lstm": [(B, H), (B, H)], "gru2": [[(B, H)], [(B, H)]],
                   "bigru": [(B, H), (B, H)]},
    "jax": {"lstm": [(B, H), (B, H)], "gru2": [(B, H), (B, H)], "bigru": [(B, H), (B, H)]},
}


def shapes(state: Any) -> Any:
    """The structure of a state: nested lists of its arrays' shapes."""
    if isinstance(state, (list, tuple)):
        return [shapes(s) for s in state]
    return tuple(int(n) for n in state.shape)


class Kit:
    """One framework's model of one kind, and how to call it."""

    def __init__(self, fw: str, kind: str) -> None:
        self.fw, self.kind = fw, kind
        self.d2l = d2l = importlib.import_module(f"d2lrnn.classic.{fw}")
        d2l.seed(0)
        self.train_iter, self.vocab = d2l.load_data_time_machine(4, 5, max_tokens=400)
        self.device = None if fw == "tensorflow" else d2l.try_gpu()
        self.net = d2l.RNNModel(build_layer(fw, d2l, kind, len(self.vocab)), len(self.vocab))
        if fw == "torch":
            self.net = self.net.to(self.device)
        if fw == "mxnet":
            self.net.initialize(ctx=self.device)
        if fw == "jax":  # Flax traces its scan on every eager call: compile once
            import jax
            self._apply = jax.jit(self.net.apply)

    def begin_state(self, batch_size: int) -> Any:
        return self.d2l._hooks.begin_state(self.net, batch_size, self.device)

    def forward(self, X: np.ndarray, state: Any) -> tuple[np.ndarray, Any]:
        """Logits (num_steps * batch_size, vocab_size) as NumPy, and the new state."""
        d2l = self.d2l
        if self.fw == "torch":
            import torch
            with torch.no_grad():
                y, state = self.net(torch.tensor(X, device=self.device), state)
        elif self.fw == "jax":
            y, state = self._apply(self.net.params, d2l.tensor(X), state)
        else:
            y, state = self.net(d2l.tensor(X), state)
        return np.asarray(d2l.numpy(y)), state

    def args(self) -> list[Any]:
        return [] if self.fw == "tensorflow" else [self.device]

    def train(self, num_epochs: int, use_random_iter: bool = False) -> None:
        if self.fw == "tensorflow":  # the TensorFlow tab's train_ch8 takes a strategy
            import tensorflow as tf
            where = tf.distribute.OneDeviceStrategy(self.d2l.try_gpu()._device_name)
        else:
            where = self.device
        self.d2l.train_ch8(self.net, self.train_iter, self.vocab, 1, num_epochs, where,
                           use_random_iter=use_random_iter)


@pytest.fixture(scope="module", params=[(fw, kind) for fw in FWS for kind in KINDS],
                ids=lambda p: f"{p[0]}-{p[1]}")
def kit(request: pytest.FixtureRequest) -> Kit:
    return Kit(*request.param)


def tokens(kit: Kit, batch_size: int) -> np.ndarray:
    return np.random.default_rng(1).integers(0, len(kit.vocab), (batch_size, T))


def test_begin_state_is_the_layers_state(kit):
    want = STATES[kit.fw][kit.kind]
    state = kit.begin_state(B)
    assert shapes(state) == want
    assert all(not np.any(kit.d2l.numpy(s)) for s in _leaves(state))  # zeros
    y, new = kit.forward(tokens(kit, B), state)
    assert y.shape == (T * B, len(kit.vocab))
    assert shapes(new) == want  # what a call returns is what the next call takes


def _leaves(state: Any) -> list[Any]:
    if isinstance(state, (list, tuple)):
        return [leaf for s in state for leaf in _leaves(s)]
    return [state]


def test_state_carries_over(kit):
    """One call over T tokens gives the logits of T one-token calls that carry the state
    (a model that dropped part of the state, an LSTM's C or a layer's, would differ). A
    bidirectional layer reads the future, so there only the forward call's state is checked
    to change what the next call gives."""
    X = tokens(kit, B)
    whole, state = kit.forward(X, kit.begin_state(B))
    if kit.kind == "bigru":
        again, _ = kit.forward(X, state)
        assert not np.allclose(again, whole, atol=1e-6), "the state was not used"
        return
    state = kit.begin_state(B)
    steps = []
    for t in range(T):
        y, state = kit.forward(X[:, t:t + 1], state)
        steps.append(y)
    np.testing.assert_allclose(np.concatenate(steps), whole, rtol=1e-4, atol=1e-5)


def test_predict_ch8_steps_the_state(kit):
    """predict_ch8 (compiled on TensorFlow and JAX) gives what stepping the model token by
    token, carrying the state, gives."""
    prefix, num_preds = "time traveller", 12
    got = kit.d2l.predict_ch8(prefix, num_preds, kit.net, kit.vocab, *kit.args())
    state, out = kit.begin_state(1), [kit.vocab[prefix[0]]]
    for i in range(len(prefix) - 1 + num_preds):
        y, state = kit.forward(np.array([[out[-1]]]), state)
        out.append(kit.vocab[prefix[i + 1]] if i + 1 < len(prefix) else int(y.argmax(axis=1)[0]))
    assert got == "".join(kit.vocab.idx_to_token[i] for i in out)


def test_trains_and_predicts(kit, capsys):
    # sequential minibatches carry the state; random ones start from begin_state's each
    # (once per framework, on the LSTM: TensorFlow compiles its step anew in each call)
    for use_random_iter in (False, True) if kit.kind == "lstm" else (False,):
        kit.train(2, use_random_iter)
        out = capsys.readouterr().out
        ppl = float(re.search(r"perplexity ([\d.]+), [\d.]+ tokens/sec", out).group(1))
        assert math.isfinite(ppl) and ppl < 2 * len(kit.vocab), out
    text = kit.d2l.predict_ch8("time traveller", 10, kit.net, kit.vocab, *kit.args())
    assert text.startswith("time traveller") and len(text) == len("time traveller") + 10


def test_jax_bad_layers_name_the_argument():
    from flax import linen as nn

    from d2lrnn.classic import jax as d2l
    good = nn.RNN(nn.GRUCell(H), time_major=True, return_carry=True)
    with pytest.raises(ValueError, match="rnn_layer is an empty list"):
        d2l.RNNModel([], 28)
    with pytest.raises(TypeError, match=r"rnn_layer\[1\] must be a Flax RNN layer .*got "
                                        r"GRUCell \(a cell: wrap it in nn.RNN\)"):
        d2l.RNNModel([good, nn.GRUCell(H)], 28)
    with pytest.raises(ValueError, match=r"rnn_layer\[0\] must be built with time_major=True"
                                         r".*it has time_major=False"):
        d2l.RNNModel([nn.RNN(nn.GRUCell(H), return_carry=True)], 28)
    with pytest.raises(TypeError, match="its nn.Bidirectional holds GRUCell"):
        d2l.RNNModel(nn.Bidirectional(nn.GRUCell(H), nn.RNN(nn.GRUCell(H)),
                                      time_major=True, return_carry=True), 28)
    with pytest.raises(ValueError, match="it has return_carry=False"):
        d2l.RNNModel(nn.Bidirectional(nn.RNN(nn.GRUCell(H)), nn.RNN(nn.GRUCell(H)),
                                      time_major=True), 28)
    net = d2l.RNNModel(good, 28)
    with pytest.raises(ValueError, match="batch_size must be a positive integer; got 0"):
        net.begin_state(batch_size=0)

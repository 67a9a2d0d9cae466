"""The composed NumPy oracle (d2lrnn/core/reference/): every backward against central finite
differences, the forwards against the formulas written out here, and the RNN LM against the
inline BPTT the oracle had before it was split into parts (frozen below)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from d2lrnn.core import TimeMachine
from d2lrnn.core import reference as ref
from d2lrnn.core.reference import cells, decoding, layers, losses, optim, recurrent
from d2lrnn.core.reference.lm import LM
from d2lrnn.core.reference.seq2seq import Seq2Seq

KINDS = tuple(ref.CELLS)
sig = lambda x: 1 / (1 + np.exp(-x))


# ----- helpers
def numeric_grad(f, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central differences of the scalar f() w.r.t. x, perturbed in place."""
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        plus = f()
        x[i] = old - eps
        minus = f()
        x[i] = old
        g[i] = (plus - minus) / (2 * eps)
    return g


def assert_grads(f, arrays: dict, grads: dict) -> None:
    assert set(arrays) == set(grads)
    for name, x in arrays.items():
        np.testing.assert_allclose(grads[name], numeric_grad(f, x), rtol=1e-5, atol=1e-8,
                                   err_msg=name)


def flat(x) -> list[np.ndarray]:
    """The arrays in a nested state (array, (H, C), [per layer], (forward, backward))."""
    return [a for item in x for a in flat(item)] if isinstance(x, tuple | list) else [x]


def dot(a, b) -> float:
    """sum(a * b) over nested states: a scalar whose gradient w.r.t. a is b."""
    return sum(float((x * y).sum()) for x, y in zip(flat(a), flat(b), strict=True))


def randn_like(x, rng):
    if isinstance(x, tuple | list):
        return type(x)(randn_like(i, rng) for i in x)
    return rng.standard_normal(np.shape(x))


def random_params(shapes: dict, rng, scale: float = 0.5) -> dict:
    """Gaussian weights and biases alike (non-zero biases, so every bias term counts)."""
    return {k: rng.standard_normal(s) * scale for k, s in shapes.items()}


def random_state(cell: cells.Cell, rng, B: int, H: int):
    return randn_like(cell.zero_state(B, H), rng)


def named(state) -> dict[str, np.ndarray]:
    """A nested state's arrays as {'s0': ..., 's1': ...} (for H, C: s0 is H, s1 is C)."""
    return {f"s{i}": a for i, a in enumerate(flat(state))}


# ----- cells
def cell_by_formula(kind: str, P: dict, X, S):
    """The cells' maths written out directly (torch's formula for the reset-after GRU)."""
    a = lambda g: X @ P[f"W_x{g}"] + (S[0] if kind == "lstm" else S) @ P[f"W_h{g}"] + P[f"b_{g}"]
    if kind == "rnn":
        return np.tanh(a("h"))
    if kind == "lstm":
        I, F, O, C_tilde = sig(a("i")), sig(a("f")), sig(a("o")), np.tanh(a("c"))
        C = F * S[1] + I * C_tilde
        return O * np.tanh(C), C
    z, r = sig(a("z")), sig(a("r"))
    if kind == "gru":
        h_tilde = np.tanh(X @ P["W_xh"] + (r * S) @ P["W_hh"] + P["b_h"])
    else:  # torch.nn.GRU: n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), h' = (1-z) n + z h
        h_tilde = np.tanh(X @ P["W_xh"] + P["b_h"] + r * (S @ P["W_hh"] + P["b_hh"]))
    return (1 - z) * h_tilde + z * S


@pytest.mark.parametrize("kind", KINDS)
def test_cell_forward_is_the_formula(kind):
    rng = np.random.default_rng(1)
    cell = cells.CELLS[kind]
    P = random_params(cells.cell_shapes(kind, 3, 4), rng)
    X, S = rng.standard_normal((2, 3)), random_state(cell, rng, 2, 4)
    for got, want in zip(flat(cell.forward(P, X, S)[0]), flat(cell_by_formula(kind, P, X, S)),
                         strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("kind", KINDS)
def test_cell_backward_matches_finite_differences(kind):
    rng = np.random.default_rng(2)
    cell = cells.CELLS[kind]
    B, I, H = 2, 3, 4
    P = random_params(cells.cell_shapes(kind, I, H), rng)
    X, S = rng.standard_normal((B, I)), random_state(cell, rng, B, H)
    R = random_state(cell, rng, B, H)  # the gradient reaching the new state
    new, cache = cell.forward(P, X, S)
    dX, dS, dP = cell.backward(cache, R)
    assert tuple(dP) == cell.names  # every parameter, in declaration order
    assert_grads(lambda: dot(cell.forward(P, X, S)[0], R), {**P, "X": X, **named(S)},
                 {**dP, "X": dX, **named(dS)})


def test_cell_declarations():
    assert cells.cell_shapes("rnn", 5, 3) == {"W_xh": (5, 3), "W_hh": (3, 3), "b_h": (3,)}
    assert tuple(cells.cell_shapes("gru", 5, 3)) == (
        "W_xz", "W_hz", "b_z", "W_xr", "W_hr", "b_r", "W_xh", "W_hh", "b_h")
    assert cells.cell_shapes("gru-reset-after", 5, 3)["b_hh"] == (3,)
    assert list(cells.cell_shapes("lstm", 5, 3))[:6] == ["W_xi", "W_hi", "b_i", "W_xf", "W_hf",
                                                         "b_f"]
    assert [cells.CELLS[k].state for k in KINDS] == ["H", "H", "H", ("H", "C")]
    with pytest.raises(ValueError, match="cell must be one of rnn, gru"):
        cells.get("gur")


def test_gru_reset_after_differs_from_reset_before_and_agrees_where_it_must():
    rng = np.random.default_rng(3)
    P = random_params(cells.cell_shapes("gru-reset-after", 3, 4), rng)
    X, H = rng.standard_normal((2, 3)), rng.standard_normal((2, 4))
    before = cells.GRU.forward(P, X, H)[0]
    after = cells.GRU_RESET_AFTER.forward(P, X, H)[0]
    assert np.abs(before - after).max() > 1e-3
    # With b_hh = 0 and a reset gate that is the same for every hidden unit (W_xr = W_hr = 0:
    # R = sigma(b_r) times ones, when b_r is constant), R * (H W_hh) = (R * H) W_hh: one value.
    P.update(W_xr=np.zeros((3, 4)), W_hr=np.zeros((4, 4)), b_r=np.full(4, 0.7),
             b_hh=np.zeros(4))
    np.testing.assert_allclose(cells.GRU_RESET_AFTER.forward(P, X, H)[0],
                               cells.GRU.forward(P, X, H)[0], rtol=1e-13)


# ----- layers over time
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("reverse", [False, True])
def test_unroll_bptt_matches_finite_differences(kind, reverse):
    rng = np.random.default_rng(4)
    cell = cells.CELLS[kind]
    T, B, I, H = 4, 2, 3, 3
    P = random_params(cells.cell_shapes(kind, I, H), rng)
    inputs = rng.standard_normal((T, B, I))
    S0, R_s = random_state(cell, rng, B, H), random_state(cell, rng, B, H)
    R_out = rng.standard_normal((T, B, H))

    def f():
        out, s, _ = recurrent.unroll(kind, P, inputs, S0, reverse)
        return float((out * R_out).sum()) + dot(s, R_s)

    out, s, cache = recurrent.unroll(kind, P, inputs, S0, reverse)
    d_in, d_s0, grads = recurrent.unroll_backward(cache, R_out, R_s)
    assert_grads(f, {**P, "inputs": inputs, **named(S0)},
                 {**grads, "inputs": d_in, **named(d_s0)})
    # running backwards = running forwards over the reversed sequence, outputs put back in order
    flipped, s_f, _ = recurrent.unroll(kind, P, inputs[::-1], S0, not reverse)
    np.testing.assert_allclose(out, flipped[::-1], rtol=1e-13)
    for a, b in zip(flat(s), flat(s_f), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-13)


STACKS = [("gru", 2, False), ("lstm", 2, False), ("rnn", 1, True), ("lstm", 1, True),
          ("gru-reset-after", 2, True)]


@pytest.mark.parametrize("kind,num_layers,bidirectional", STACKS)
def test_stack_bptt_matches_finite_differences(kind, num_layers, bidirectional):
    rng = np.random.default_rng(5)
    cell = cells.CELLS[kind]
    T, B, I, H = 3, 2, 2, 3
    P = random_params(recurrent.stack_shapes(kind, I, H, num_layers, bidirectional), rng)
    inputs = rng.standard_normal((T, B, I))
    one = lambda: random_state(cell, rng, B, H)
    layer_state = lambda: (one(), one()) if bidirectional else one()
    S0 = [layer_state() for _ in range(num_layers)]
    R_s = [layer_state() for _ in range(num_layers)]
    R_out = rng.standard_normal((T, B, H * (2 if bidirectional else 1)))

    def f():
        out, states, _ = recurrent.stack(kind, P, inputs, num_layers, bidirectional, S0)
        return float((out * R_out).sum()) + dot(states, R_s)

    _, _, cache = recurrent.stack(kind, P, inputs, num_layers, bidirectional, S0)
    d_in, d_s0, grads = recurrent.stack_backward(cache, R_out, R_s)
    assert list(grads) == list(P)
    assert_grads(f, {**P, "inputs": inputs, **named(S0)},
                 {**grads, "inputs": d_in, **named(d_s0)})


def test_stack_names_and_the_books_birnn():
    names = list(recurrent.stack_shapes("rnn", 5, 3, num_layers=2, bidirectional=True))
    assert names == ["l0.f_rnn.W_xh", "l0.f_rnn.W_hh", "l0.f_rnn.b_h",
                     "l0.b_rnn.W_xh", "l0.b_rnn.W_hh", "l0.b_rnn.b_h",
                     "l1.f_rnn.W_xh", "l1.f_rnn.W_hh", "l1.f_rnn.b_h",
                     "l1.b_rnn.W_xh", "l1.b_rnn.W_hh", "l1.b_rnn.b_h"]
    shapes = recurrent.stack_shapes("gru", 5, 3, num_layers=2, bidirectional=True)
    assert shapes["l0.f_rnn.W_xz"] == (5, 3) and shapes["l1.b_rnn.W_xz"] == (6, 3)
    assert list(recurrent.stack_shapes("rnn", 5, 3)) == ["W_xh", "W_hh", "b_h"]
    assert list(recurrent.stack_shapes("rnn", 5, 3, 2))[3] == "l1.W_xh"
    # BiRNNScratch: f_rnn over the inputs, b_rnn over reversed(inputs), its outputs reversed
    # back, concatenated on the feature axis
    rng = np.random.default_rng(6)
    P = random_params(recurrent.stack_shapes("gru", 2, 3, bidirectional=True), rng)
    inputs = rng.standard_normal((4, 2, 2))
    out, (f_H, b_H), _ = recurrent.birnn("gru", P, inputs)
    f_out, f_last, _ = recurrent.unroll("gru", P, inputs, prefix="f_rnn.")
    b_out, b_last, _ = recurrent.unroll("gru", P, inputs[::-1], prefix="b_rnn.")
    np.testing.assert_allclose(out, np.concatenate([f_out, b_out[::-1]], -1), rtol=1e-13)
    np.testing.assert_allclose(b_H, b_last, rtol=1e-13)


# ----- input and output layers, losses
def test_embedding_one_hot_and_dense():
    rng = np.random.default_rng(7)
    W_emb, X = rng.standard_normal((5, 3)), np.array([[1, 4, 1, 0], [4, 4, 2, 1]])
    embs = layers.embedding(W_emb, X)
    np.testing.assert_allclose(embs, layers.one_hot(X, 5) @ W_emb, rtol=1e-15)
    R = rng.standard_normal(embs.shape)
    assert_grads(lambda: float((layers.embedding(W_emb, X) * R).sum()), {"W_emb": W_emb},
                 {"W_emb": layers.embedding_backward(W_emb, X, R)})
    W, b, H = rng.standard_normal((3, 4)), rng.standard_normal(4), rng.standard_normal((2, 5, 3))
    R = rng.standard_normal((2, 5, 4))
    dH, dW, db = layers.dense_backward(W, H, R)
    assert_grads(lambda: float((layers.dense(W, b, H) * R).sum()), {"W": W, "b": b, "H": H},
                 {"W": dW, "b": db, "H": dH})


def per_token(logits, Y):
    """-log softmax(logits)[Y] position by position."""
    B, T = Y.shape
    return np.array([[-logits[b, t, Y[b, t]] + math.log(np.exp(logits[b, t]).sum())
                      for t in range(T)] for b in range(B)])


@pytest.fixture
def scores():
    rng = np.random.default_rng(8)
    logits = rng.standard_normal((3, 4, 5)) * 2
    Y = np.array([[2, 3, 0, 0], [1, 4, 4, 0], [3, 0, 0, 0]])  # 0 is <pad>
    return logits, Y, np.array([2, 3, 1])  # valid lengths (not those of the pads: any)


def test_cross_entropy(scores):
    logits, Y, _ = scores
    value, d = losses.cross_entropy(logits, Y)
    assert value == pytest.approx(per_token(logits, Y).mean(), rel=1e-13)
    assert_grads(lambda: losses.cross_entropy(logits, Y)[0], {"logits": logits}, {"logits": d})


def test_masked_cross_entropy_is_seq2seq_loss(scores):
    logits, Y, _ = scores
    value, d = losses.masked_cross_entropy(logits, Y, pad=0)
    l, mask = per_token(logits, Y), Y != 0
    assert value == pytest.approx(l[mask].sum() / mask.sum(), rel=1e-13)
    assert value != pytest.approx(l.mean())
    assert_grads(lambda: losses.masked_cross_entropy(logits, Y, 0)[0], {"logits": logits},
                 {"logits": d})


def test_masked_softmax_ce_loss_of_the_earlier_edition(scores):
    logits, Y, valid_len = scores
    l = per_token(logits, Y)
    want = [l[b, :valid_len[b]].sum() / Y.shape[1] for b in range(3)]  # mean over num_steps
    got, d_sum = losses.masked_softmax_ce(logits, Y, valid_len)
    np.testing.assert_allclose(got, want, rtol=1e-13)
    assert_grads(lambda: losses.masked_softmax_ce(logits, Y, valid_len)[0].sum(),
                 {"logits": logits}, {"logits": d_sum})
    w = np.array([0.5, -2.0, 3.0])
    _, d_w = losses.masked_softmax_ce(logits, Y, valid_len, d_losses=w)
    assert_grads(lambda: float(losses.masked_softmax_ce(logits, Y, valid_len)[0] @ w),
                 {"logits": logits}, {"logits": d_w})
    np.testing.assert_array_equal(losses.sequence_mask(np.array([0, 2]), 3),
                                  [[0, 0, 0], [1, 1, 0]])


# ----- optimisers
def test_clipping_and_sgd():
    g = {"a": np.array([3.0]), "b": np.array([[4.0]])}
    assert optim.grad_norm(g) == 5.0
    clipped = optim.clip_gradients(g, 1.0)
    np.testing.assert_allclose(clipped["a"], [0.6])
    np.testing.assert_allclose(clipped["b"], [[0.8]])
    assert optim.clip_gradients(g, 10.0)["a"] is g["a"]  # min(1, theta/||g||) = 1: unchanged
    assert g["a"][0] == 3.0
    p = optim.sgd_step({"a": np.float32([1.0]), "b": np.zeros((1, 1))}, g, 0.1)
    np.testing.assert_allclose(p["a"], [0.7])
    assert p["a"].dtype == np.float64


def test_adam_two_steps_by_hand():
    params = {"w": np.array([1.0, -2.0])}
    state = optim.adam_init(params)
    p1, state = optim.adam_step(params, {"w": np.array([0.5, 0.0])}, state, lr=0.1)
    # step 1: m = 0.1 g, v = 0.001 g^2, m^ = g, v^ = g^2: w - 0.1 g / (|g| + eps)
    np.testing.assert_allclose(p1["w"], [1 - 0.1 * 0.5 / (0.5 + 1e-8), -2.0], rtol=1e-15)
    p2, state = optim.adam_step(p1, {"w": np.array([-0.25, 0.0])}, state, lr=0.1)
    # step 2: m = 0.9 * 0.05 - 0.1 * 0.25 = 0.02, v = 0.999 * 0.00025 + 0.001 * 0.0625
    # = 0.00031225; m^ = 0.02 / 0.19, v^ = 0.00031225 / 0.001999
    assert state["step"] == 2
    np.testing.assert_allclose(state["m"]["w"], [0.02, 0.0], rtol=1e-14)
    np.testing.assert_allclose(state["v"]["w"], [0.00031225, 0.0], rtol=1e-14)
    step2 = 0.1 * (0.02 / 0.19) / (math.sqrt(0.00031225 / 0.001999) + 1e-8)  # = 0.0266337...
    assert step2 == pytest.approx(0.0266337, rel=1e-6)
    np.testing.assert_allclose(p2["w"], [p1["w"][0] - step2, -2.0], rtol=1e-14)
    assert params["w"][0] == 1.0  # arguments unchanged


# ----- composed models
LMS = [LM("gru", 2), LM("lstm"), LM("gru-reset-after", 1, True), LM("rnn", 2)]


@pytest.mark.parametrize("model", LMS, ids=str)
def test_lm_bptt_matches_finite_differences(model):
    rng = np.random.default_rng(9)
    params = random_params(model.shapes(5, 3), rng)
    X, Y = rng.integers(0, 5, (2, 3)), rng.integers(0, 5, (2, 3))
    value, grads = model.loss_and_grads(params, X, Y)
    assert value == model.loss(params, X, Y)
    assert list(grads) == list(params)
    assert_grads(lambda: model.loss(params, X, Y), params, grads)


def test_lm_declarations_and_greedy_prediction():
    assert list(LM("gru", 2).shapes(5, 3))[-3:] == ["l1.b_h", "W_hq", "b_q"]
    assert LM("lstm", 1, True).shapes(5, 3)["W_hq"] == (6, 5)
    # the book's draw order: W_xz, W_hz (b_z no draw), ..., then W_hq
    params = LM("gru").init_params(5, 3, 0.1, np.random.default_rng(0))
    rng = np.random.default_rng(0)
    for name in ("W_xz", "W_hz", "W_xr", "W_hr", "W_xh", "W_hh", "W_hq"):
        want = rng.standard_normal(params[name].shape).astype(np.float32) * np.float32(0.1)
        np.testing.assert_array_equal(params[name], want)
    assert params["b_z"].dtype == np.float32 and not params["b_z"].any()
    vocab = TimeMachine(1, 1).vocab
    model = LM("lstm", 2)
    params = model.init_params(len(vocab), 8, 0.5, np.random.default_rng(1))
    text = model.predict(params, "it has", 10, vocab)
    logits, state, _ = model.forward(params, np.array([vocab[list("it has")]]))
    ids = [int(logits[0, -1].argmax())]
    for _ in range(9):
        logits, state, _ = model.forward(params, np.array([[ids[-1]]]), state)
        ids.append(int(logits[0, 0].argmax()))
    assert text == "it has" + "".join(vocab.idx_to_token[i] for i in ids)
    with pytest.raises(ValueError, match="bidirectional"):
        LM("rnn", 1, True).predict(params, "it", 3, vocab)


@pytest.mark.parametrize("model", [Seq2Seq(num_layers=2), Seq2Seq("gru")], ids=str)
def test_seq2seq_bptt_matches_finite_differences(model):
    rng = np.random.default_rng(10)
    params = random_params(model.shapes(5, 6, 2, 3), rng)
    src, tgt_in = rng.integers(0, 5, (2, 3)), rng.integers(0, 6, (2, 4))
    Y = np.array([[3, 5, 0, 0], [4, 1, 2, 0]])  # 0 is <pad>
    value, grads = model.loss_and_grads(params, src, tgt_in, Y, pad=0)
    assert list(grads) == list(params)
    assert_grads(lambda: model.loss(params, src, tgt_in, Y, 0), params, grads)


def test_greedy_seq2seq():
    # a decoder whose argmax is (previous token + state) mod 6; 4 is <eos>
    def step(tokens, state):
        return np.eye(6)[(tokens + state) % 6], state

    state = np.array([1, 2, 0])
    got = decoding.greedy_seq2seq(step, state, bos=0, eos=4, num_steps=4, batch_size=3)
    assert got == [[1, 2, 3], [2], [0, 0, 0, 0]]
    assert decoding.greedy_seq2seq(step, state, 0, 4, 2, 3) == [[1, 2], [2], [0, 0]]
    # the encoder-decoder: each sentence alone as in the batch, and the argmax chain by hand
    model = Seq2Seq()
    rng = np.random.default_rng(11)
    params = random_params(model.shapes(5, 6, 2, 3), rng, scale=1.5)
    src = rng.integers(0, 5, (3, 4))
    batch = model.predict(params, src, bos=1, eos=2, num_steps=6)
    assert batch == [model.predict(params, src[i:i + 1], 1, 2, 6)[0] for i in range(3)]
    enc_out, states, _ = model.encode(params, src[:1])
    ids, token = [], 1
    for _ in range(6):
        logits, states, _ = model.decode(params, np.array([[token]]), enc_out[-1], states)
        token = int(logits[0, 0].argmax())
        if token == 2:
            break
        ids.append(token)
    assert batch[0] == ids


# ----- the RNN LM of the section "RNN Implementation from Scratch", as it was computed inline
def frozen_loss_and_grads(params, X, Y):
    """d2lrnn/core/reference.py's loss_and_grads before the split (helpers inlined)."""
    P = {k: np.asarray(v, np.float64) for k, v in params.items()}
    V = P["W_xh"].shape[0]
    inputs = np.eye(V)[np.asarray(X).T]                      # (T, B, V)
    H = np.zeros((inputs.shape[1], P["W_hh"].shape[0]))
    hiddens = []
    for X_t in inputs:
        H = np.tanh(X_t @ P["W_xh"] + H @ P["W_hh"] + P["b_h"])
        hiddens.append(H)
    logits = np.stack([H @ P["W_hq"] + P["b_q"] for H in hiddens], axis=1)
    B, T, _ = logits.shape
    z = logits - logits.max(axis=-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    Y = np.asarray(Y)
    value = float(-np.take_along_axis(logp, Y[..., None], axis=-1).mean())
    dO = np.exp(logp)
    np.put_along_axis(dO, Y[..., None], np.take_along_axis(dO, Y[..., None], -1) - 1, -1)
    dO /= B * T
    grads = {k: np.zeros_like(v) for k, v in P.items()}
    H_all = np.stack(hiddens)                                # (T, B, H)
    grads["W_hq"] = np.einsum("tbh,btv->hv", H_all, dO)
    grads["b_q"] = dO.sum(axis=(0, 1))
    dH_next = np.zeros_like(hiddens[0])
    for t in reversed(range(T)):
        dH = dO[:, t] @ P["W_hq"].T + dH_next
        dA = dH * (1.0 - hiddens[t] ** 2)
        H_prev = hiddens[t - 1] if t > 0 else np.zeros_like(hiddens[0])
        grads["W_xh"] += inputs[t].T @ dA
        grads["W_hh"] += H_prev.T @ dA
        grads["b_h"] += dA.sum(axis=0)
        dH_next = dA @ P["W_hh"].T
    return value, grads, logits


@pytest.mark.parametrize("V,H,B,T,sigma,seed", [(7, 5, 3, 4, 0.5, 0), (28, 32, 16, 8, 0.1, 1),
                                                (28, 32, 16, 8, 0.01, 2), (28, 32, 4, 35, 0.3, 3)])
def test_composed_rnn_lm_gives_todays_numbers(V, H, B, T, sigma, seed):
    rng = np.random.default_rng(seed)
    params = ref.init_params(V, H, sigma, rng)
    draw = np.random.default_rng(seed)  # the old init_params: W_xh, W_hh, W_hq, zero biases
    for name in ("W_xh", "W_hh", "W_hq"):
        want = draw.standard_normal(params[name].shape).astype(np.float32) * np.float32(sigma)
        np.testing.assert_array_equal(params[name], want)
    assert list(params) == list(ref.shapes(V, H)) == ["W_xh", "W_hh", "b_h", "W_hq", "b_q"]
    params["b_h"] = (rng.standard_normal(H) * sigma).astype(np.float32)
    params["b_q"] = (rng.standard_normal(V) * sigma).astype(np.float32)
    X, Y = rng.integers(0, V, (B, T)), rng.integers(0, V, (B, T))
    want_value, want_grads, want_logits = frozen_loss_and_grads(params, X, Y)
    value, grads = ref.loss_and_grads(params, X, Y)
    np.testing.assert_allclose(value, want_value, rtol=1e-12)
    np.testing.assert_allclose(ref.loss(params, X, Y), want_value, rtol=1e-12)
    assert list(grads) == list(want_grads)
    for k in grads:
        np.testing.assert_allclose(grads[k], want_grads[k], rtol=1e-12, err_msg=k)
    np.testing.assert_allclose(ref.forward(params, X), want_logits, rtol=1e-12)
    hiddens, _ = ref.rnn(params, ref.one_hot(X, V))
    np.testing.assert_allclose(ref.output_layer(params, hiddens), want_logits, rtol=1e-12)

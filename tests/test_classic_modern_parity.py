"""Parity of the older edition's chapter-9 models (``from d2lrnn.classic import <fw> as d2l``)
against the NumPy oracle (d2lrnn/core/reference/), on the four backends, with faults injected
into the oracle that the comparison must reject.

1. The reader's from-scratch GRU and LSTM (the book's ``get_params``/``get_lstm_params``,
   ``init_gru_state``/``init_lstm_state``, ``gru``/``lstm``: executed from the transcribed cells
   of tests/book/classic/{gru,lstm}_<tab>.py, not copied) in ``d2l.RNNModelScratch``: from the
   oracle's weights (``LM('gru')``, the book's reset-before GRU, and ``LM('lstm')``; the book's
   parameter list mapped to the oracle's names by position), the logits, one step of
   ``train_ch8``'s code through the backend's hooks (mean loss, gradients clipped at theta 1,
   SGD: the clipped gradient read back from the update) and the greedy ``predict_ch8`` text.
2. The encoder-decoder: the library's ``d2l.Seq2SeqEncoder`` and the section's
   ``Seq2SeqDecoder`` (the transcribed cell of tests/book/classic/seq2seq_<tab>.py) under
   ``d2l.EncoderDecoder``, given the current edition's seq2seq oracle's weights (its framework
   GRU layers are the reset-after GRU: ``Seq2Seq('gru-reset-after', 2)``): the per-sequence
   loss of ``d2l.MaskedSoftmaxCELoss`` on one teacher-forced batch, and ``d2l.predict_seq2seq``
   of a few sentences. The older edition differs from the current one in two ways the oracle
   is adapted to here: its masked loss is one value per sequence, the mean over all num_steps
   positions of the per-token losses with those past the valid length counted as 0 (not the
   mean over the valid tokens); its decoder takes the context from the *current* state's top
   layer at every call (``state[-1]``), so in greedy decoding the context is the decoder's
   own last top-layer state, not the encoder's (in teacher forcing, one call, they coincide).
3. Faults in the oracle, each of which the comparison must reject: the mask ignored (the
   padding's losses averaged in), ``mean`` replaced by ``sum`` in the masked loss, the
   decoder's context from layer 0 instead of the top layer, the GRU's gates r and z swapped
   (and the LSTM's i and f).
"""

from __future__ import annotations

import functools
import importlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from d2lrnn.core import layer_map
from d2lrnn.core.layer_map import Slot
from d2lrnn.core.reference import losses
from d2lrnn.core.reference.lm import LM
from d2lrnn.core.reference.seq2seq import Seq2Seq

BOOK = Path(__file__).parent / "book" / "classic"
TABS = {"torch": "pytorch", "mxnet": "mxnet", "tensorflow": "tensorflow", "jax": "jax"}
FWS = list(TABS)


def book_cells(section: str, fw: str, numbers: tuple[int, ...]) -> dict[str, Any]:
    """A namespace with the transcribed section's import lines (cell 1, without its data) and
    then the cells ``numbers`` executed in it."""
    text = (BOOK / f"{section}_{TABS[fw]}.py").read_text()
    cells = dict((int(n), body) for n, body in
                 re.findall(r"# %% cell (\d+)\n(.*?)(?=\n# %% cell |\Z)", text, re.S))
    ns: dict[str, Any] = {"_show": lambda value: None}
    imports = [line for line in cells[1].splitlines()
               if line.startswith(("from ", "import ", "npx.set_np"))]
    exec("\n".join(imports), ns)  # noqa: S102
    for n in numbers:
        exec(cells[n], ns)  # noqa: S102
    return ns


def classic(fw: str):
    return importlib.import_module(f"d2lrnn.classic.{fw}")


# == 1. the from-scratch GRU and LSTM =========================================================
V, NH, B, T, LR, SIGMA = 28, 8, 4, 6, 1.0, 1.0
#: the book's parameter lists (get_params' return), by position
BOOK_ORDER = {"gru": ("W_xz", "W_hz", "b_z", "W_xr", "W_hr", "b_r", "W_xh", "W_hh", "b_h",
                      "W_hq", "b_q"),
              "lstm": ("W_xi", "W_hi", "b_i", "W_xf", "W_hf", "b_f", "W_xo", "W_ho", "b_o",
                       "W_xc", "W_hc", "b_c", "W_hq", "b_q")}
BOOK_FUNCTIONS = {"gru": ("get_params", "init_gru_state", "gru"),
                  "lstm": ("get_lstm_params", "init_lstm_state", "lstm")}
PREFIX, NUM_PREDS = "the time", 10


@functools.cache
def lm_case(cell: str):
    """The oracle's weights (float32, biases drawn too so that they matter) and a batch."""
    rng = np.random.default_rng(3)
    shapes = LM(cell).shapes(V, NH)
    assert sorted(shapes) == sorted(BOOK_ORDER[cell])
    params = {k: (rng.standard_normal(s) * SIGMA).astype(np.float32) for k, s in shapes.items()}
    X, Y = rng.integers(0, V, (B, T)), rng.integers(0, V, (B, T))
    return params, X, Y


@dataclass(frozen=True)
class LMAnswer:
    logits: np.ndarray   # (T * B, V), time-major as the book's functions concatenate them
    loss: float
    grads: dict[str, np.ndarray]  # clipped (theta 1)
    text: str


def lm_expect(cell: str, params: dict[str, np.ndarray]) -> LMAnswer:
    """The oracle's answer for ``cell`` from ``params`` (the batch of lm_case(cell))."""
    oracle = LM(cell)
    _, X, Y = lm_case(cell)
    logits = oracle.logits(params, X).transpose(1, 0, 2).reshape(-1, V)
    loss, grads = oracle.loss_and_grads(params, X, Y)
    clipped = oracle.clip_gradients(grads, 1.0)
    new = oracle.sgd_step(params, clipped, LR)
    return LMAnswer(logits, loss, clipped, lm_greedy(oracle, new))


def lm_greedy(oracle: LM, params: dict[str, np.ndarray]) -> str:
    """predict_ch8's greedy continuation: the prefix fed as warm-up, then the argmax each step
    (the older edition's Vocab, as predict_ch8 gets it)."""
    vocab = classic("torch").Vocab(list("abcdefghijklmnopqrstuvwxyz "))
    out, state = [vocab[PREFIX[0]]], None
    for ch in PREFIX[1:]:
        _, state, _ = oracle.forward(params, np.array([[out[-1]]]), state)
        out.append(vocab[ch])
    for _ in range(NUM_PREDS):
        logits, state, _ = oracle.forward(params, np.array([[out[-1]]]), state)
        out.append(int(logits[0, 0].argmax()))
    return "".join(vocab.idx_to_token[i] for i in out)


def swap_gates(params: dict[str, np.ndarray], a: str, b: str) -> dict[str, np.ndarray]:
    """Gates ``a`` and ``b`` swapped (the GRU's r and z: R computed with z's weights and Z with
    r's; the LSTM's i and f)."""
    swap = {}
    for x, y in ((a, b), (b, a)):
        swap.update({f"W_x{x}": f"W_x{y}", f"W_h{x}": f"W_h{y}", f"b_{x}": f"b_{y}"})
    return {k: params[swap.get(k, k)] for k in params}


#: each cell's fault: the gates swapped
SWAPS = {"gru": ("r", "z"), "lstm": ("i", "f")}


def lm_book_model(fw: str, d2l, cell: str, weights: dict[str, np.ndarray]):
    """RNNModelScratch over the book's cells for ``cell``, its get_params' list overwritten, by
    position, with ``weights``. Returns (net, the tensor constructor, read the parameters)."""
    get_name, state_name, fn_name = BOOK_FUNCTIONS[cell]
    ns = book_cells(cell, fw, (2, 3, 4))
    book_get, init_state, fn = ns[get_name], ns[state_name], ns[fn_name]
    values = [weights[k] for k in BOOK_ORDER[cell]]

    def checked(params):
        assert len(params) == len(values)
        for p, v in zip(params, values, strict=True):
            assert tuple(p.shape) == v.shape
        return params

    if fw == "torch":
        import torch

        def get_params(*args):
            params = checked(book_get(*args))
            with torch.no_grad():
                for p, v in zip(params, values, strict=True):
                    p.copy_(torch.from_numpy(v))
            return params
        net = d2l.RNNModelScratch(V, NH, d2l.try_gpu(), get_params, init_state, fn)
        return net, torch.tensor, lambda: [p.detach().numpy() for p in net.params]
    if fw == "mxnet":
        from mxnet import np as mnp

        def get_params(*args):
            params = checked(book_get(*args))
            for p, v in zip(params, values, strict=True):
                p[:] = mnp.array(v)
            return params
        net = d2l.RNNModelScratch(V, NH, d2l.try_gpu(), get_params, init_state, fn)
        return net, mnp.array, lambda: [p.asnumpy() for p in net.params]
    if fw == "tensorflow":
        import tensorflow as tf

        def get_params(*args):
            params = checked(book_get(*args))
            for p, v in zip(params, values, strict=True):
                p.assign(v)
            return params
        net = d2l.RNNModelScratch(V, NH, init_state, fn, get_params)
        return net, tf.constant, lambda: [v.numpy() for v in net.trainable_variables]
    import jax.numpy as jnp

    def get_params(*args):
        checked(book_get(*args))
        return [jnp.asarray(v) for v in values]
    net = d2l.RNNModelScratch(V, NH, d2l.try_gpu(), get_params, init_state, fn)
    return net, jnp.array, lambda: [np.asarray(p) for p in net.params]


def lm_run(fw: str, cell: str) -> LMAnswer:
    """The backend's answer: logits, one train_ch8 step through its hooks, predict_ch8."""
    d2l = classic(fw)
    hooks = d2l._hooks
    params, X, Y = lm_case(cell)
    net, tensor, read = lm_book_model(fw, d2l, cell, params)
    device = None if fw == "tensorflow" else d2l.try_gpu()
    logits, _ = net(tensor(X), hooks.begin_state(net, B, device))
    logits = np.asarray(d2l.numpy(logits))
    loss, updater = hooks.make_loss(), hooks.make_updater(net, LR, device)
    l, _ = hooks.step(net, tensor(X), tensor(Y), hooks.begin_state(net, B, device), loss,
                      updater, device)
    hooks.finish_epoch(net)
    after = dict(zip(BOOK_ORDER[cell], read(), strict=True))
    implied = {k: (params[k].astype(np.float64) - after[k]) / LR for k in params}
    vocab = d2l.Vocab(list("abcdefghijklmnopqrstuvwxyz "))
    assert len(vocab) == V
    text = d2l.predict_ch8(PREFIX, NUM_PREDS, net, vocab,
                           *([] if fw == "tensorflow" else [device]))
    return LMAnswer(logits, float(l), implied, text)


def lm_check(got: LMAnswer, want: LMAnswer) -> None:
    np.testing.assert_allclose(got.logits, want.logits, rtol=1e-4, atol=1e-5,
                               err_msg="logits")
    assert got.loss == pytest.approx(want.loss, rel=1e-5), "loss"
    for name, g in want.grads.items():
        scale = max(1e-3, float(np.abs(g).max()))
        np.testing.assert_allclose(got.grads[name], g, atol=2e-5 * scale + 1e-7,
                                   err_msg=f"clipped gradient of {name}")
    assert got.text == want.text, "predict_ch8"


@pytest.fixture(scope="module", params=[(fw, cell) for fw in FWS for cell in ("gru", "lstm")],
                ids=lambda p: f"{p[0]}-{p[1]}")
def lm_got(request):
    fw, cell = request.param
    return cell, lm_run(fw, cell)


def test_scratch_cell_matches_the_oracle(lm_got):
    cell, got = lm_got
    want = lm_expect(cell, lm_case(cell)[0])
    lm_check(got, want)


def test_swapped_gates_are_caught(lm_got):
    """The oracle with two gates swapped (GRU: r and z; LSTM: i and f): the logits differ
    (and so everything after them)."""
    cell, got = lm_got
    with pytest.raises(AssertionError, match="logits"):
        lm_check(got, lm_expect(cell, swap_gates(lm_case(cell)[0], *SWAPS[cell])))


# == 2. the encoder-decoder ==================================================================
E, H, L, NUM_STEPS = 8, 8, 2, 6
SRC_WORDS = "go . i lost he's calm home".split()
TGT_WORDS = "va ! j'ai perdu . il est calme chez moi".split()
SENTENCES = ["go .", "i lost .", "he's calm .", "i'm home ."]  # "i'm": <unk>
CELL = "gru-reset-after"  # the frameworks' GRU layers


def vocabs(d2l):
    reserved = ["<pad>", "<bos>", "<eos>"]
    src, tgt = d2l.Vocab(SRC_WORDS, reserved_tokens=reserved), d2l.Vocab(
        TGT_WORDS, reserved_tokens=reserved)
    assert (src["<pad>"], tgt["<bos>"], tgt["<eos>"]) == (1, 2, 3)
    return src, tgt


PAD, BOS, EOS = 1, 2, 3


@functools.cache
def s2s_case():
    """The oracle's weights (float32) and a batch (X, X_valid_len, Y, Y_valid_len) as
    load_data_nmt's: padded with <pad> after the valid lengths, <eos> last in each target."""
    src_vocab, tgt_vocab = vocabs(classic("torch"))
    rng = np.random.default_rng(5)
    shapes = Seq2Seq(CELL, L).shapes(len(src_vocab), len(tgt_vocab), E, H)
    params = {k: (rng.standard_normal(s) * 0.5).astype(np.float32) for k, s in shapes.items()}
    X = rng.integers(4, len(src_vocab), (B, NUM_STEPS))
    Y = rng.integers(4, len(tgt_vocab), (B, NUM_STEPS))
    X_len, Y_len = np.array([6, 3, 4, 2]), np.array([6, 2, 5, 3])
    for b in range(B):
        X[b, X_len[b] - 1], Y[b, Y_len[b] - 1] = 3, EOS
        X[b, X_len[b]:], Y[b, Y_len[b]:] = PAD, PAD
    return params, tuple(a.astype(np.int32) for a in (X, X_len, Y, Y_len))


@dataclass(frozen=True)
class ClassicSeq2Seq:
    """The oracle (Seq2Seq's encode and decode) as the older edition computes: the context from
    the decoder's current state (layer ``context_layer``) at each call; the loss per sequence
    ``reduce``d over all num_steps positions, ``masked`` past the valid length or not."""

    context_layer: int = -1
    masked: bool = True
    reduce: str = "mean"

    @property
    def oracle(self) -> Seq2Seq:
        return Seq2Seq(CELL, L)

    def losses(self, params, X, Y, Y_len) -> np.ndarray:
        _, states, _ = self.oracle.encode(params, X)
        tgt_in = np.concatenate([np.full((len(Y), 1), BOS), Y[:, :-1]], axis=1)
        logits, _, _ = self.oracle.decode(params, tgt_in, states[self.context_layer], states)
        per_token = losses.token_losses(logits, Y)                          # (B, T)
        if self.masked:
            per_token = per_token * (np.arange(Y.shape[1])[None, :] < Y_len[:, None])
        return getattr(per_token, self.reduce)(axis=1)

    def translate(self, params, src_ids: list[int]) -> list[int]:
        """Greedy decoding of one source (ids, <eos> and padding included) until <eos>."""
        _, states, _ = self.oracle.encode(params, np.array([src_ids]))
        token, out = BOS, []
        for _ in range(NUM_STEPS):
            logits, states, _ = self.oracle.decode(params, np.array([[token]]),
                                                   states[self.context_layer], states)
            token = int(logits[0, 0].argmax())
            if token == EOS:
                break
            out.append(token)
        return out


@dataclass(frozen=True)
class S2SAnswer:
    losses: np.ndarray       # (B,) MaskedSoftmaxCELoss of each sequence
    translations: tuple[str, ...]


def s2s_expect(oracle: ClassicSeq2Seq = ClassicSeq2Seq()) -> S2SAnswer:
    params, (X, _, Y, Y_len) = s2s_case()
    src_vocab, tgt_vocab = vocabs(classic("torch"))
    out = []
    for sentence in SENTENCES:
        ids = src_vocab[sentence.split(" ")] + [src_vocab["<eos>"]]
        ids = (ids + [PAD] * NUM_STEPS)[:NUM_STEPS]
        out.append(" ".join(tgt_vocab.to_tokens(oracle.translate(params, ids))))
    return S2SAnswer(oracle.losses(params, X, Y, Y_len), tuple(out))


def s2s_check(got: S2SAnswer, want: S2SAnswer) -> None:
    np.testing.assert_allclose(got.losses, want.losses, rtol=1e-5, atol=1e-6, err_msg="loss")
    assert got.translations == want.translations, "predict_seq2seq"


def gru_slots(fw: str) -> tuple[Slot, ...]:
    return importlib.import_module(f"d2lrnn.{fw}.layer_map").GRU


def s2s_table(fw: str, layer: dict[str, tuple[str, str, str]], embedding: str,
              head: tuple[Slot, ...]) -> tuple[Slot, ...]:
    """The model's map to the oracle's names: per part (encoder, decoder), the backend's GRU
    slots of one layer with ``old`` in their tails replaced by ``new.format(l)`` after
    ``scope`` (layer[part] = (old, new, scope)); the embeddings; the decoder's head."""
    from dataclasses import replace
    slots = []
    for part in ("encoder", "decoder"):
        old, new, scope = layer[part]
        slots.append(Slot(f"{part}.{embedding}", f"{part}.W_emb"))
        for l in range(L):
            slots += [replace(s, tail=f"{part}.{scope}" + s.tail.replace(old, new.format(l), 1),
                              canonical=f"{part}.l{l}.{s.canonical}") for s in gru_slots(fw)]
    return (*slots, *(replace(s, tail=f"decoder.{s.tail}", canonical=f"decoder.{s.canonical}")
                      for s in head))


def s2s_run(fw: str) -> S2SAnswer:
    d2l = classic(fw)
    ns = book_cells("seq2seq", fw, (5,))
    src_vocab, tgt_vocab = vocabs(d2l)
    params, batch = s2s_case()
    X, X_len, Y, Y_len = batch
    dec_in = np.concatenate([np.full((B, 1), BOS, np.int32), Y[:, :-1]], axis=1)
    encoder = d2l.Seq2SeqEncoder(len(src_vocab), E, H, L)
    decoder = ns["Seq2SeqDecoder"](len(tgt_vocab), E, H, L)
    net = d2l.EncoderDecoder(encoder, decoder)
    device = d2l.try_gpu()
    if fw == "torch":
        import torch
        table = s2s_table(fw, {p: ("_l0", "_l{}", "") for p in ("encoder", "decoder")},
                          "embedding.weight", (Slot("dense.weight", "W_hq", transpose=True),
                                               Slot("dense.bias", "b_q")))
        named = dict(net.named_parameters())
        values = layer_map.to_framework(params, list(named), table)
        with torch.no_grad():
            for n, p in named.items():
                assert tuple(p.shape) == values[n].shape, n
                p.copy_(torch.from_numpy(values[n]))
        t = lambda a: torch.from_numpy(np.asarray(a, np.int64))  # noqa: E731
        Y_hat, _ = net(t(X), t(dec_in), t(X_len))
        l = d2l.MaskedSoftmaxCELoss()(Y_hat, t(Y), t(Y_len)).detach().numpy()
        predict = lambda s: d2l.predict_seq2seq(net, s, src_vocab, tgt_vocab,  # noqa: E731
                                                NUM_STEPS, device)
    elif fw == "mxnet":
        from mxnet import np as mnp
        t = lambda a: mnp.array(np.asarray(a, np.float32))  # noqa: E731
        net.initialize()
        net(t(X), t(dec_in), t(X_len))  # Gluon's deferred shapes
        named = list(net._collect_params_with_prefix().items())  # encoder.rnn._unfused.0.i2h_weight
        table = s2s_table(fw, {p: ("_unfused.0.", "_unfused.{}.", "rnn.")
                               for p in ("encoder", "decoder")},
                          "embedding.weight", (Slot("dense.weight", "W_hq", transpose=True),
                                               Slot("dense.bias", "b_q")))
        values = layer_map.to_framework(params, [n for n, _ in named], table)
        for n, p in named:
            assert tuple(p.shape) == values[n].shape, n
            p.set_data(mnp.array(values[n]))
        Y_hat, _ = net(t(X), t(dec_in), t(X_len))
        l = d2l.MaskedSoftmaxCELoss()(Y_hat, t(Y), t(Y_len)).asnumpy()
        predict = lambda s: d2l.predict_seq2seq(net, s, src_vocab, tgt_vocab,  # noqa: E731
                                                NUM_STEPS, device)
    elif fw == "tensorflow":
        import tensorflow as tf
        t = tf.constant
        net(t(X), t(dec_in), t(X_len))  # Keras layers make their weights at the first call
        variables = {}
        for part in ("encoder", "decoder"):
            layer = getattr(net, part)
            variables[f"{part}.embedding.embeddings"] = layer.embedding.embeddings
            for i, c in enumerate(layer.rnn.cell.cells):
                for w in ("kernel", "recurrent_kernel", "bias"):
                    variables[f"{part}.rnn.cell.cells.{i}.{w}"] = getattr(c, w)
        for w in ("kernel", "bias"):
            variables[f"decoder.dense.{w}"] = getattr(net.decoder.dense, w)
        assert {id(getattr(v, "value", v)) for v in variables.values()} == {
            id(getattr(v, "value", v)) for v in net.trainable_variables}
        table = s2s_table(fw, {p: ("rnn.", "cells.{}.", "rnn.cell.")
                               for p in ("encoder", "decoder")},
                          "embedding.embeddings", (Slot("dense.kernel", "W_hq"),
                                                   Slot("dense.bias", "b_q")))
        values = layer_map.to_framework(params, list(variables), table)
        for n, v in variables.items():
            assert tuple(v.shape) == values[n].shape, n
            v.assign(values[n])
        Y_hat, _ = net(t(X), t(dec_in), t(X_len), training=False)
        l = d2l.MaskedSoftmaxCELoss(t(Y_len))(t(Y), Y_hat).numpy()
        predict = lambda s: d2l.predict_seq2seq(net, s, src_vocab, tgt_vocab,  # noqa: E731
                                                NUM_STEPS)
    else:
        import jax
        import jax.numpy as jnp

        from d2lrnn.jax.module import named_leaves
        table = s2s_table(fw, {"encoder": ("cell.", "cell{}.", "rnn."),
                               "decoder": ("cell.", "rnn.{}.cell.", "")},
                          "embedding.embedding", (Slot("dense.kernel", "W_hq"),
                                                  Slot("dense.bias", "b_q")))
        # encoder/params/rnn/cell0/ir/kernel -> encoder/rnn/cell0/ir/kernel
        named = [(n.replace("/params/", "/", 1), v) for n, v in named_leaves(net.params)]
        values = layer_map.to_framework(params, [n for n, _ in named], table)
        for n, v in named:
            assert tuple(v.shape) == values[n].shape, n
        net.params = jax.tree_util.tree_unflatten(
            jax.tree_util.tree_structure(net.params), [jnp.asarray(values[n]) for n, _ in named])
        t = jnp.asarray
        Y_hat, _ = net(t(X), t(dec_in), t(X_len))
        l = np.asarray(d2l.MaskedSoftmaxCELoss()(Y_hat, t(Y), t(Y_len)))
        predict = lambda s: d2l.predict_seq2seq(net, s, src_vocab, tgt_vocab,  # noqa: E731
                                                NUM_STEPS, device)
    return S2SAnswer(np.asarray(l, np.float64), tuple(predict(s)[0] for s in SENTENCES))


@pytest.fixture(scope="module", params=FWS)
def s2s_got(request):
    return s2s_run(request.param)


def test_seq2seq_matches_the_oracle(s2s_got):
    want = s2s_expect()
    # the case's premises: padding in the labels, translations of more than one token, the
    # encoder's layers end in different states
    _, (X, _, Y, _) = s2s_case()
    assert 0 < (Y == PAD).sum()
    assert sum(len(s.split()) for s in want.translations) > len(SENTENCES)
    s2s_check(s2s_got, want)


S2S_FAULTS = {"unmasked loss": (ClassicSeq2Seq(masked=False), "loss"),
              "summed loss": (ClassicSeq2Seq(reduce="sum"), "loss"),
              "context from layer 0": (ClassicSeq2Seq(context_layer=0), "loss")}


@pytest.mark.parametrize("fault", list(S2S_FAULTS))
def test_seq2seq_fault_is_caught(s2s_got, fault):
    oracle, part = S2S_FAULTS[fault]
    with pytest.raises(AssertionError, match=part):
        s2s_check(s2s_got, s2s_expect(oracle))


def test_wrong_context_changes_the_translations_too():
    """The layer-0 context also changes greedy decoding in this case (not only the loss)."""
    assert s2s_expect(ClassicSeq2Seq(context_layer=0)).translations != \
        s2s_expect().translations

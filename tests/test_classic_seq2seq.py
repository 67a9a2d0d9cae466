"""The older edition's chapter-9 sequence-to-sequence API on every backend (``d2l.Encoder``,
``Decoder``, ``EncoderDecoder``, ``Seq2SeqEncoder``, ``sequence_mask``, ``MaskedSoftmaxCELoss``,
``train_seq2seq``, ``predict_seq2seq``, ``bleu``): the values each tab printed (shapes, the two
masks, the masked loss of the book's inputs, BLEU), the masked loss against NumPy, a short
training whose loss falls, translations made of target tokens, attention weights on request,
and bad input named before any framework runs. The decoder is each tab's own cell
(``tests/book/classic/seq2seq_<tab>.py``: the book does not save it). The loops' logic is also
checked without a framework, over stand-in hooks."""

from __future__ import annotations

import functools
import importlib
import inspect
import math
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from d2lrnn.classic import seq2seq as s2s
from d2lrnn.classic.text import Vocab
from d2lrnn.core.trainer import TrainingDivergedError

BOOK = Path(__file__).parent / "book" / "classic"
TABS = {"torch": "pytorch", "mxnet": "mxnet", "tensorflow": "tensorflow", "jax": "jax"}

#: the book's decoder, keeping attention weights as chapter 10's decoders do
ATTENTION = {
    "torch": """
class AttentionDecoder(Seq2SeqDecoder):
    def forward(self, X, state):
        output, state = super().forward(X, state)
        self.attention_weights = output[0, -1, :3]
        return output, state
""",
    "tensorflow": """
class AttentionDecoder(Seq2SeqDecoder):
    def call(self, X, state, **kwargs):
        output, state = super().call(X, state, **kwargs)
        self.attention_weights = output[0, -1, :3]
        return output, state
""",
    "jax": """
class AttentionDecoder(Seq2SeqDecoder):
    def __call__(self, X, state, training=False):
        output, state = super().__call__(X, state, training)
        self.sow('intermediates', 'attention_weights', output[0, -1, :3])
        return output, state
""",
}
ATTENTION["mxnet"] = ATTENTION["torch"]

#: what each tab printed: the encoder's output shape and state shapes (also the decoder's)
SHAPES = {"torch": ((7, 4, 16), [(2, 4, 16)]), "mxnet": ((7, 4, 16), [(2, 4, 16)]),
          "tensorflow": ((4, 7, 16), [(4, 16), (4, 16)]), "jax": ((7, 4, 16), [(2, 4, 16)])}

#: each tab's token dtype in its demos, and how it runs a model in them
TOKENS = {"torch": "int64", "mxnet": "float32", "tensorflow": "float32", "jax": "int32"}
BUILD = {"mxnet": lambda net: net.initialize(), "torch": lambda net: net.eval()}
ENCODE = {"tensorflow": lambda net, X: net.encoder(X, training=False),
          "jax": lambda net, X: jax_jit(net.encoder.apply)(net.params["encoder"], X)}
FORWARD = {"tensorflow": lambda net, X: net(X, X, training=False)}


def jax_jit(fn):
    import jax
    return jax.jit(fn)


def masked_loss(backend, d2l, pred, label, valid_len):
    """The tab's call: ``MaskedSoftmaxCELoss()(pred, label, valid_len)``; TensorFlow's is a
    Keras loss built with the valid lengths, called as (label, pred)."""
    if backend == "tensorflow":
        return d2l.MaskedSoftmaxCELoss(valid_len)(label, pred)
    return d2l.MaskedSoftmaxCELoss()(pred, label, valid_len)


def book_namespace(backend: str) -> dict:
    """The tab's imports and its ``Seq2SeqDecoder`` cell, and ``AttentionDecoder``."""
    source = (BOOK / f"seq2seq_{TABS[backend]}.py").read_text()
    prelude, *cells = re.split(r"^# %% cell \d+\n", source, flags=re.M)
    namespace: dict = {}
    exec(prelude + cells[0], namespace)  # _show, then the tab's imports
    exec(next(c for c in cells if c.startswith("class Seq2SeqDecoder")), namespace)
    exec(ATTENTION[backend], namespace)
    return namespace


class Kit:
    """One backend's module, the book's decoder, the data and a small model (built once)."""

    def __init__(self, backend: str) -> None:
        self.backend = backend
        self.d2l = importlib.import_module(f"d2lrnn.classic.{backend}")
        self.d2l.seed(0)
        self.ns = book_namespace(backend)
        self.device = self.d2l.try_gpu()
        self.data, self.src_vocab, self.tgt_vocab = self.d2l.load_data_nmt(64, 10)
        self.hooks = self.d2l._seq2seq_hooks

    def tokens(self, shape):
        return self.d2l.zeros(shape, dtype=getattr(self.d2l, TOKENS[self.backend]))

    def build(self, net):
        BUILD.get(self.backend, lambda net: None)(net)
        return net

    def encode(self, net, X):
        return ENCODE.get(self.backend, lambda net, X: net.encoder(X))(net, X)

    def forward(self, net, X):
        return FORWARD.get(self.backend, lambda net, X: net(X, X))(net, X)

    def small_net(self, decoder: str = "Seq2SeqDecoder"):
        encoder = self.d2l.Seq2SeqEncoder(len(self.src_vocab), 8, 16, 1)
        decoder = self.ns[decoder](len(self.tgt_vocab), 8, 16, 1)
        return self.build(self.d2l.EncoderDecoder(encoder, decoder))

    @functools.cached_property
    def net(self):
        return self.small_net()

    def predict(self, net, sentence, num_steps, **kwargs):
        """The tab's call (TensorFlow's takes no device)."""
        args = [net, sentence, self.src_vocab, self.tgt_vocab, num_steps]
        if "device" in inspect.signature(self.d2l.predict_seq2seq).parameters:
            args.append(self.device)
        return self.d2l.predict_seq2seq(*args, **kwargs)


_KITS: dict[str, Kit] = {}


@pytest.fixture
def kit(backend: str) -> Kit:
    if backend not in _KITS:
        _KITS[backend] = Kit(backend)
    return _KITS[backend]


def shapes(state) -> list[tuple[int, ...]]:
    return [tuple(state.shape)] if hasattr(state, "shape") else [tuple(s.shape) for s in state]


def host(d2l, x) -> np.ndarray:
    return np.asarray(d2l.numpy(x))


# -- the book's printed values ---------------------------------------------------------------
def test_encoder_and_decoder_shapes(kit):
    d2l = kit.d2l
    assert issubclass(d2l.Seq2SeqEncoder, d2l.Encoder)
    assert issubclass(kit.ns["Seq2SeqDecoder"], d2l.Decoder)
    encoder = d2l.Seq2SeqEncoder(vocab_size=10, embed_size=8, num_hiddens=16, num_layers=2)
    decoder = kit.ns["Seq2SeqDecoder"](vocab_size=10, embed_size=8, num_hiddens=16,
                                       num_layers=2)
    net = kit.build(d2l.EncoderDecoder(encoder, decoder))
    X = kit.tokens((4, 7))
    output, state = kit.encode(net, X)
    assert (tuple(output.shape), shapes(state)) == SHAPES[kit.backend]
    # the book's EncoderDecoder returns what the decoder returns: (output, state)
    output, state = kit.forward(net, X)
    assert tuple(output.shape) == (4, 7, 10)
    assert shapes(state) == SHAPES[kit.backend][1]


def test_sequence_mask(kit):
    d2l = kit.d2l
    X = d2l.tensor([[1, 2, 3], [4, 5, 6]])
    np.testing.assert_array_equal(host(d2l, d2l.sequence_mask(X, d2l.tensor([1, 2]))),
                                  [[1, 0, 0], [4, 5, 0]])
    X = d2l.ones((2, 3, 4))
    expected = np.ones((2, 3, 4))
    expected[0, 1:], expected[1, 2:] = -1, -1
    np.testing.assert_array_equal(
        host(d2l, d2l.sequence_mask(X, d2l.tensor([1, 2]), value=-1)), expected)


def test_masked_softmax_ce_loss(kit):
    d2l = kit.d2l
    label = d2l.astype(d2l.ones((3, 4)), d2l.int32 if kit.backend != "torch" else d2l.int64)
    l = masked_loss(kit.backend, d2l, d2l.ones((3, 4, 10)), label, d2l.tensor([4, 2, 0]))
    np.testing.assert_allclose(host(d2l, l), [2.3026, 1.1513, 0.0], atol=1e-4)
    # random logits: per sequence, the mean over all its steps of the cross-entropy of the
    # steps within its valid length
    rng = np.random.default_rng(0)
    pred = rng.normal(size=(3, 5, 7)).astype(np.float32)
    label = rng.integers(0, 7, size=(3, 5))
    valid_len = np.array([5, 3, 1])
    logp = pred - np.log(np.exp(pred).sum(-1, keepdims=True))
    ce = -np.take_along_axis(logp, label[..., None], -1)[..., 0]
    expected = (ce * (np.arange(5)[None, :] < valid_len[:, None])).mean(axis=1)
    l = masked_loss(kit.backend, d2l, d2l.tensor(pred), d2l.tensor(label),
                    d2l.tensor(valid_len))
    np.testing.assert_allclose(host(d2l, l), expected, rtol=1e-5, atol=1e-6)


def test_bleu(kit):
    bleu = kit.d2l.bleu
    assert bleu("va !", "va !", k=2) == 1.0
    # the book's printed scores
    assert bleu("il est bon question !", "il est calme .", k=2) == pytest.approx(0.447, abs=5e-4)
    assert bleu("je suis ici <unk> .", "je suis chez moi .", k=2) == pytest.approx(0.548,
                                                                                   abs=5e-4)
    assert bleu("je suis <unk> .", "je suis chez moi .", k=2) == pytest.approx(0.512, abs=5e-4)
    assert bleu("il court est mort .", "il est calme .", k=2) == 0.0
    # the section's example: p1 = 4/5, p2 = 3/4, p3 = 1/3, weighted 1/2**n, with the penalty
    assert bleu("A B B C D", "A B C D E F", k=3) == pytest.approx(
        math.exp(1 - 6 / 5) * (4 / 5) ** 0.5 * (3 / 4) ** 0.25 * (1 / 3) ** 0.125)
    assert bleu("A B B C D", "A B C D E F", k=4) == 0.0  # p4 = 0


# -- training and prediction -----------------------------------------------------------------
def test_train_seq2seq_loss_falls_and_predict_gives_target_tokens(kit, capsys):
    d2l, net = kit.d2l, kit.net
    assert d2l.train_seq2seq(net, kit.data, 0.02, 4, kit.tgt_vocab, kit.device) is None
    losses = s2s.last_run.losses
    # per token: the sum over sequences of their mean over the 10 steps (padding counting 0),
    # divided by the number of target tokens: an untrained model's ln(len(tgt_vocab)) / 10
    assert 0.25 < losses[0] < 0.7, losses
    assert losses[-1] < 0.8 * losses[0], losses
    out = capsys.readouterr().out
    assert re.fullmatch(rf"loss {losses[-1]:.3f}, \d+\.\d tokens/sec on \S+\n", out), out
    for sentence in ("go .", "i lost .", "he's calm .", "i'm home ."):
        translation, attention_weights = kit.predict(net, sentence, 10)
        assert isinstance(translation, str) and attention_weights == []
        tokens = translation.split(" ") if translation else []
        assert len(tokens) <= 10 and "<eos>" not in tokens
        assert all(t in kit.tgt_vocab.token_to_idx for t in tokens), translation


def test_predict_keeps_the_attention_weights_on_request(kit):
    net = kit.small_net("AttentionDecoder")
    for num_steps in (1, 6):
        translation, weights = kit.predict(net, "i lost .", num_steps,
                                           save_attention_weights=True)
        tokens = translation.split(" ") if translation else []
        # one per step, the step that gave <eos> included
        assert len(weights) == (len(tokens) + 1 if len(tokens) < num_steps else num_steps)
        assert all(tuple(w.shape) == (3,) for w in weights)
    with pytest.raises(AttributeError, match="save_attention_weights"):
        kit.predict(kit.net, "go .", 3, save_attention_weights=True)


# -- bad input ---------------------------------------------------------------------------------
def _framework_must_not_run(*args, **kwargs):
    raise AssertionError("a framework ran before the arguments were checked")


def test_bad_input_is_named_before_a_framework_runs(kit, monkeypatch):
    d2l, net = kit.d2l, kit.net
    for hook in ("prepare", "step", "begin_decoding", "decode_step"):
        monkeypatch.setattr(kit.hooks, hook, _framework_must_not_run)
    # as many tokens as the target vocabulary, but no <bos>
    no_bos = Vocab([[f"w{i}" for i in range(len(kit.tgt_vocab) - 3)]],
                   reserved_tokens=["<pad>", "<eos>"])
    assert len(no_bos) == len(kit.tgt_vocab)
    predict = {"num_steps": [0, "10", 2.5], "src_sentence": ["", None, ["go", "."]],
               "net": [object(), d2l.EncoderDecoder], "save_attention_weights": ["yes"],
               "tgt_vocab": [no_bos, "fr"], "src_vocab": [kit.tgt_vocab]}
    for name, values in predict.items():
        for value in values:
            kwargs = {"net": net, "src_sentence": "go .", "src_vocab": kit.src_vocab,
                      "tgt_vocab": kit.tgt_vocab, "num_steps": 10, name: value}
            with pytest.raises((TypeError, ValueError), match=rf"\b{name}\b"):
                s2s.predict_seq2seq(kit.hooks, **kwargs, device=kit.device)
    train = {"lr": [0, -1, "0.01", float("nan")], "num_epochs": [0, 2.0],
             "net": [object(), d2l.EncoderDecoder], "data_iter": ["abc", iter([])],
             "tgt_vocab": [no_bos, kit.src_vocab]}
    for name, values in train.items():
        for value in values:
            kwargs = {"net": net, "data_iter": kit.data, "lr": 0.01, "num_epochs": 2,
                      "tgt_vocab": kit.tgt_vocab, name: value}
            with pytest.raises((TypeError, ValueError), match=rf"\b{name}\b"):
                d2l.train_seq2seq(**kwargs, device=kit.device)
    with pytest.raises(ValueError, match="tgt_vocab has no '<bos>' token"):
        d2l.train_seq2seq(net, kit.data, 0.01, 2, no_bos, kit.device)
    with pytest.raises(ValueError, match="tgt_vocab has no '<bos>' token"):
        s2s.predict_seq2seq(kit.hooks, net, "go .", kit.src_vocab, no_bos, 10, kit.device)
    # the public predict_seq2seq checks the same way
    with pytest.raises(ValueError, match="num_steps"):
        kit.predict(net, "go .", 0)


# -- the loops without a framework -----------------------------------------------------------
def test_the_shared_loops_import_no_framework():
    code = ("import sys, d2lrnn.classic.seq2seq; print(sorted(m for m in ('torch', 'mxnet', "
            "'tensorflow', 'keras', 'jax', 'flax', 'optax') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


class ScriptedHooks(s2s.Seq2SeqHooks):
    """Stand-in hooks: the decoder predicts ``script`` token by token."""

    def __init__(self, script=(), steps=()):
        self.script, self.steps, self.fed, self.encoded = list(script), list(steps), [], []

    def prepare(self, net, lr, device, batch):
        return "optimizer"

    def step(self, net, optimizer, batch, bos, device):
        return self.steps.pop(0)

    def begin_decoding(self, net, src_tokens, enc_valid_len, device):
        self.encoded.append((src_tokens, enc_valid_len))
        return 0

    def decode_step(self, net, token, state, device):
        self.fed.append(token)
        return self.script[state], state + 1

    def attention_weights(self, net):
        return f"step {len(self.fed)}"


class StandInDecoder:
    def init_state(self, enc_outputs, *args):
        return enc_outputs

    def __call__(self, X, state):
        return X, state


def stand_in_net():
    return SimpleNamespace(encoder=lambda *args: args, decoder=StandInDecoder())


def test_teacher_forcing_feeds_bos_then_the_labels_but_the_last():
    ops = SimpleNamespace(concat=np.concatenate)
    Y = np.array([[5, 6, 7], [8, 9, 3]])
    np.testing.assert_array_equal(s2s.teacher_forcing(ops, Y, 2), [[2, 5, 6], [2, 8, 9]])


def test_predict_loop_stops_at_eos_and_pads_the_source():
    vocab = Vocab([["go", ".", "va", "!"]], reserved_tokens=["<pad>", "<bos>", "<eos>"])
    bos, eos, pad = vocab["<bos>"], vocab["<eos>"], vocab["<pad>"]
    hooks = ScriptedHooks([vocab["va"], vocab["!"], eos, vocab["va"]])
    translation, weights = s2s.predict_seq2seq(hooks, stand_in_net(), "Go .", vocab, vocab, 6,
                                               None, save_attention_weights=True)
    assert translation == "va !"
    assert weights == ["step 1", "step 2", "step 3"]  # the <eos> step's included
    assert hooks.fed == [bos, vocab["va"], vocab["!"]]  # <bos>, then each prediction
    # lower-cased, <eos> appended, padded to num_steps; the valid length before padding
    assert hooks.encoded == [([vocab["go"], vocab["."], eos, pad, pad, pad], 3)]
    # truncated to num_steps, the valid length still counts every token (the book's)
    hooks = ScriptedHooks([vocab["va"]] * 2)
    assert s2s.predict_seq2seq(hooks, stand_in_net(), "go .", vocab, vocab, 2, None) == (
        "va va", [])
    assert hooks.encoded == [([vocab["go"], vocab["."]], 3)]


def test_train_loop_averages_over_tokens_and_reports(capsys):
    vocab = Vocab([["a", "b"]], reserved_tokens=["<pad>", "<bos>", "<eos>"])
    batch = (np.zeros((2, 3), np.int64), np.array([3, 3]), np.ones((2, 3), np.int64),
             np.array([2, 1]))
    hooks = ScriptedHooks(steps=[(3.0, 2), (1.0, 2), (2.0, 4), (0.0, 4)])
    run = s2s.train_seq2seq(hooks, stand_in_net(), [batch, batch], 0.1, 2, vocab, "cpu")
    assert run.losses == [1.0, 0.25]  # (3 + 1) / (2 + 2), then (2 + 0) / (4 + 4)
    assert re.fullmatch(r"loss 0\.250, [\d.]+ tokens/sec on cpu\n", capsys.readouterr().out)
    hooks = ScriptedHooks(steps=[(float("nan"), 2), (1.0, 2)])
    with pytest.raises(TrainingDivergedError, match="lr"):
        s2s.train_seq2seq(hooks, stand_in_net(), [batch, batch], 0.1, 1, vocab, "cpu")
    with pytest.raises(ValueError, match="data_iter"):  # Y beyond the target vocabulary
        bad = (batch[0], batch[1], np.full((2, 3), len(vocab)), batch[3])
        s2s.train_seq2seq(ScriptedHooks(), stand_in_net(), [bad], 0.1, 1, vocab, "cpu")

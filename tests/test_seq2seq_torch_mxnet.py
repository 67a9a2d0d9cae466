"""The book's Seq2Seq (section "Sequence-to-Sequence Learning for Machine Translation") on
torch and MXNet against the NumPy oracle (``d2lrnn/core/reference/seq2seq.py``): d2l's
Seq2SeqEncoder and Seq2Seq with the book's Seq2SeqDecoder (the section's cell, which the book
does not save), given the oracle's weights, compute its masked loss, its gradients and its
greedy translation. Each backend's model is built and run once (a module-scoped fixture); the
fault-injection tests then show that the comparison rejects a faulty oracle (the case, the
comparison and the faults: tests/test_seq2seq_oracle.py)."""

from __future__ import annotations

import dataclasses
import importlib

import numpy as np
import pytest
import test_seq2seq_oracle as s2s
from test_seq2seq_oracle import NUM_STEPS, PAD, T_SRC, V_SRC, V_TGT, B, E, H, L

from d2lrnn.core import layer_map
from d2lrnn.core.layer_map import Slot


def _table(gru: tuple[Slot, ...], layer_tail: str, fmt: str, scope: str) -> tuple[Slot, ...]:
    """The Seq2Seq's map: the backend's GRU slots (layer 0, ``layer_tail`` in their tails;
    the layer's path in d2l.GRU after ``scope``) for every layer of the encoder's and the
    decoder's ``rnn``, their embeddings and the decoder's dense head, under the oracle's names
    (``encoder.l1.W_xr``...)."""
    slots = []
    for part in ("encoder", "decoder"):
        slots.append(Slot(f"{part}.embedding.weight", f"{part}.W_emb"))
        for l in range(L):
            slots += [dataclasses.replace(
                s, tail=f"{part}.{scope}" + s.tail.replace(layer_tail, fmt.format(l)),
                canonical=f"{part}.l{l}.{s.canonical}") for s in gru]
    return (*slots, Slot("decoder.dense.weight", "decoder.W_hq", transpose=True),
            Slot("decoder.dense.bias", "decoder.b_q"))


# -- torch ---------------------------------------------------------------------------------
def _torch():
    import torch
    from torch import nn

    from d2lrnn import torch as d2l
    from d2lrnn.torch.layer_map import GRU

    class Seq2SeqDecoder(d2l.Decoder):  # the book's cell
        def __init__(self, vocab_size, embed_size, num_hiddens, num_layers, dropout=0):
            super().__init__()
            self.embedding = nn.Embedding(vocab_size, embed_size)
            self.rnn = d2l.GRU(embed_size + num_hiddens, num_hiddens, num_layers, dropout)
            self.dense = nn.LazyLinear(vocab_size)
            self.apply(d2l.init_seq2seq)

        def init_state(self, enc_all_outputs, *args):
            return enc_all_outputs

        def forward(self, X, state):
            embs = self.embedding(d2l.astype(d2l.transpose(X), d2l.int32))
            enc_output, hidden_state = state
            context = enc_output[-1].repeat(embs.shape[0], 1, 1)
            embs_and_context = d2l.concat((embs, context), -1)
            outputs, hidden_state = self.rnn(embs_and_context, hidden_state)
            return d2l.swapaxes(self.dense(outputs), 0, 1), [enc_output, hidden_state]

    model = d2l.Seq2Seq(d2l.Seq2SeqEncoder(V_SRC, E, H, L),
                        Seq2SeqDecoder(V_TGT, E, H, L), tgt_pad=PAD, lr=0.005)
    table = _table(GRU, "_l0", "_l{}", "rnn.")  # tails rnn.weight_ih_l0
    tensor = lambda a: torch.from_numpy(np.asarray(a, np.int64))  # as d2l's data gives torch

    def run(params, batch):
        batch = [tensor(a) for a in batch]
        model(*batch[:-1])  # the LazyLinear gets its weight
        named = dict(model.named_parameters())
        values = layer_map.to_framework(params, list(named), table)
        with torch.no_grad():
            for n, p in named.items():
                assert tuple(p.shape) == values[n].shape, n
                p.copy_(torch.from_numpy(values[n]))
        model.zero_grad()
        loss = model.loss(model(*batch[:-1]), batch[-1])
        loss.backward()
        grads = layer_map.grads_to_canonical(
            ((n, p.grad.numpy()) for n, p in named.items()), table)
        preds, _ = model.predict_step(batch, d2l.cpu(), NUM_STEPS)
        return s2s.Answer(float(loss.detach()), grads, preds.numpy())

    return run


# -- MXNet ---------------------------------------------------------------------------------
def _mxnet():
    # isort: off
    from d2lrnn import mxnet as d2l
    from d2lrnn.mxnet.layer_map import GRU
    from mxnet import autograd, np as mnp  # after d2lrnn.mxnet: the compat step
    from mxnet.gluon import nn
    # isort: on

    class Seq2SeqDecoder(d2l.Decoder):  # the book's cell
        def __init__(self, vocab_size, embed_size, num_hiddens, num_layers, dropout=0):
            super().__init__()
            self.embedding = nn.Embedding(vocab_size, embed_size)
            self.rnn = d2l.GRU(num_hiddens, num_layers, dropout)
            self.dense = nn.Dense(vocab_size, flatten=False)
            self.initialize()

        def init_state(self, enc_all_outputs, *args):
            return enc_all_outputs

        def forward(self, X, state):
            embs = self.embedding(d2l.transpose(X))
            enc_output, hidden_state = state
            context = mnp.tile(enc_output[-1], (embs.shape[0], 1, 1))
            embs_and_context = d2l.concat((embs, context), -1)
            outputs, hidden_state = self.rnn(embs_and_context, hidden_state)
            return d2l.swapaxes(self.dense(outputs), 0, 1), [enc_output, hidden_state]

    model = d2l.Seq2Seq(d2l.Seq2SeqEncoder(V_SRC, E, H, L),
                        Seq2SeqDecoder(V_TGT, E, H, L), tgt_pad=PAD, lr=0.005)
    table = _table(GRU, "_unfused.0.", "_unfused.{}.", "rnn.rnn.")

    def run(params, batch):
        batch = [d2l.tensor(a) for a in batch]
        model(*batch[:-1])  # Gluon's deferred shapes
        named = model.named_arrays()
        values = layer_map.to_framework(params, [n for n, _ in named], table)
        for n, a in named:
            assert tuple(a.shape) == values[n].shape, n
            a[:] = mnp.array(values[n])
        with autograd.record():
            loss = model.loss(model(*batch[:-1]), batch[-1])
        loss.backward()
        grads = layer_map.grads_to_canonical(((n, a.grad.asnumpy()) for n, a in named), table)
        preds, _ = model.predict_step(batch, d2l.cpu(), NUM_STEPS)
        return s2s.Answer(float(loss), grads, preds.asnumpy())

    return run


@pytest.fixture(scope="module", params=["torch", "mxnet"])
def got(request) -> s2s.Answer:
    """The backend's answer on the case: its model built and run once."""
    run = {"torch": _torch, "mxnet": _mxnet}[request.param]()
    return run(*s2s.case())


def test_seq2seq_matches_the_oracle(got):
    s2s.assert_matches(got, s2s.expected())


# -- fault injections: each must make the comparison above fail -----------------------------
@pytest.mark.parametrize("fault", list(s2s.FAULTS))
def test_fault_is_caught(got, fault):
    assert s2s.deviations(got, s2s.expected(fault)) == s2s.FAULTS[fault]


@pytest.mark.parametrize("backend", ["torch", "mxnet"])
def test_library_classes_follow_the_book(backend):
    d2l = importlib.import_module(f"d2lrnn.{backend}")
    assert issubclass(d2l.EncoderDecoder, d2l.Classifier)
    assert issubclass(d2l.Seq2Seq, d2l.EncoderDecoder)
    assert issubclass(d2l.Seq2SeqEncoder, d2l.Encoder)
    encoder = d2l.Seq2SeqEncoder(V_SRC, E, H, L)
    outputs, state = encoder(d2l.zeros((B, T_SRC)))
    d2l.check_shape(outputs, (T_SRC, B, H))
    d2l.check_shape(state, (L, B, H))
    with pytest.raises(NotImplementedError, match="init_state"):
        d2l.Decoder().init_state(None)
    with pytest.raises(TypeError, match="build one first"):
        d2l.Seq2Seq(d2l.Seq2SeqEncoder, encoder, tgt_pad=PAD, lr=0.1)
    with pytest.raises(TypeError, match="init_state"):
        d2l.Seq2Seq(encoder, encoder, tgt_pad=PAD, lr=0.1)
    with pytest.raises(TypeError, match="batch must be"):
        d2l.EncoderDecoder(encoder, d2l.Decoder()).predict_step(
            (d2l.zeros((B, T_SRC)),), d2l.cpu(), NUM_STEPS)

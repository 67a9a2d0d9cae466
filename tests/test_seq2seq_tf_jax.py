"""The book's Seq2Seq (section "Sequence-to-Sequence Learning for Machine Translation") on
TensorFlow (Keras 3) and JAX (Flax linen) against the NumPy oracle
(``d2lrnn/core/reference/seq2seq.py``): d2l's Seq2SeqEncoder and Seq2Seq with the book's
Seq2SeqDecoder (the section's cell of each tab, which the book does not save), given the oracle's
weights, compute its masked loss, its gradients and its greedy translation. Each backend's model
is built and run once (a module-scoped fixture); the fault-injection tests then show that the
comparison rejects a faulty oracle (the case, the comparison and the faults:
tests/test_seq2seq_oracle.py)."""

from __future__ import annotations

import dataclasses
import importlib

import numpy as np
import pytest
import test_seq2seq_oracle as s2s
from test_seq2seq_oracle import NUM_STEPS, PAD, T_SRC, V_SRC, V_TGT, B, E, H, L

from d2lrnn.core import layer_map
from d2lrnn.core.layer_map import Slot


def _table(gru: tuple[Slot, ...], layer_tail: str, fmt: str, scope: str, embedding: str,
           dense: str) -> tuple[Slot, ...]:
    """The Seq2Seq's map: the backend's GRU slots (one layer, ``layer_tail`` in their tails,
    becoming ``fmt.format(l)`` for layer l of d2l.GRU, whose path follows ``scope``) for every
    layer of the encoder's and the decoder's ``rnn``, their embeddings (weight ``embedding``)
    and the decoder's dense head (``dense.kernel``, ``dense.bias``: Keras and Flax keep W_hq
    (H, V) as it is), under the oracle's names (``encoder.l1.W_xr``...)."""
    slots = []
    for part in ("encoder", "decoder"):
        slots.append(Slot(f"{part}.embedding.{embedding}", f"{part}.W_emb"))
        for l in range(L):
            slots += [dataclasses.replace(
                s, tail=f"{part}.{scope}" + s.tail.replace(layer_tail, fmt.format(l), 1),
                canonical=f"{part}.l{l}.{s.canonical}") for s in gru]
    return (*slots, Slot(f"decoder.{dense}.kernel", "decoder.W_hq"),
            Slot(f"decoder.{dense}.bias", "decoder.b_q"))


# -- TensorFlow ----------------------------------------------------------------------------
def _tensorflow():
    import tensorflow as tf

    from d2lrnn import tensorflow as d2l
    from d2lrnn.tensorflow.layer_map import GRU

    class Seq2SeqDecoder(d2l.Decoder):  # the book's cell
        def __init__(self, vocab_size, embed_size, num_hiddens, num_layers, dropout=0):
            super().__init__()
            self.embedding = tf.keras.layers.Embedding(vocab_size, embed_size)
            self.rnn = d2l.GRU(num_hiddens, num_layers, dropout)
            self.dense = tf.keras.layers.Dense(vocab_size)

        def init_state(self, enc_all_outputs, *args):
            return enc_all_outputs

        def call(self, X, state):
            embs = self.embedding(d2l.transpose(X))
            enc_output, hidden_state = state
            context = enc_output[-1]
            context = tf.tile(tf.expand_dims(context, 0), (embs.shape[0], 1, 1))
            embs_and_context = d2l.concat((embs, context), -1)
            outputs, hidden_state = self.rnn(embs_and_context, hidden_state)
            outputs = d2l.transpose(self.dense(outputs), (1, 0, 2))
            return outputs, [enc_output, hidden_state]

    model = d2l.Seq2Seq(d2l.Seq2SeqEncoder(V_SRC, E, H, L),
                        Seq2SeqDecoder(V_TGT, E, H, L), tgt_pad=PAD, lr=0.005)
    # Keras 3 stacks d2l.GRU's cells in the RNN layer's cell: rnn.rnn.cell.cells[l].kernel
    table = _table(GRU, "rnn.", "cells.{}.", "rnn.rnn.cell.", "embeddings", "dense")

    def named() -> dict[str, tf.Variable]:
        out = {}
        for part in ("encoder", "decoder"):
            layer = getattr(model, part)
            out[f"{part}.embedding.embeddings"] = layer.embedding.embeddings
            for l, cell in enumerate(layer.rnn.rnn.cell.cells):
                for w in ("kernel", "recurrent_kernel", "bias"):
                    out[f"{part}.rnn.rnn.cell.cells.{l}.{w}"] = getattr(cell, w)
        for w in ("kernel", "bias"):
            out[f"decoder.dense.{w}"] = getattr(model.decoder.dense, w)
        return {n: getattr(v, "value", v) for n, v in out.items()}  # the tf.Variables

    def run(params, batch):
        batch = [tf.constant(a) for a in batch]
        model(*batch[:-1])  # Keras layers make their weights at the first call
        variables = named()
        # the weights d2l.GRU keeps inside the Keras encoder and decoder are trained too
        assert {id(v) for v in model.trainable_variables} == {id(v) for v in variables.values()}
        values = layer_map.to_framework(params, list(variables), table)
        for n, v in variables.items():
            assert tuple(v.shape) == values[n].shape, n
            v.assign(values[n])
        with tf.GradientTape() as tape:
            loss = model.loss(model(*batch[:-1]), batch[-1])
        grads = tape.gradient(loss, list(variables.values()))
        grads = layer_map.grads_to_canonical(
            ((n, tf.convert_to_tensor(g).numpy()) for n, g in zip(variables, grads, strict=True)),
            table)
        preds, _ = model.predict_step(batch, d2l.cpu(), NUM_STEPS)
        return s2s.Answer(float(loss), grads, preds.numpy())

    return run


# -- JAX -----------------------------------------------------------------------------------
def _jax():
    import jax
    from flax import linen as nn
    from jax import numpy as jnp

    from d2lrnn import jax as d2l
    from d2lrnn.jax.layer_map import GRU
    from d2lrnn.jax.module import named_leaves

    class Seq2SeqDecoder(d2l.Decoder):  # the book's cell
        vocab_size: int
        embed_size: int
        num_hiddens: int
        num_layers: int
        dropout: float = 0

        def setup(self):
            self.embedding = nn.Embed(self.vocab_size, self.embed_size)
            self.rnn = d2l.GRU(self.num_hiddens, self.num_layers, self.dropout)
            self.dense = nn.Dense(self.vocab_size)

        def init_state(self, enc_all_outputs, *args):
            return enc_all_outputs

        def __call__(self, X, state, training=False):
            embs = self.embedding(d2l.astype(d2l.transpose(X), d2l.int32))
            enc_output, hidden_state = state
            context = enc_output[-1]
            context = jnp.tile(context, (embs.shape[0], 1, 1))
            embs_and_context = d2l.concat((embs, context), -1)
            outputs, hidden_state = self.rnn(embs_and_context, hidden_state,
                                             training=training)
            outputs = d2l.swapaxes(self.dense(outputs), 0, 1)
            return outputs, [enc_output, hidden_state]

    model = d2l.Seq2Seq(d2l.Seq2SeqEncoder(V_SRC, E, H, L),
                        Seq2SeqDecoder(V_TGT, E, H, L), tgt_pad=PAD, lr=0.005, training=True)
    # d2l.GRU names layer l's cell cell<l>: encoder/rnn/cell1/ir/kernel
    table = _table(GRU, "cell.", "cell{}.", "rnn.", "embedding", "dense")

    def run(params, batch):
        batch = tuple(jnp.asarray(a) for a in batch)
        # the parameters' tree and shapes, traced, not computed: the values are the oracle's
        tree = jax.eval_shape(model.init, jax.random.key(0), *batch[:-1])["params"]
        named = named_leaves(tree)
        values = layer_map.to_framework(params, [n for n, _ in named], table)
        for n, v in named:
            assert tuple(v.shape) == values[n].shape, n
        tree = jax.tree_util.tree_unflatten(jax.tree_util.tree_structure(tree),
                                            [jnp.asarray(values[n]) for n, _ in named])
        state = d2l.TrainState.create(apply_fn=model.apply, params=tree,
                                      tx=model.configure_optimizers(),
                                      dropout_rng=jax.random.key(1))
        # compiled, as d2l.Trainer's step computes it (eager, every op and scan of the
        # forward and backward pass compiles on its own: several times slower)
        (loss, _), grads = jax.jit(jax.value_and_grad(model.loss, has_aux=True))(
            tree, batch[:-1], batch[-1], state)
        grads = layer_map.grads_to_canonical(
            ((n, np.asarray(g)) for n, g in named_leaves(grads)), table)
        preds, _ = model.predict_step(tree, batch, NUM_STEPS)  # eager, as the reader calls it
        return s2s.Answer(float(loss), grads, np.asarray(preds))

    return run


@pytest.fixture(scope="module", params=["tensorflow", "jax"])
def got(request) -> s2s.Answer:
    """The backend's answer on the case: its model built and run once."""
    pytest.importorskip(request.param)
    run = {"tensorflow": _tensorflow, "jax": _jax}[request.param]()
    return run(*s2s.case())


def test_seq2seq_matches_the_oracle(got):
    s2s.assert_matches(got, s2s.expected())


# -- fault injections: each must make the comparison above fail -----------------------------
@pytest.mark.parametrize("fault", list(s2s.FAULTS))
def test_fault_is_caught(got, fault):
    assert s2s.deviations(got, s2s.expected(fault)) == s2s.FAULTS[fault]


def test_tensorflow_library_classes_follow_the_book():
    pytest.importorskip("tensorflow")
    import tensorflow as tf

    from d2lrnn import tensorflow as d2l
    assert issubclass(d2l.EncoderDecoder, d2l.Classifier)
    assert issubclass(d2l.Seq2Seq, d2l.EncoderDecoder)
    assert issubclass(d2l.Seq2SeqEncoder, d2l.Encoder)
    assert issubclass(d2l.Encoder, tf.keras.layers.Layer)
    encoder = d2l.Seq2SeqEncoder(V_SRC, E, H, L)
    outputs, state = encoder(d2l.zeros((B, T_SRC)))
    d2l.check_shape(outputs, (T_SRC, B, H))
    d2l.check_len(state, L)
    d2l.check_shape(state[0], (B, H))
    assert isinstance(d2l.Seq2Seq(encoder, d2l.Decoder(), tgt_pad=PAD, lr=0.1)
                      .configure_optimizers(), tf.keras.optimizers.Adam)
    with pytest.raises(TypeError, match="init_state"):
        d2l.Seq2Seq(encoder, encoder, tgt_pad=PAD, lr=0.1)
    with pytest.raises(NotImplementedError, match="init_state"):
        d2l.Decoder().init_state(None)
    with pytest.raises(TypeError, match="build one first"):
        d2l.Seq2Seq(d2l.Seq2SeqEncoder, encoder, tgt_pad=PAD, lr=0.1)
    with pytest.raises(TypeError, match="batch must be"):
        d2l.EncoderDecoder(encoder, d2l.Decoder()).predict_step(
            (d2l.zeros((B, T_SRC)),), d2l.cpu(), NUM_STEPS)


def test_jax_library_classes_follow_the_book():
    pytest.importorskip("jax")
    import jax
    import optax
    from flax import linen as nn

    d2l = importlib.import_module("d2lrnn.jax")
    assert issubclass(d2l.EncoderDecoder, d2l.Classifier)
    assert issubclass(d2l.Seq2Seq, d2l.EncoderDecoder)
    assert issubclass(d2l.Seq2SeqEncoder, d2l.Encoder)
    assert issubclass(d2l.Encoder, nn.Module)
    encoder = d2l.Seq2SeqEncoder(V_SRC, E, H, L)
    # traced for its shapes, not compiled (the parity fixture runs the encoder for real)
    (outputs, state), _ = jax.eval_shape(encoder.init_with_output, d2l.get_key(),
                                         d2l.zeros((B, T_SRC)))
    d2l.check_shape(outputs, (T_SRC, B, H))
    d2l.check_shape(state, (L, B, H))
    model = d2l.Seq2Seq(encoder, d2l.Decoder(), tgt_pad=PAD, lr=0.1, training=True)
    assert isinstance(model.configure_optimizers(), optax.GradientTransformation)
    with pytest.raises(TypeError, match="build one first"):
        d2l.Seq2Seq(d2l.Seq2SeqEncoder, encoder, tgt_pad=PAD, lr=0.1, training=True)
    with pytest.raises(TypeError, match="init_state"):
        d2l.Seq2Seq(encoder, encoder, tgt_pad=PAD, lr=0.1, training=True)
    with pytest.raises(TypeError, match="batch must be"):
        model.predict_step({}, (d2l.zeros((B, T_SRC)),), NUM_STEPS)

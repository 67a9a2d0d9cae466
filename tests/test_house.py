"""The house for model families: declarations as data (parameter tables), gate-aware layer
maps against the framework layers and the NumPy oracle, set-up from an example batch,
checkpoints by vocabulary role, the backend registry, the JAX dropout key."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from d2lrnn.core import checkpoint, layer_map
from d2lrnn.core import models as families
from d2lrnn.core import reference as ref
from d2lrnn.core.models import cells as declared
from d2lrnn.core.models.family import SEQ2SEQ, Block, Family
from d2lrnn.core.reference import recurrent
from d2lrnn.core.text import Vocab


# ----- declarations
def test_the_rnn_lm_is_declared_once_and_draws_as_the_book():
    fam = families.RNN_LM_SCRATCH
    assert fam.shapes(28, {"num_hiddens": 32}) == ref.shapes(28, 32)
    a = fam.init_params(28, {"num_hiddens": 32}, 0.01, np.random.default_rng(3))
    b = ref.init_params(28, 32, 0.01, np.random.default_rng(3))
    assert list(a) == ["W_xh", "W_hh", "b_h", "W_hq", "b_q"]
    for k in b:
        np.testing.assert_array_equal(a[k], b[k])


def test_cells_declare_the_books_names():
    assert declared.GRU.params.names == ("W_xz", "W_hz", "b_z", "W_xr", "W_hr", "b_r",
                                         "W_xh", "W_hh", "b_h")
    assert declared.GRU_RESET_AFTER.params.names[-1] == "b_hh"
    assert declared.LSTM.state == ("H", "C")
    for kind, cell in declared.CELLS.items():  # the oracle's cells read the same tables
        assert ref.cells.get(kind).names == cell.params.names, kind


@pytest.mark.parametrize("name", ["gru-lm-concise", "lstm-lm-concise", "gru-lm-deep",
                                  "gru-lm-bi", "gru-lm-scratch", "lstm-lm-scratch",
                                  "rnn-lm-deep-scratch", "rnn-lm-bi-scratch"])
def test_stacked_families_are_declared_as_their_oracle_names_them(name):
    """A family's tables give exactly its oracle's parameters, in the oracle's order (layer 1
    reads layer 0's outputs; a bidirectional head reads both directions)."""
    fam = families.get(name)
    shapes = fam.shapes(28, {"num_hiddens": 4})
    assert list(shapes.items()) == list(fam.reference.shapes(28, 4).items())
    if name == "gru-lm-deep":
        assert shapes["l1.W_xz"] == (4, 4) and shapes["l0.W_xz"] == (28, 4)
    if name == "gru-lm-bi":
        assert shapes["b_rnn.W_xz"] == (28, 4) and shapes["W_hq"] == (8, 28)


def test_vocab_roles_and_example_batches():
    fam = families.RNN_LM_SCRATCH
    X, Y = fam.example_batch(28)
    assert X.shape == Y.shape and X.dtype == np.int64 and X.max() < 28
    with pytest.raises(ValueError, match="vocabulary sizes of \\['vocab'\\]"):
        fam.shapes({"src": 3, "tgt": 4}, {"num_hiddens": 2})
    s2s = _seq2seq_family()
    src, tgt, valid, label = s2s.example_batch({"src": 5, "tgt": 7})
    assert src.max() < 5 and label.max() < 7 and valid.shape == (2,)
    with pytest.raises(ValueError, match="vocabulary sizes of \\['src', 'tgt'\\]"):
        s2s.shapes(28, {"num_hiddens": 2})


def _seq2seq_family() -> Family:
    if "test-seq2seq" in families.names():
        return families.get("test-seq2seq")
    enc = declared.gate_table("zrh", "num_src", "num_hiddens")
    head = declared.table(("W_hq", ("num_hiddens", "tgt_vocab")), ("b_q", ("tgt_vocab",),
                                                                   "zeros"))
    return families.register(Family(
        name="test-seq2seq", blocks=(Block(enc, "encoder."), Block(head)), builder=None,
        reference=ref, data=SEQ2SEQ,
        sizes=lambda v, hp: {"num_src": v["src"], "tgt_vocab": v["tgt"],
                             "num_hiddens": hp["num_hiddens"]}))


def test_checkpoints_keep_vocabularies_by_role(tmp_path):
    fam = _seq2seq_family()
    src, tgt = Vocab(list("abcab")), Vocab(list("xyzzy"))
    sizes = {"src": len(src), "tgt": len(tgt)}
    params = fam.init_params(sizes, {"num_hiddens": 3}, 0.1, np.random.default_rng(0))
    path = checkpoint.save(tmp_path / "s2s.npz", params, {"src": src, "tgt": tgt},
                           {"num_hiddens": 3}, family=fam.name)
    ck = checkpoint.load(path)
    assert ck.vocabs["src"].idx_to_token == src.idx_to_token
    assert ck.vocabs["tgt"].idx_to_token == tgt.idx_to_token
    assert set(ck.params) == set(params) and "encoder.W_xz" in ck.params
    with pytest.raises(checkpoint.CheckpointError, match="not one 'vocab'"):
        _ = ck.vocab
    with pytest.raises(ValueError, match="vocabulary sizes"):  # an LM's one vocabulary
        checkpoint.save(tmp_path / "bad.npz", params, src, {"num_hiddens": 3},
                        family=fam.name)


# ----- layer maps that speak gates
def _canonical_cell(cell: str, table, named) -> dict:
    got = layer_map.to_canonical(named, table)
    assert set(got) == set(declared.CELLS[cell].params.names)
    return got


def _check_against_oracle(cell: str, params: dict, X: np.ndarray, outputs: np.ndarray):
    want, _, _ = recurrent.unroll(cell, params, X)
    np.testing.assert_allclose(outputs, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cell", ["gru-reset-after", "lstm"])
def test_torch_gated_layers_through_their_maps(cell):
    torch = pytest.importorskip("torch")
    from d2lrnn.torch import layer_map as maps
    table = maps.GRU if cell.startswith("gru") else maps.LSTM
    layer_map.check_table(table)
    torch.manual_seed(0)
    layer = (torch.nn.GRU if cell.startswith("gru") else torch.nn.LSTM)(3, 4)
    with torch.no_grad():  # non-zero biases everywhere, so a mis-sliced bias shows
        for p in layer.parameters():
            p.normal_(0, 0.5)
    named = [(f"rnn.{n}", p.detach().numpy()) for n, p in layer.named_parameters()]
    params = _canonical_cell(cell, table, named)
    X = np.random.default_rng(0).standard_normal((5, 2, 3)).astype(np.float32)
    out, _ = layer(torch.from_numpy(X))
    _check_against_oracle(cell, params, X, out.detach().numpy())
    if cell.startswith("gru"):  # the book's reset-before GRU is another function
        before = {k: v for k, v in params.items() if k != "b_hh"}
        assert not np.allclose(recurrent.unroll("gru", before, X)[0], out.detach().numpy(),
                               atol=1e-3)
    # canonical -> framework -> canonical, and the split copies get zeros
    back = layer_map.to_framework(params, [n for n, _ in named], table)
    again = layer_map.to_canonical(back.items(), table)
    for k in params:
        np.testing.assert_allclose(again[k], params[k], rtol=1e-6, atol=1e-7)
    assert not back["rnn.bias_hh_l0"][:4].any()  # b_r's second copy (GRU) / b_i's (LSTM)


@pytest.mark.parametrize("cell", ["gru-reset-after", "lstm"])
def test_keras_gated_layers_through_their_maps(cell):
    pytest.importorskip("tensorflow")
    import keras

    from d2lrnn.tensorflow import layer_map as maps
    table = maps.GRU if cell.startswith("gru") else maps.LSTM
    layer_map.check_table(table)
    layer = (keras.layers.GRU if cell.startswith("gru") else keras.layers.LSTM)(
        4, return_sequences=True)
    layer.build((2, 5, 3))
    rng = np.random.default_rng(1)
    for w in layer.weights:
        w.assign(rng.normal(0, 0.5, tuple(w.shape)).astype(np.float32))
    named = [(f"rnn.{w.path.split('/')[-1]}", np.asarray(w)) for w in layer.weights]
    params = _canonical_cell(cell, table, named)
    X = rng.standard_normal((5, 2, 3)).astype(np.float32)
    out = np.asarray(layer(np.swapaxes(X, 0, 1)))  # Keras is batch-major
    _check_against_oracle(cell, params, X, np.swapaxes(out, 0, 1))
    back = layer_map.to_framework(params, [n for n, _ in named], table)
    for (n, v) in named:
        np.testing.assert_allclose(back[n] if "bias" not in n or cell == "lstm"
                                   else back[n][0] + 0 * v[0], v if "bias" not in n or
                                   cell == "lstm" else back[n][0], rtol=1e-6)


def test_scratch_parameters_are_written_under_the_names_they_are_read_by():
    """Paths no slot matches (scratch parameters) have one canonical name for reading and
    writing: nested ones keep their scope (a stack's list index, a direction)."""
    paths = ["rnn.rnns.0.W_xh", "rnn.rnns.1.W_xh", "rnn.f_rnn.b_h", "rnn.b_rnn.b_h", "W_hq"]
    want = ["rnns.0.W_xh", "rnns.1.W_xh", "f_rnn.b_h", "b_rnn.b_h", "W_hq"]
    shapes = layer_map.canonical_shapes([(p, (i + 1,)) for i, p in enumerate(paths)], ())
    assert shapes == {name: (i + 1,) for i, name in enumerate(want)}
    arrays = {name: np.full(i + 1, i, np.float32) for i, name in enumerate(want)}
    written = layer_map.to_framework(arrays, paths, ())
    assert {p: v.tolist() for p, v in written.items()} == {
        p: [float(i)] * (i + 1) for i, p in enumerate(paths)}
    assert list(layer_map.to_canonical(written.items(), ())) == want


def test_gate_tables_are_checked():
    bad = layer_map.gate_slots("w", ("a", "b", "c"))[:2]  # a part missing
    with pytest.raises(ValueError, match="parts of 'w'"):
        layer_map.check_table(bad)


# ----- the framework-free core and the backend registry
def test_importing_every_core_module_imports_no_framework():
    code = (
        "import pkgutil, importlib, sys, d2lrnn.core\n"
        "for m in pkgutil.walk_packages(d2lrnn.core.__path__, 'd2lrnn.core.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = [f for f in ('torch', 'tensorflow', 'jax', 'mxnet', 'keras', 'flax')\n"
        "       if f in sys.modules]\n"
        "print(bad)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_layer_maps_come_from_the_backend_registry():
    fam = families.RNN_LM_CONCISE
    with pytest.raises(LookupError, match="import d2lrnn.nosuch first"):
        fam.layer_table("nosuch")
    pytest.importorskip("torch")
    import d2lrnn.torch  # noqa: F401  registers its maps
    assert fam.layer_table("torch")[0].tail == "rnn.weight_ih_l0"
    assert families.RNN_LM_SCRATCH.layer_table("torch") == ()


def test_parity_names_a_backend_that_does_not_import(monkeypatch, capsys):
    from d2lrnn import parity

    def fake(name):
        if name == "mxnet":
            raise ImportError("no module named 'mxnet' (simulated)")
    monkeypatch.setattr(parity, "load_backend", fake)
    assert "mxnet" not in parity.available()
    assert "backend mxnet skipped: it does not import (no module named 'mxnet' (simulated))" \
        in capsys.readouterr().err


def test_book_run_settings_are_written_once():
    from d2lrnn import parity, session
    run = families.book_run("rnn-scratch")
    assert session.BOOK == run.asdict()
    assert (parity.Case().batch_size, parity.Case().num_hiddens, parity.Case().clip) == (
        run.batch_size, run.num_hiddens, run.clip)
    with pytest.raises(ValueError, match="section must be one of"):
        families.book_run("transformer")


# ----- the JAX train state threads a dropout key
def test_jax_dropout_key_changes_every_step():
    pytest.importorskip("jax")
    import jax
    from flax import linen as nn

    from d2lrnn import jax as d2l

    class Drop(d2l.Classifier):
        lr: float = 0.1

        def setup(self):
            self.dense = nn.Dense(3)
            self.drop = nn.Dropout(0.5, deterministic=False)

        def forward(self, X, *args):
            return self.drop(self.dense(X.astype("float32")))

        def loss(self, params, X, Y, state, averaged=True):
            # the book's seq2seq loss: apply with the state's dropout key
            Y_hat = state.apply_fn({"params": params}, *X, rngs={"dropout": state.dropout_rng})
            return (optax_ce(Y_hat, Y), {})

    def optax_ce(Y_hat, Y):
        import optax
        return optax.softmax_cross_entropy_with_integer_labels(Y_hat, Y).mean()

    from d2lrnn.core.data import example_data
    X = np.ones((4, 5), np.float32)
    Y = np.zeros(4, np.int64)
    model = Drop()
    model.board.display = False
    trainer = d2l.Trainer(max_epochs=1)
    trainer.setup(model, example_data(d2l.DataModule, (X, Y)))
    keys, masks = [], []
    for _ in range(3):
        key = trainer.state.dropout_rng
        typed = jax.dtypes.issubdtype(key.dtype, jax.dtypes.prng_key)
        keys.append(np.asarray(jax.random.key_data(key) if typed else key))
        state = trainer.state
        out = state.apply_fn({"params": state.params}, X, rngs={"dropout": state.dropout_rng})
        masks.append(np.asarray(out) == 0)  # what dropout zeroed with this step's key
        trainer.fit_batch(trainer.prepare_batch((X, Y)))
    assert not np.array_equal(keys[0], keys[1]) and not np.array_equal(keys[1], keys[2])
    assert not (np.array_equal(masks[0], masks[1]) and np.array_equal(masks[1], masks[2]))
    jax.block_until_ready(trainer.state.params)


def test_every_registered_layer_map_speaks_its_familys_names():
    """A backend's map for a family names exactly the family's declared parameters."""
    for backend in ("torch", "jax"):
        pytest.importorskip(backend)
        __import__(f"d2lrnn.{backend}")
    for (backend, name), table in families.family._LAYER_MAPS.items():
        layer_map.check_table(table)
        fam = families.get(name)  # any data kind: each vocabulary 28 tokens
        declared_names = set(fam.shapes({role: 28 for role in fam.data.vocab_roles},
                                        {"num_hiddens": 4, "embed_size": 3}))
        assert {slot.canonical for slot in table} == declared_names, (backend, name)


@pytest.mark.parametrize("cell", ["gru-reset-after", "lstm"])
def test_flax_gated_layers_through_their_maps(cell):
    pytest.importorskip("flax")
    import jax
    from flax import linen as nn

    from d2lrnn.jax import layer_map as maps
    from d2lrnn.jax.module import named_leaves
    table = maps.GRU if cell.startswith("gru") else maps.LSTM
    layer_map.check_table(table)
    layer = nn.RNN(nn.GRUCell(4) if cell.startswith("gru") else nn.OptimizedLSTMCell(4))
    rng = np.random.default_rng(2)
    X = rng.standard_normal((5, 2, 3)).astype(np.float32)
    variables = layer.init(jax.random.key(0), np.swapaxes(X, 0, 1))
    params = jax.tree_util.tree_map(
        lambda a: rng.normal(0, 0.5, a.shape).astype(np.float32), variables["params"])
    named = [(n, np.asarray(v)) for n, v in named_leaves(params)]
    canonical = _canonical_cell(cell, table, named)
    out = np.asarray(layer.apply({"params": params}, np.swapaxes(X, 0, 1)))
    _check_against_oracle(cell, canonical, X, np.swapaxes(out, 0, 1))
    back = layer_map.to_framework(canonical, [n for n, _ in named], table)
    for n, v in named:
        np.testing.assert_array_equal(back[n], v)


@pytest.mark.parametrize("cell", ["gru-reset-after", "lstm"])
def test_gluon_gated_layers_through_their_maps(cell):
    pytest.importorskip("d2lrnn.mxnet")  # before mxnet itself: MXNet under numpy 2
    from mxnet import np as mnp
    from mxnet.gluon import rnn

    from d2lrnn.mxnet import layer_map as maps
    table = maps.GRU if cell.startswith("gru") else maps.LSTM
    layer_map.check_table(table)
    layer = rnn.GRU(4) if cell.startswith("gru") else rnn.LSTM(4)
    layer.initialize()
    rng = np.random.default_rng(3)
    X = rng.standard_normal((5, 2, 3)).astype(np.float32)
    layer(mnp.array(X))  # deferred initialisation
    gluon_params = layer._collect_params_with_prefix()
    for p in gluon_params.values():
        p.set_data(mnp.array(rng.normal(0, 0.5, p.shape).astype(np.float32)))
    named = [(n, p.data().asnumpy()) for n, p in gluon_params.items()]
    canonical = _canonical_cell(cell, table, named)
    out = layer(mnp.array(X)).asnumpy()  # time-major (TNC), as the book's layers
    _check_against_oracle(cell, canonical, X, out)

"""Model families: canonical names (nesting included), checkpoints keyed by a family, the
registry."""

from __future__ import annotations

import json

import numpy as np
import pytest

from d2lrnn.core import checkpoint
from d2lrnn.core import models as family
from d2lrnn.core.params import canonical_names
from d2lrnn.core.text import Vocab


def test_canonical_names_keep_nesting_and_drop_framework_noise():
    assert canonical_names(["rnn.W_xh", "rnn/W_hh:0", ("rnn", "b_h"), "W_hq"]) == \
        ["W_xh", "W_hh", "b_h", "W_hq"]
    assert canonical_names(["rnn.layers.0.W_xh", "rnn.layers.1.W_xh", "rnn.layers.0.b_h",
                            "W_hq"]) == ["layers.0.W_xh", "layers.1.W_xh", "layers.0.b_h",
                                         "W_hq"]
    with pytest.raises(ValueError, match="both called 'W_xh'"):
        canonical_names(["W_xh", "W_xh"])


def test_nested_layers_keep_their_index_on_every_backend(backend, d2l, hooks):
    """A stack of two RNNScratch layers inside a model reads back as layers.0.* / layers.1.*"""
    params = hooks.stacked_params(d2l)
    assert {"layers.0.W_xh", "layers.1.W_xh", "layers.0.b_h", "layers.1.W_hh"} <= set(params)


def test_unknown_family():
    with pytest.raises(ValueError, match="model family must be one of .*rnn-lm-scratch"):
        family.get("transformer")


def _params(V=5, H=3):
    rng = np.random.default_rng(0)
    return {k: rng.standard_normal(s).astype(np.float32)
            for k, s in family.RNN_LM_SCRATCH.shapes(V, {"num_hiddens": H}).items()}


def test_checkpoint_records_its_family(tmp_path):
    vocab = Vocab(list("abcd"))
    path = checkpoint.save(tmp_path / "m.npz", _params(), vocab, {"num_hiddens": 3})
    ck = checkpoint.load(path)
    assert ck.family == "rnn-lm-scratch" and set(ck.params) == set(_params())
    with pytest.raises(ValueError, match="model family must be one of"):
        checkpoint.save(tmp_path / "x.npz", _params(), vocab, {"num_hiddens": 3},
                        family="lstm-lm")


def test_first_format_checkpoints_still_load(tmp_path):
    vocab = Vocab(list("abcd"))
    path = tmp_path / "old.npz"
    np.savez(path, **_params(), vocab=np.array(vocab.idx_to_token, dtype=str),
             hparams=np.array(json.dumps({"num_hiddens": 3})),
             format=np.array("d2lrnn-rnnlm-1"))
    ck = checkpoint.load(path)
    assert ck.family == "rnn-lm-scratch"
    np.testing.assert_array_equal(ck.params["W_hq"], _params()["W_hq"])


def test_a_layer_map_for_an_unknown_family_is_refused():
    from d2lrnn.core.models import family as registry

    with pytest.raises(ValueError, match="model family must be one of .*rnn-lm-concise"):
        registry.register_layer_maps("torch", {"rnn-lm-concisee": ()})
    assert ("torch", "rnn-lm-concisee") not in registry._LAYER_MAPS

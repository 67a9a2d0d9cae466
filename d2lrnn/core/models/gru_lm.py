"""The modern chapter's GRU language model as a family: ``d2l.RNNLM`` over the deep-RNN
section's saved ``d2l.GRU`` (one layer), on each framework's own GRU layer. Every framework's
layer computes the reset-after GRU (torch, Gluon, Keras 3, Flax), so the parameters are that
cell's (``W_xz ... b_h``, plus ``b_hh``) and the oracle is ``LM('gru-reset-after')``; each
backend's layer map for this family slices its stacked gates."""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

from d2lrnn.core.models.cells import GRU_RESET_AFTER, LM_HEAD
from d2lrnn.core.models.family import LM, Block, Family, register
from d2lrnn.core.models.rnn_lm import lm_sizes
from d2lrnn.core.reference.lm import LM as OracleLM


def _build(d2l: Any, vocab: Mapping[str, int], hparams: Mapping[str, Any]) -> Any:
    # torch's nn.GRU needs num_inputs; the other frameworks' layers learn it from the first batch
    V = vocab["vocab"]
    kwargs: dict[str, Any] = {"num_hiddens": int(hparams["num_hiddens"]), "num_layers": 1}
    if "num_inputs" in inspect.signature(d2l.GRU).parameters:
        kwargs["num_inputs"] = V
    return d2l.RNNLM(d2l.GRU(**kwargs), vocab_size=V, lr=float(hparams.get("lr", 1.0)))


#: d2l.RNNLM over d2l.GRU (the GRU and deep-RNN sections' concise model, one layer)
GRU_LM_CONCISE = register(Family(
    name="gru-lm-concise", blocks=(Block(GRU_RESET_AFTER.params), Block(LM_HEAD)),
    builder=_build, reference=OracleLM("gru-reset-after"), sizes=lm_sizes,
    state=GRU_RESET_AFTER.state, data=LM,
    description="d2l.RNNLM over d2l.GRU: the framework's GRU layer (torch.nn.GRU, "
                "gluon.rnn.GRU, Keras GRUCell, Flax GRUCell), reset after",
))

"""The modern chapter's GRU language model as a family: ``d2l.RNNLM`` over the deep-RNN
section's saved ``d2l.GRU`` (one layer), on each framework's own GRU layer. Every framework's
layer computes the reset-after GRU (torch, Gluon, Keras 3, Flax), so the parameters are that
cell's (``W_xz ... b_h``, plus ``b_hh``) and the oracle is ``LM('gru-reset-after')``; each
backend's layer map for this family slices its stacked gates."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from d2lrnn.core.models.cells import GRU_RESET_AFTER, LM_HEAD
from d2lrnn.core.models.family import LM, Block, Family, register
from d2lrnn.core.models.rnn_lm import concise_lm, lm_sizes
from d2lrnn.core.reference.lm import LM as OracleLM


def _build(d2l: Any, vocab: Mapping[str, int], hparams: Mapping[str, Any]) -> Any:
    return concise_lm(d2l, d2l.GRU, vocab, hparams, num_layers=1)


#: d2l.RNNLM over d2l.GRU (the GRU and deep-RNN sections' concise model, one layer)
GRU_LM_CONCISE = register(Family(
    name="gru-lm-concise", blocks=(Block(GRU_RESET_AFTER.params), Block(LM_HEAD)),
    builder=_build, reference=OracleLM("gru-reset-after"), sizes=lm_sizes,
    state=GRU_RESET_AFTER.state, data=LM,
    description="d2l.RNNLM over d2l.GRU: the framework's GRU layer (torch.nn.GRU, "
                "gluon.rnn.GRU, Keras GRUCell, Flax GRUCell), reset after",
))

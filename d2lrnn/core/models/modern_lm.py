"""The modern chapter's other concise language models as families, each ``d2l.RNNLM`` over a
framework's own recurrent layer, with the NumPy oracle ``LM(cell, num_layers, bidirectional)``:

    lstm-lm-concise  the LSTM section's concise LSTM (``d2l.ConciseLSTM``: the book's reader
                     defines it as ``class LSTM(d2l.RNN)``), state (H, C)
    gru-lm-deep      the deep-RNN section's ``d2l.GRU`` with two layers (dropout 0 in parity)
    gru-lm-bi        the bi-RNN section's ``BiGRU`` (``d2l.BiGRU``): one bidirectional GRU layer,
                     outputs (num_steps, batch_size, 2 * num_hiddens)

The parameters are named as the oracle names them (``recurrent.stack_prefixes``): one layer
the cell's own names (``W_xi``), stacked ``l0.W_xz``, ``l1.W_xz``, bidirectional
``f_rnn.W_xz``, ``b_rnn.W_xz``; then ``W_hq`` (num_hiddens * directions, vocab_size), ``b_q``.
A layer above the first reads the one below: its input weights are (num_hiddens * directions,
num_hiddens). Every framework's GRU layer is the reset-after GRU (see ``gru_lm``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from d2lrnn.core.models.cells import GRU_RESET_AFTER, LSTM, Cell, lm_head
from d2lrnn.core.models.family import LM, Block, Family, register
from d2lrnn.core.models.gru_lm import GRU_LM_CONCISE
from d2lrnn.core.models.rnn_lm import concise_lm, lm_sizes
from d2lrnn.core.reference.lm import LM as OracleLM
from d2lrnn.core.reference.recurrent import stack_prefixes

Builder = Callable[[Any, Mapping[str, int], Mapping[str, Any]], Any]


def stack_blocks(cell: Cell, num_layers: int = 1, bidirectional: bool = False
                 ) -> tuple[Block, ...]:
    """The blocks of a stack of ``cell`` layers, named as the oracle names them: layer 0 reads
    ``num_inputs``, every layer above ``layer_inputs`` (num_hiddens * directions)."""
    return tuple(Block(cell.params if layer == 0 else cell.reading("layer_inputs"), prefix)
                 for layer, _, prefix in stack_prefixes(num_layers, bidirectional))


def stack_lm_sizes(directions: int) -> Callable[[Mapping[str, int], Mapping[str, Any]],
                                                dict[str, int]]:
    """An LM's sizes (``lm_sizes``) plus what a stack's upper layers and the head read:
    ``layer_inputs`` = ``num_outputs`` = num_hiddens * directions."""
    def sizes(vocab: Mapping[str, int], hparams: Mapping[str, Any]) -> dict[str, int]:
        out = lm_sizes(vocab, hparams)
        wide = out["num_hiddens"] * directions
        return {**out, "layer_inputs": wide, "num_outputs": wide}
    return sizes


def concise_builder(layer: str, **layer_kwargs: Any) -> Builder:
    """Build ``d2l.RNNLM`` over the backend's ``d2l.<layer>(num_hiddens, **layer_kwargs)``."""
    def build(d2l: Any, vocab: Mapping[str, int], hparams: Mapping[str, Any]) -> Any:
        return concise_lm(d2l, getattr(d2l, layer), vocab, hparams, **layer_kwargs)
    return build


def stack_lm_family(name: str, cell: Cell, builder: Builder, num_layers: int = 1,
                    bidirectional: bool = False, description: str = "") -> Family:
    """A language model over a stack of ``cell`` layers, registered under ``name``."""
    return register(Family(
        name=name, blocks=(*stack_blocks(cell, num_layers, bidirectional),
                           Block(lm_head("num_outputs"))),
        builder=builder, reference=OracleLM(cell.kind, num_layers, bidirectional),
        sizes=stack_lm_sizes(2 if bidirectional else 1), state=cell.state, data=LM,
        description=description))


#: d2l.RNNLM over d2l.ConciseLSTM (the LSTM section's concise model)
LSTM_LM_CONCISE = stack_lm_family(
    "lstm-lm-concise", LSTM, concise_builder("ConciseLSTM"),
    description="d2l.RNNLM over d2l.ConciseLSTM: the framework's LSTM layer (torch.nn.LSTM, "
                "gluon.rnn.LSTM, Keras LSTM, Flax OptimizedLSTMCell), state (H, C)")

#: d2l.RNNLM over d2l.GRU(num_layers=2) (the deep-RNN section's concise model)
GRU_LM_DEEP = stack_lm_family(
    "gru-lm-deep", GRU_RESET_AFTER, concise_builder("GRU", num_layers=2), num_layers=2,
    description="d2l.RNNLM over d2l.GRU with two layers (the framework's GRU layer, reset "
                "after; layer 1 reads layer 0's outputs)")

#: d2l.RNNLM over d2l.BiGRU (the bi-RNN section's concise model)
GRU_LM_BI = stack_lm_family(
    "gru-lm-bi", GRU_RESET_AFTER, concise_builder("BiGRU"), bidirectional=True,
    description="d2l.RNNLM over d2l.BiGRU: one bidirectional GRU layer (the framework's, "
                "reset after), outputs of both directions concatenated")

#: the number of layers of d2l.GRU -> its family (get_params/set_params read its layer map)
GRU_FAMILIES = {1: GRU_LM_CONCISE.name, 2: GRU_LM_DEEP.name}

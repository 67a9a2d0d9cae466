"""The modern chapter's from-scratch language models as families: ``d2l.RNNLMScratch`` over a
recurrent block that the book's reader defines in the section's own cells (d2lrnn ships none of
them), with the NumPy oracle ``LM(cell, num_layers, bidirectional)``:

    gru-lm-scratch       GRUScratch (section gru): the book's GRU, reset before   LM('gru')
    lstm-lm-scratch      LSTMScratch (section lstm), state (H, C)                 LM('lstm')
    rnn-lm-deep-scratch  StackedRNNScratch(num_layers=2) (section deep-rnn): two
                         d2l.RNNScratch, layer 1 reading layer 0's outputs       LM('rnn', 2)
    rnn-lm-bi-scratch    BiRNNScratch (section bi-rnn): d2l.RNNScratch forwards
                         and backwards, outputs concatenated                     LM('rnn', 1, True)

The parameters are named as the oracle names them (``modern_lm.stack_blocks``). The reader's
models name them the book's way, the same but for the stack: the book's ``W_xz ... b_h``,
``W_xi ... b_c``, ``f_rnn.W_xh``, ``b_rnn.W_xh``, then ``W_hq``, ``b_q``; StackedRNNScratch's
layer l is ``rnns.<l>.W_xh`` where the oracle writes ``l<l>.W_xh`` (``book_names`` and
``oracle_names`` translate).

The class is the reader's, so building a model needs it: ``hparams["rnn_class"]`` (the class
the section's cells define, on the backend the model is built for).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from d2lrnn.core.models.cells import GRU, LSTM, RNN, Cell
from d2lrnn.core.models.family import Family
from d2lrnn.core.models.modern_lm import Builder, stack_lm_family

#: family name -> the reader's class (the section's name for it)
READER_CLASSES: dict[str, str] = {}


def reader_builder(name: str, class_name: str, **block_kwargs: Any) -> Builder:
    """Build ``d2l.RNNLMScratch(cls(num_inputs=V, num_hiddens=H, **block_kwargs), vocab_size=V,
    lr=lr)`` with ``cls = hparams["rnn_class"]``, the reader's ``class_name`` (as the sections
    build it: keyword arguments, the default sigma)."""
    READER_CLASSES[name] = class_name

    def build(d2l: Any, vocab: Mapping[str, int], hparams: Mapping[str, Any]) -> Any:
        cls = hparams.get("rnn_class")
        if cls is None:
            raise ValueError(f"model family {name!r} is the reader's {class_name}, defined in "
                             "the book's cells, not by d2lrnn: pass the class as "
                             "hparams['rnn_class']")
        V = vocab["vocab"]
        rnn = cls(num_inputs=V, num_hiddens=int(hparams["num_hiddens"]), **block_kwargs)
        return d2l.RNNLMScratch(rnn, vocab_size=V, lr=float(hparams.get("lr", 1.0)))
    return build


def reader_family(name: str, class_name: str, cell: Cell, num_layers: int = 1,
                  bidirectional: bool = False, description: str = "") -> Family:
    """A language model over the reader's ``class_name`` (a stack of ``cell`` layers, given
    ``num_layers`` when it has several), registered under ``name``."""
    kwargs = {"num_layers": num_layers} if num_layers > 1 else {}
    return stack_lm_family(name, cell, reader_builder(name, class_name, **kwargs), num_layers,
                           bidirectional, description)


#: d2l.RNNLMScratch over the reader's GRUScratch (the GRU section)
GRU_LM_SCRATCH = reader_family(
    "gru-lm-scratch", "GRUScratch", GRU,
    description="d2l.RNNLMScratch over the reader's GRUScratch: the book's GRU (reset before: "
                "H~ = tanh(X W_xh + (R * H) W_hh + b_h))")

#: d2l.RNNLMScratch over the reader's LSTMScratch (the LSTM section)
LSTM_LM_SCRATCH = reader_family(
    "lstm-lm-scratch", "LSTMScratch", LSTM,
    description="d2l.RNNLMScratch over the reader's LSTMScratch, state (H, C)")

#: d2l.RNNLMScratch over the reader's StackedRNNScratch(num_layers=2) (the deep-RNN section)
RNN_LM_DEEP_SCRATCH = reader_family(
    "rnn-lm-deep-scratch", "StackedRNNScratch", RNN, num_layers=2,
    description="d2l.RNNLMScratch over the reader's StackedRNNScratch(num_layers=2): two "
                "d2l.RNNScratch, layer 1 reading layer 0's outputs")

#: d2l.RNNLMScratch over the reader's BiRNNScratch (the bidirectional-RNN section)
RNN_LM_BI_SCRATCH = reader_family(
    "rnn-lm-bi-scratch", "BiRNNScratch", RNN, bidirectional=True,
    description="d2l.RNNLMScratch over the reader's BiRNNScratch: d2l.RNNScratch forwards "
                "(f_rnn) and backwards (b_rnn), outputs concatenated")

SCRATCH_FAMILIES = (GRU_LM_SCRATCH, LSTM_LM_SCRATCH, RNN_LM_DEEP_SCRATCH, RNN_LM_BI_SCRATCH)

#: the reader's StackedRNNScratch keeps layer l in ``rnns[l]``: ``rnns.<l>.`` in its names
_BOOK_LAYER, _ORACLE_LAYER = re.compile(r"^rnns\.(\d+)\."), re.compile(r"^l(\d+)\.")


def book_names(params: Mapping[str, Any]) -> dict[str, Any]:
    """Oracle names -> the reader's models' names (``l1.W_xh`` -> ``rnns.1.W_xh``)."""
    return {_ORACLE_LAYER.sub(r"rnns.\1.", k): v for k, v in params.items()}


def oracle_names(params: Mapping[str, Any]) -> dict[str, Any]:
    """The reader's models' names -> the oracle's (``rnns.1.W_xh`` -> ``l1.W_xh``)."""
    return {_BOOK_LAYER.sub(r"l\1.", k): v for k, v in params.items()}

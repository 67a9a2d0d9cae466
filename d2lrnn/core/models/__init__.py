"""Model families declared once, as data: parameter tables (``spec``), the recurrent cells
(``cells``), the family declaration and registry (``family``), the book's run settings per
section (``runs``), and the families themselves (``rnn_lm``, ``gru_lm``, ``modern_lm``,
``scratch_lm``, ``seq2seq``)."""

from d2lrnn.core.models.family import (
    DATA_KINDS,
    LM,
    SEQ2SEQ,
    Block,
    DataKind,
    Family,
    get,
    names,
    register,
    register_layer_maps,
)
from d2lrnn.core.models.gru_lm import GRU_LM_CONCISE
from d2lrnn.core.models.modern_lm import (
    GRU_FAMILIES,
    GRU_LM_BI,
    GRU_LM_DEEP,
    LSTM_LM_CONCISE,
    stack_blocks,
)
from d2lrnn.core.models.rnn_lm import RNN_LM_CONCISE, RNN_LM_SCRATCH
from d2lrnn.core.models.runs import BOOK_RUNS, BookRun, book_run
from d2lrnn.core.models.scratch_lm import (
    GRU_LM_SCRATCH,
    LSTM_LM_SCRATCH,
    RNN_LM_BI_SCRATCH,
    RNN_LM_DEEP_SCRATCH,
    SCRATCH_FAMILIES,
)
from d2lrnn.core.models.seq2seq import SEQ2SEQ_GRU

__all__ = ["BOOK_RUNS", "DATA_KINDS", "GRU_FAMILIES", "GRU_LM_BI", "GRU_LM_CONCISE", "GRU_LM_DEEP",
           "GRU_LM_SCRATCH", "LM", "LSTM_LM_CONCISE", "LSTM_LM_SCRATCH", "RNN_LM_BI_SCRATCH",
           "RNN_LM_CONCISE", "RNN_LM_DEEP_SCRATCH", "RNN_LM_SCRATCH", "SCRATCH_FAMILIES",
           "SEQ2SEQ", "SEQ2SEQ_GRU", "Block", "BookRun", "DataKind", "Family", "book_run", "get",
           "names", "register", "register_layer_maps", "stack_blocks"]

"""Flax layers' weights under the book's canonical names (interpreted by
``d2lrnn.core.layer_map``). ``nn.RNN(nn.SimpleCell)`` keeps W_xh and b_h in the input Dense
``cell/i`` and W_hh in the bias-free ``cell/h``; ``nn.Dense`` (the LM's ``linear``) has W_hq as
its kernel. Same layouts as the book: nothing transposed, nothing split."""

from d2lrnn.core.layer_map import Slot, backend_tables, renamed, seq2seq_map, stack_table

#: the concise RNN LM (d2l.RNNLM over d2l.RNN)
RNN_LM = (
    Slot("cell.i.kernel", "W_xh"),   # (V, H)
    Slot("cell.h.kernel", "W_hh"),   # (H, H)
    Slot("cell.i.bias", "b_h"),      # (H,)
    Slot("linear.kernel", "W_hq"),   # (H, V)
    Slot("linear.bias", "b_q"),      # (V,)
)

#: ``nn.RNN(nn.GRUCell)``: one Dense per gate; ``i<g>`` the input Dense (with bias), ``h<g>``
#: the hidden one (bias-free, but for ``hn``): n = tanh(in(x) + r * hn(h)), the reset-after
#: GRU with b_h = in.bias and b_hh = hn.bias.
GRU = (
    Slot("cell.ir.kernel", "W_xr"), Slot("cell.ir.bias", "b_r"), Slot("cell.hr.kernel", "W_hr"),
    Slot("cell.iz.kernel", "W_xz"), Slot("cell.iz.bias", "b_z"), Slot("cell.hz.kernel", "W_hz"),
    Slot("cell.in.kernel", "W_xh"), Slot("cell.in.bias", "b_h"),
    Slot("cell.hn.kernel", "W_hh"), Slot("cell.hn.bias", "b_hh"),
)

#: ``nn.RNN(nn.OptimizedLSTMCell)`` (and ``nn.LSTMCell``): input Denses ``i<g>`` bias-free,
#: hidden Denses ``h<g>`` with the bias; g is the book's input node c.
LSTM = tuple(slot for flax, book in zip("ifgo", "ifco", strict=True) for slot in (
    Slot(f"cell.i{flax}.kernel", f"W_x{book}"), Slot(f"cell.h{flax}.kernel", f"W_h{book}"),
    Slot(f"cell.h{flax}.bias", f"b_{book}")))

#: the LM's output layer
HEAD = RNN_LM[-2:]


def cell_named(table: tuple[Slot, ...], name: str) -> tuple[Slot, ...]:
    """``table`` for a cell called ``name`` (the tables above: ``cell``)."""
    return renamed(table, tail=lambda t: t.replace("cell.", f"{name}.", 1))


#: d2l.RNNLM over d2l.GRU (d2l.GRU names its cells cell0, cell1, ...: one layer; two layers);
#: over d2l.ConciseLSTM (its cell: cell); over d2l.BiGRU (its cells: f_cell, b_cell)
GRU_LM = (*cell_named(GRU, "cell0"), *HEAD)
GRU_DEEP_LM = (*stack_table(lambda l, _: cell_named(GRU, f"cell{l}"), num_layers=2), *HEAD)
LSTM_LM = (*LSTM, *HEAD)
GRU_BI_LM = (*stack_table(lambda _, d: cell_named(GRU, "b_cell" if d else "f_cell"),
                          bidirectional=True), *HEAD)

#: the seq2seq-gru family's layer map: nn.Embed's ``embedding``, each layer of d2l.GRU (its cell
#: ``cell<l>``), the decoder's nn.Dense (W_hq as its kernel)
SEQ2SEQ = seq2seq_map(GRU, ("cell.", "cell{}."), "rnn.", "embedding.embedding",
                      (Slot("dense.kernel", "W_hq"), Slot("dense.bias", "b_q")))

#: the map get_params/set_params apply to a model that names none (the concise RNN LM's)
LAYER_MAP = RNN_LM

#: the map of a model's family (its ``lm_family``, or its RNN's); LAYER_MAP otherwise
table_for = backend_tables("jax", {
    "rnn-lm-concise": RNN_LM, "gru-lm-concise": GRU_LM, "gru-lm-deep": GRU_DEEP_LM,
    "gru-lm-bi": GRU_BI_LM, "lstm-lm-concise": LSTM_LM, "seq2seq-gru": SEQ2SEQ}, default=RNN_LM)

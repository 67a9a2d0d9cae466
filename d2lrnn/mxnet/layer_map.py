"""MXNet Gluon layers' weights under the book's canonical names (interpreted by
``d2lrnn.core.layer_map``). ``gluon.rnn.RNN`` keeps layer 0 under ``_unfused.0``: i2h/h2h
weights stored transposed, and b_h split into two summed biases; ``nn.Dense(flatten=False)``
(the LM's ``self.linear``) stores W_hq transposed. Paths are Gluon's structural names
(``Block._collect_params_with_prefix``)."""

from d2lrnn.core import layer_map as lm

#: layer 0 of ``gluon.rnn.RNN/GRU/LSTM``: (input weight, hidden weight, input bias, hidden bias)
LAYER0 = ("_unfused.0.i2h_weight", "_unfused.0.h2h_weight", "_unfused.0.i2h_bias",
          "_unfused.0.h2h_bias")
#: the LM's output layer (``self.linear``), stored transposed
HEAD = (lm.Slot("linear.weight", "W_hq", transpose=True),   # (V, H)
        lm.Slot("linear.bias", "b_q"))                    # (V,)

#: the concise RNN LM (d2l.RNNLM over d2l.RNN: W_xh, W_hh transposed, b_h split in two copies);
#: the GRU (gates stacked r, z, n: the reset-after GRU, b_h = b_in, b_hh = b_hn, b_r and b_z
#: split); the LSTM (gates i, f, g = the book's input node c, o; every bias split)
RNN_LM, GRU, LSTM = lm.fused_tables(LAYER0, HEAD)



def gru_layer(layer: int, direction: int, bidirectional: bool = False) -> tuple[lm.Slot, ...]:
    """Layer ``layer`` of ``gluon.rnn.GRU`` (bidirectional: its ``l_cell`` and ``r_cell``)."""
    cell = f"_unfused.{layer}." + (("r_cell." if direction else "l_cell.") if bidirectional
                                   else "")
    return lm.fused_layer([cell + w for w in ("i2h_weight", "h2h_weight", "i2h_bias",
                                              "h2h_bias")], "rzh", reset_after=True)


#: d2l.RNNLM over d2l.GRU (one layer; two layers); over d2l.ConciseLSTM; over d2l.BiGRU
GRU_LM = (*GRU, *HEAD)
GRU_DEEP_LM = (*lm.stack_table(gru_layer, num_layers=2), *HEAD)
LSTM_LM = (*LSTM, *HEAD)
GRU_BI_LM = (*lm.stack_table(lambda l, d: gru_layer(l, d, True), bidirectional=True), *HEAD)

#: the seq2seq-gru family's layer map: nn.Embedding's weight, each layer of gluon.rnn.GRU
#: (``_unfused.<l>``), the decoder's nn.Dense (W_hq stored transposed)
SEQ2SEQ = lm.seq2seq_map(GRU, ("_unfused.0.", "_unfused.{}."), "rnn.rnn.",
                         "embedding.weight", (lm.Slot("dense.weight", "W_hq", transpose=True),
                                              lm.Slot("dense.bias", "b_q")))

#: the map get_params/set_params apply to a model that names none (the concise RNN LM's)
LAYER_MAP = RNN_LM

#: the map of a model's family (its ``lm_family``, or its RNN's); LAYER_MAP otherwise
table_for = lm.backend_tables("mxnet", {
    "rnn-lm-concise": RNN_LM, "gru-lm-concise": GRU_LM, "gru-lm-deep": GRU_DEEP_LM,
    "gru-lm-bi": GRU_BI_LM, "lstm-lm-concise": LSTM_LM, "seq2seq-gru": SEQ2SEQ}, default=RNN_LM)

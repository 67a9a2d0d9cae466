"""torch's layers' weights under the book's canonical names (interpreted by
``d2lrnn.core.layer_map``). ``nn.RNN`` stores W_xh and W_hh transposed and splits b_h into two
summed biases; ``nn.Linear`` (the LM's ``self.linear``) stores W_hq transposed."""

from d2lrnn.core import layer_map as lm

#: layer 0 of ``nn.RNN/GRU/LSTM``: (input weight, hidden weight, input bias, hidden bias)
LAYER0 = ("rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0")
#: the LM's output layer (``self.linear``), stored transposed
HEAD = (lm.Slot("linear.weight", "W_hq", transpose=True),   # (V, H)
        lm.Slot("linear.bias", "b_q"))                    # (V,)

#: the concise RNN LM (d2l.RNNLM over d2l.RNN: W_xh, W_hh transposed, b_h split in two copies);
#: the GRU (gates stacked r, z, n: the reset-after GRU, b_h = b_in, b_hh = b_hn, b_r and b_z
#: split); the LSTM (gates i, f, g = the book's input node c, o; every bias split)
RNN_LM, GRU, LSTM = lm.fused_tables(LAYER0, HEAD)



def gru_layer(layer: int, direction: int) -> tuple[lm.Slot, ...]:
    """Layer ``layer`` of ``nn.GRU`` (its reverse direction's tensors end in ``_reverse``)."""
    end = f"_l{layer}" + ("_reverse" if direction else "")
    return lm.fused_layer([f"rnn.{w}{end}" for w in ("weight_ih", "weight_hh", "bias_ih",
                                                      "bias_hh")], "rzh", reset_after=True)


#: d2l.RNNLM over d2l.GRU (one layer; two layers); over d2l.ConciseLSTM; over d2l.BiGRU
GRU_LM = (*GRU, *HEAD)
GRU_DEEP_LM = (*lm.stack_table(gru_layer, num_layers=2), *HEAD)
LSTM_LM = (*LSTM, *HEAD)
GRU_BI_LM = (*lm.stack_table(gru_layer, bidirectional=True), *HEAD)

#: the seq2seq-gru family's layer map: nn.Embedding's weight, each layer of nn.GRU (its layer-0
#: slots with ``_l0`` -> ``_l<l>``), the decoder's nn.Linear (W_hq stored transposed)
SEQ2SEQ = lm.seq2seq_map(GRU, ("_l0", "_l{}"), "rnn.", "embedding.weight",
                         (lm.Slot("dense.weight", "W_hq", transpose=True),
                          lm.Slot("dense.bias", "b_q")))

#: the map get_params/set_params apply to a model that names none (the concise RNN LM's)
LAYER_MAP = RNN_LM

#: the map of a model's family (its ``lm_family``, or its RNN's); LAYER_MAP otherwise
table_for = lm.backend_tables("torch", {
    "rnn-lm-concise": RNN_LM, "gru-lm-concise": GRU_LM, "gru-lm-deep": GRU_DEEP_LM,
    "gru-lm-bi": GRU_BI_LM, "lstm-lm-concise": LSTM_LM, "seq2seq-gru": SEQ2SEQ}, default=RNN_LM)

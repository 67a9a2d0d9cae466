"""Keras 3 layers' weights under the book's canonical names (interpreted by
``d2lrnn.core.layer_map``). Paths are the model's attribute path to the layer plus the weight's
own name (``rnn.rnn.kernel``): ``SimpleRNN`` keeps W_xh, W_hh, b_h as ``kernel``,
``recurrent_kernel``, ``bias``; ``Dense`` (the LM's ``self.linear``) W_hq, b_q as ``kernel``,
``bias``. Same layouts as the book: nothing transposed, nothing split."""

from d2lrnn.core.layer_map import (
    Slot,
    backend_tables,
    gate_slots,
    renamed,
    seq2seq_map,
    stack_table,
)

#: the concise RNN LM (d2l.RNNLM over d2l.RNN)
RNN_LM = (
    Slot("rnn.kernel", "W_xh"),             # (V, H)
    Slot("rnn.recurrent_kernel", "W_hh"),   # (H, H)
    Slot("rnn.bias", "b_h"),                # (H,)
    Slot("linear.kernel", "W_hq"),          # (H, V)
    Slot("linear.bias", "b_q"),             # (V,)
)

#: Keras 3 ``GRU`` (reset_after=True, its default; under the model's ``rnn``): gates stacked
#: z, r, h along the last axis; bias (2, 3H): row 0 the input biases, row 1 the recurrent
#: ones. b_z, b_r are split into two summed copies; b_h (input side) and b_hh (recurrent side)
#: are the reset-after GRU's two candidate biases.
GRU = (
    *gate_slots("rnn.kernel", ("W_xz", "W_xr", "W_xh")),
    *gate_slots("rnn.recurrent_kernel", ("W_hz", "W_hr", "W_hh")),
    *gate_slots("rnn.bias", ("b_z", "b_r", "b_h"), row=0),
    *gate_slots("rnn.bias", ("b_z", "b_r", "b_hh"), primary=(False, False, True), row=1),
)

#: Keras 3 ``LSTM``: gates stacked i, f, c, o; one bias.
LSTM = (
    *gate_slots("rnn.kernel", ("W_xi", "W_xf", "W_xc", "W_xo")),
    *gate_slots("rnn.recurrent_kernel", ("W_hi", "W_hf", "W_hc", "W_ho")),
    *gate_slots("rnn.bias", ("b_i", "b_f", "b_c", "b_o")),
)

#: the LM's output layer
HEAD = RNN_LM[-2:]


def under(table: tuple[Slot, ...], part: str) -> tuple[Slot, ...]:
    """``table`` (tails ``rnn.<weight>``) for the weights of one ``part`` of the model's
    ``rnn``, as ``module.named_variables`` names them: cell l of d2l.GRU's stack
    (``cells.1``: ``rnn.cells.1.kernel``), a direction of ``Bidirectional``
    (``forward_layer``, ``backward_layer``)."""
    return renamed(table, tail=lambda t: t.replace("rnn.", f"rnn.{part}.", 1))


#: d2l.RNNLM over d2l.GRU (one layer; two layers); over d2l.BiGRU; over d2l.ConciseLSTM
GRU_LM = (*under(GRU, "cells.0"), *HEAD)
GRU_DEEP_LM = (*stack_table(lambda l, _: under(GRU, f"cells.{l}"), num_layers=2), *HEAD)
GRU_BI_LM = (*stack_table(lambda _, d: under(GRU, ("forward_layer", "backward_layer")[d]),
                          bidirectional=True), *HEAD)
LSTM_LM = (*LSTM, *HEAD)

#: the seq2seq-gru family's layer map. ``module.named_variables`` names the encoder's and the
#: decoder's own weights after them (``encoder.embeddings``; the decoder's Dense:
#: ``decoder.kernel``, ``decoder.bias``) and those of the d2l.GRU each holds (a tf.Module,
#: reached through TensorFlow's tracking dict) by cell:
#: ``encoder.rnn._self_unconditional_dependency_names.rnn.cells.1.kernel``
SEQ2SEQ = seq2seq_map(GRU, ("rnn.", "rnn.cells.{}."),
                      "rnn._self_unconditional_dependency_names.", "embeddings",
                      (Slot("kernel", "W_hq"), Slot("bias", "b_q")))

#: the map get_params/set_params apply to a model that names none (the concise RNN LM's)
LAYER_MAP = RNN_LM

#: the map of a model's family (its ``lm_family``, or its RNN's); LAYER_MAP otherwise
table_for = backend_tables("tensorflow", {
    "rnn-lm-concise": RNN_LM, "gru-lm-concise": GRU_LM, "gru-lm-deep": GRU_DEEP_LM,
    "gru-lm-bi": GRU_BI_LM, "lstm-lm-concise": LSTM_LM, "seq2seq-gru": SEQ2SEQ}, default=RNN_LM)

"""MXNet Gluon layers' weights under the book's canonical names (interpreted by
``d2lrnn.core.layer_map``). ``gluon.rnn.RNN`` keeps layer 0 under ``_unfused.0``: i2h/h2h
weights stored transposed, and b_h split into two summed biases; ``nn.Dense(flatten=False)``
(the LM's ``self.linear``) stores W_hq transposed. Paths are Gluon's structural names
(``Block._collect_params_with_prefix``)."""

from typing import Any

from d2lrnn.core import layer_map as _layer_map
from d2lrnn.core.layer_map import Slot, gate_slots
from d2lrnn.core.models import GRU_LM_CONCISE, RNN_LM_CONCISE, register_layer_maps

#: the concise RNN LM (d2l.RNNLM over d2l.RNN)
RNN_LM = (
    Slot("_unfused.0.i2h_weight", "W_xh", transpose=True),   # (H, V)
    Slot("_unfused.0.h2h_weight", "W_hh", transpose=True),   # (H, H)
    Slot("_unfused.0.i2h_bias", "b_h"),                      # (H,) b_h = i2h_bias + h2h_bias
    Slot("_unfused.0.h2h_bias", "b_h", primary=False),       # (H,)
    Slot("linear.weight", "W_hq", transpose=True),           # (V, H)
    Slot("linear.bias", "b_q"),                              # (V,)
)

#: ``gluon.rnn.GRU`` (layer 0): gates stacked r, z, n, weights transposed; the reset-after GRU
#: (n = tanh(W_in x + b_in + r * (W_hn h + b_hn))): b_h = b_in, b_hh = b_hn, b_r and b_z split.
GRU = (
    *gate_slots("_unfused.0.i2h_weight", ("W_xr", "W_xz", "W_xh"), transpose=True),
    *gate_slots("_unfused.0.h2h_weight", ("W_hr", "W_hz", "W_hh"), transpose=True),
    *gate_slots("_unfused.0.i2h_bias", ("b_r", "b_z", "b_h")),
    *gate_slots("_unfused.0.h2h_bias", ("b_r", "b_z", "b_hh"), primary=(False, False, True)),
)

#: ``gluon.rnn.LSTM`` (layer 0): gates stacked i, f, c, o; every bias split.
LSTM = (
    *gate_slots("_unfused.0.i2h_weight", ("W_xi", "W_xf", "W_xc", "W_xo"), transpose=True),
    *gate_slots("_unfused.0.h2h_weight", ("W_hi", "W_hf", "W_hc", "W_ho"), transpose=True),
    *gate_slots("_unfused.0.i2h_bias", ("b_i", "b_f", "b_c", "b_o")),
    *gate_slots("_unfused.0.h2h_bias", ("b_i", "b_f", "b_c", "b_o"), primary=False),
)

#: d2l.RNNLM over d2l.GRU (one layer)
GRU_LM = (*GRU, *RNN_LM[-2:])  # the output layer as RNN_LM's

#: one map per model family on a framework layer
LAYER_MAPS = {RNN_LM_CONCISE.name: RNN_LM, GRU_LM_CONCISE.name: GRU_LM}
#: the map get_params/set_params apply to a model that names none (the concise RNN LM's)
LAYER_MAP = RNN_LM

register_layer_maps("mxnet", LAYER_MAPS)


def table_for(model: Any) -> tuple[Slot, ...]:
    """The map of the model's family (its ``lm_family``, or its RNN's); LAYER_MAP otherwise."""
    return _layer_map.table_for(model, LAYER_MAPS, LAYER_MAP)

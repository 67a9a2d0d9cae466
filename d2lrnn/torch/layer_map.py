"""torch's layers' weights under the book's canonical names (interpreted by
``d2lrnn.core.layer_map``). ``nn.RNN`` stores W_xh and W_hh transposed and splits b_h into two
summed biases; ``nn.Linear`` (the LM's ``self.linear``) stores W_hq transposed."""

from typing import Any

from d2lrnn.core import layer_map as _layer_map
from d2lrnn.core.layer_map import Slot, gate_slots
from d2lrnn.core.models import GRU_LM_CONCISE, RNN_LM_CONCISE, register_layer_maps

#: the concise RNN LM (d2l.RNNLM over d2l.RNN)
RNN_LM = (
    Slot("rnn.weight_ih_l0", "W_xh", transpose=True),   # (H, V)
    Slot("rnn.weight_hh_l0", "W_hh", transpose=True),   # (H, H)
    Slot("rnn.bias_ih_l0", "b_h"),                      # (H,) b_h = bias_ih + bias_hh
    Slot("rnn.bias_hh_l0", "b_h", primary=False),       # (H,)
    Slot("linear.weight", "W_hq", transpose=True),      # (V, H)
    Slot("linear.bias", "b_q"),                         # (V,)
)

#: ``nn.GRU`` (layer 0, under the model's ``rnn``): gates stacked r, z, n; weights transposed.
#: torch computes n = tanh(W_in x + b_in + r * (W_hn h + b_hn)): the reset-after GRU, with
#: b_h = b_in and b_hh = b_hn; b_r and b_z are split into two summed copies.
GRU = (
    *gate_slots("rnn.weight_ih_l0", ("W_xr", "W_xz", "W_xh"), transpose=True),
    *gate_slots("rnn.weight_hh_l0", ("W_hr", "W_hz", "W_hh"), transpose=True),
    *gate_slots("rnn.bias_ih_l0", ("b_r", "b_z", "b_h")),
    *gate_slots("rnn.bias_hh_l0", ("b_r", "b_z", "b_hh"), primary=(False, False, True)),
)

#: ``nn.LSTM`` (layer 0): gates stacked i, f, g (the book's input node c), o; every bias split.
LSTM = (
    *gate_slots("rnn.weight_ih_l0", ("W_xi", "W_xf", "W_xc", "W_xo"), transpose=True),
    *gate_slots("rnn.weight_hh_l0", ("W_hi", "W_hf", "W_hc", "W_ho"), transpose=True),
    *gate_slots("rnn.bias_ih_l0", ("b_i", "b_f", "b_c", "b_o")),
    *gate_slots("rnn.bias_hh_l0", ("b_i", "b_f", "b_c", "b_o"), primary=False),
)

#: d2l.RNNLM over d2l.GRU (one layer)
GRU_LM = (*GRU, *RNN_LM[-2:])  # the output layer as RNN_LM's

#: one map per model family on a framework layer
LAYER_MAPS = {RNN_LM_CONCISE.name: RNN_LM, GRU_LM_CONCISE.name: GRU_LM}
#: the map get_params/set_params apply to a model that names none (the concise RNN LM's)
LAYER_MAP = RNN_LM

register_layer_maps("torch", LAYER_MAPS)


def table_for(model: Any) -> tuple[Slot, ...]:
    """The map of the model's family (its ``lm_family``, or its RNN's); LAYER_MAP otherwise."""
    return _layer_map.table_for(model, LAYER_MAPS, LAYER_MAP)

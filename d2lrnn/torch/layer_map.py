"""torch's layers' weights under the book's canonical names (interpreted by
``d2lrnn.core.layer_map``). ``nn.RNN`` stores W_xh and W_hh transposed and splits b_h into two
summed biases; ``nn.Linear`` (the LM's ``self.linear``) stores W_hq transposed."""

from typing import Any

from d2lrnn.core import layer_map as _layer_map
from d2lrnn.core.layer_map import Slot, fused_layer
from d2lrnn.core.models import GRU_LM_CONCISE, RNN_LM_CONCISE, register_layer_maps

#: layer 0 of ``nn.RNN/GRU/LSTM``: (input weight, hidden weight, input bias, hidden bias)
LAYER0 = ("rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0")
#: the LM's output layer (``self.linear``), stored transposed
HEAD = (Slot("linear.weight", "W_hq", transpose=True),   # (V, H)
        Slot("linear.bias", "b_q"))                       # (V,)

#: the concise RNN LM (d2l.RNNLM over d2l.RNN): W_xh, W_hh transposed, b_h split in two copies
RNN_LM = (*fused_layer(LAYER0, "h"), *HEAD)
#: the GRU: gates stacked r, z, n (the book's candidate h); the reset-after GRU, n = tanh(W_in x +
#: b_in + r * (W_hn h + b_hn)): b_h = b_in, b_hh = b_hn; b_r and b_z split in two copies
GRU = fused_layer(LAYER0, "rzh", reset_after=True)
#: the LSTM: gates stacked i, f, g (the book's input node c), o; every bias split
LSTM = fused_layer(LAYER0, "ifco")

#: d2l.RNNLM over d2l.GRU (one layer)
GRU_LM = (*GRU, *HEAD)

#: one map per model family on a framework layer
LAYER_MAPS = {RNN_LM_CONCISE.name: RNN_LM, GRU_LM_CONCISE.name: GRU_LM}
#: the map get_params/set_params apply to a model that names none (the concise RNN LM's)
LAYER_MAP = RNN_LM

register_layer_maps("torch", LAYER_MAPS)


def table_for(model: Any) -> tuple[Slot, ...]:
    """The map of the model's family (its ``lm_family``, or its RNN's); LAYER_MAP otherwise."""
    return _layer_map.table_for(model, LAYER_MAPS, LAYER_MAP)

"""Flax layers' weights under the book's canonical names (interpreted by
``d2lrnn.core.layer_map``). ``nn.RNN(nn.SimpleCell)`` keeps W_xh and b_h in the input Dense
``cell/i`` and W_hh in the bias-free ``cell/h``; ``nn.Dense`` (the LM's ``linear``) has W_hq as
its kernel. Same layouts as the book: nothing transposed, nothing split."""

from d2lrnn.core.layer_map import Slot
from d2lrnn.core.models import RNN_LM_CONCISE, register_layer_maps

#: the concise RNN LM (d2l.RNNLM over d2l.RNN)
RNN_LM = (
    Slot("cell.i.kernel", "W_xh"),   # (V, H)
    Slot("cell.h.kernel", "W_hh"),   # (H, H)
    Slot("cell.i.bias", "b_h"),      # (H,)
    Slot("linear.kernel", "W_hq"),   # (H, V)
    Slot("linear.bias", "b_q"),      # (V,)
)

#: one map per model family on a framework layer
LAYER_MAPS = {RNN_LM_CONCISE.name: RNN_LM}
#: the map get_params/set_params apply to a model that names none (the concise RNN LM's)
LAYER_MAP = RNN_LM

register_layer_maps("jax", LAYER_MAPS)

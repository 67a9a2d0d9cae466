"""MXNet Gluon layers' weights under the book's canonical names (interpreted by
``d2lrnn.core.layer_map``). ``gluon.rnn.RNN`` keeps layer 0 under ``_unfused.0``: i2h/h2h
weights stored transposed, and b_h split into two summed biases; ``nn.Dense(flatten=False)``
(the LM's ``self.linear``) stores W_hq transposed. Paths are Gluon's structural names
(``Block._collect_params_with_prefix``)."""

from d2lrnn.core.layer_map import Slot
from d2lrnn.core.models import RNN_LM_CONCISE, register_layer_maps

#: the concise RNN LM (d2l.RNNLM over d2l.RNN)
RNN_LM = (
    Slot("_unfused.0.i2h_weight", "W_xh", transpose=True),   # (H, V)
    Slot("_unfused.0.h2h_weight", "W_hh", transpose=True),   # (H, H)
    Slot("_unfused.0.i2h_bias", "b_h"),                      # (H,) b_h = i2h_bias + h2h_bias
    Slot("_unfused.0.h2h_bias", "b_h", primary=False),       # (H,)
    Slot("linear.weight", "W_hq", transpose=True),           # (V, H)
    Slot("linear.bias", "b_q"),                              # (V,)
)

#: one map per model family on a framework layer
LAYER_MAPS = {RNN_LM_CONCISE.name: RNN_LM}
#: the map get_params/set_params apply to a model that names none (the concise RNN LM's)
LAYER_MAP = RNN_LM

register_layer_maps("mxnet", LAYER_MAPS)

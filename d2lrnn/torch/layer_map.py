"""torch's layers' weights under the book's canonical names (interpreted by
``d2lrnn.core.layer_map``). ``nn.RNN`` stores W_xh and W_hh transposed and splits b_h into two
summed biases; ``nn.Linear`` (the LM's ``self.linear``) stores W_hq transposed."""

from d2lrnn.core.layer_map import Slot, backend_tables, fused_tables
from d2lrnn.core.models import GRU_LM_CONCISE, RNN_LM_CONCISE

#: layer 0 of ``nn.RNN/GRU/LSTM``: (input weight, hidden weight, input bias, hidden bias)
LAYER0 = ("rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0")
#: the LM's output layer (``self.linear``), stored transposed
HEAD = (Slot("linear.weight", "W_hq", transpose=True),   # (V, H)
        Slot("linear.bias", "b_q"))                       # (V,)

#: the concise RNN LM (d2l.RNNLM over d2l.RNN: W_xh, W_hh transposed, b_h split in two copies);
#: the GRU (gates stacked r, z, n: the reset-after GRU, b_h = b_in, b_hh = b_hn, b_r and b_z
#: split); the LSTM (gates i, f, g = the book's input node c, o; every bias split)
RNN_LM, GRU, LSTM = fused_tables(LAYER0, HEAD)

#: d2l.RNNLM over d2l.GRU (one layer)
GRU_LM = (*GRU, *HEAD)

#: one map per model family on a framework layer
LAYER_MAPS = {RNN_LM_CONCISE.name: RNN_LM, GRU_LM_CONCISE.name: GRU_LM}
#: the map get_params/set_params apply to a model that names none (the concise RNN LM's)
LAYER_MAP = RNN_LM

#: the map of a model's family (its ``lm_family``, or its RNN's); LAYER_MAP otherwise
table_for = backend_tables("torch", LAYER_MAPS, LAYER_MAP)

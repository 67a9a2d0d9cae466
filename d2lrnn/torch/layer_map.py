"""torch's layers' weights under the book's canonical names (interpreted by
``d2lrnn.core.layer_map``). ``nn.RNN`` stores W_xh and W_hh transposed and splits b_h into two
summed biases; ``nn.Linear`` (the LM's ``self.linear``) stores W_hq transposed."""

from d2lrnn.core.layer_map import Slot

LAYER_MAP = (
    Slot("rnn.weight_ih_l0", "W_xh", transpose=True),   # (H, V)
    Slot("rnn.weight_hh_l0", "W_hh", transpose=True),   # (H, H)
    Slot("rnn.bias_ih_l0", "b_h"),                      # (H,) b_h = bias_ih + bias_hh
    Slot("rnn.bias_hh_l0", "b_h", primary=False),       # (H,)
    Slot("linear.weight", "W_hq", transpose=True),      # (V, H)
    Slot("linear.bias", "b_q"),                         # (V,)
)

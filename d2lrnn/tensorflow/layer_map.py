"""Keras 3 layers' weights under the book's canonical names (interpreted by
``d2lrnn.core.layer_map``). Paths are the model's attribute path to the layer plus the weight's
own name (``rnn.rnn.kernel``): ``SimpleRNN`` keeps W_xh, W_hh, b_h as ``kernel``,
``recurrent_kernel``, ``bias``; ``Dense`` (the LM's ``self.linear``) W_hq, b_q as ``kernel``,
``bias``. Same layouts as the book: nothing transposed, nothing split."""

from d2lrnn.core.layer_map import Slot

LAYER_MAP = (
    Slot("rnn.kernel", "W_xh"),             # (V, H)
    Slot("rnn.recurrent_kernel", "W_hh"),   # (H, H)
    Slot("rnn.bias", "b_h"),                # (H,)
    Slot("linear.kernel", "W_hq"),          # (H, V)
    Slot("linear.bias", "b_q"),             # (V,)
)

# The book's rnn section, tensorflow tab: its cells in order; only the d2l import differs.

# %%
from d2lrnn import tensorflow as d2l
import tensorflow as tf

# %%
X, W_xh = d2l.normal((3, 1)), d2l.normal((1, 4))
H, W_hh = d2l.normal((3, 4)), d2l.normal((4, 4))
print(repr(d2l.matmul(X, W_xh) + d2l.matmul(H, W_hh)))  # the notebook displays this value

# %%
print(repr(d2l.matmul(d2l.concat((X, H), 1), d2l.concat((W_xh, W_hh), 0))))  # the notebook displays this value


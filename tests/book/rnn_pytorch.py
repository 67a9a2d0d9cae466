# The book's rnn section, pytorch tab: its cells in order; only the d2l import differs.

# %%
from d2lrnn import torch as d2l
import torch

# %%
X, W_xh = d2l.randn(3, 1), d2l.randn(1, 4)
H, W_hh = d2l.randn(3, 4), d2l.randn(4, 4)
print(repr(d2l.matmul(X, W_xh) + d2l.matmul(H, W_hh)))  # the notebook displays this value

# %%
print(repr(d2l.matmul(d2l.concat((X, H), 1), d2l.concat((W_xh, W_hh), 0))))  # the notebook displays this value


"""The book's (older edition) section 'rnn', pytorch tab, transcribed by transcribe.py."""
# ruff: noqa
def _show(value):  # what a notebook shows for a cell ending in an expression
    if value is not None:
        print(repr(value))


# %% cell 1
from d2lrnn.classic import torch as d2l
import torch


# %% cell 2
X, W_xh = d2l.normal(0, 1, (3, 1)), d2l.normal(0, 1, (1, 4))
H, W_hh = d2l.normal(0, 1, (3, 4)), d2l.normal(0, 1, (4, 4))
_show((d2l.matmul(X, W_xh) + d2l.matmul(H, W_hh)))


# %% cell 3
_show((d2l.matmul(d2l.concat((X, H), 1), d2l.concat((W_xh, W_hh), 0))))

"""The book's (older edition) section 'rnn', tensorflow tab, transcribed by transcribe.py."""
# ruff: noqa
def _show(value):  # what a notebook shows for a cell ending in an expression
    if value is not None:
        print(repr(value))


# %% cell 1
from d2lrnn.classic import tensorflow as d2l
import tensorflow as tf


# %% cell 2
X, W_xh = d2l.normal((3, 1), 0, 1), d2l.normal((1, 4), 0, 1)
H, W_hh = d2l.normal((3, 4), 0, 1), d2l.normal((4, 4), 0, 1)
_show((d2l.matmul(X, W_xh) + d2l.matmul(H, W_hh)))


# %% cell 3
_show((d2l.matmul(d2l.concat((X, H), 1), d2l.concat((W_xh, W_hh), 0))))

# The book's rnn section, jax tab: its cells in order; only the d2l import differs.

# %%
from d2lrnn import jax as d2l
import jax
from jax import numpy as jnp

# %%
X, W_xh = jax.random.normal(d2l.get_key(), (3, 1)), jax.random.normal(
                                                        d2l.get_key(), (1, 4))
H, W_hh = jax.random.normal(d2l.get_key(), (3, 4)), jax.random.normal(
                                                        d2l.get_key(), (4, 4))
print(repr(d2l.matmul(X, W_xh) + d2l.matmul(H, W_hh)))  # the notebook displays this value

# %%
print(repr(d2l.matmul(d2l.concat((X, H), 1), d2l.concat((W_xh, W_hh), 0))))  # the notebook displays this value


"""The book's section 'bi-rnn', tab jax: every cell in order, only the import line
changed (written by tests/book/modern/transcribe.py)."""
_show = lambda value: None if value is None else print(repr(value))  # as a notebook displays

# %%
from d2lrnn import jax as d2l
from jax import numpy as jnp

# %%
class BiRNNScratch(d2l.Module):
    num_inputs: int
    num_hiddens: int
    sigma: float = 0.01

    def setup(self):
        self.f_rnn = d2l.RNNScratch(self.num_inputs, self.num_hiddens, self.sigma)
        self.b_rnn = d2l.RNNScratch(self.num_inputs, self.num_hiddens, self.sigma)

# %%
@d2l.add_to_class(BiRNNScratch)
def forward(self, inputs, Hs=None):
    f_H, b_H = Hs if Hs is not None else (None, None)
    f_outputs, f_H = self.f_rnn(inputs, f_H)
    b_outputs, b_H = self.b_rnn(reversed(inputs), b_H)
    outputs = [d2l.concat((f, b), -1) for f, b in zip(
        f_outputs, reversed(b_outputs))]
    return outputs, (f_H, b_H)

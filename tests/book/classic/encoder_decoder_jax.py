"""The book's (older edition) section 'encoder-decoder', JAX version (the edition has no JAX tab),
written for d2lrnn after the pytorch tab: the encoder and the decoder are Flax linen modules
(they hold no weights); the encoder-decoder holds the two modules and their parameters."""
# ruff: noqa
def _show(value):  # what a notebook shows for a cell ending in an expression
    if value is not None:
        print(repr(value))


# %% cell 1
from d2lrnn.classic import jax as d2l
import jax
from jax import numpy as jnp
from flax import linen as nn

#@save
class Encoder(nn.Module):
    """The base encoder interface for the encoder-decoder architecture."""
    def __call__(self, X, *args, training=False):
        raise NotImplementedError


# %% cell 2
#@save
class Decoder(nn.Module):
    """The base decoder interface for the encoder-decoder architecture."""
    def init_state(self, enc_outputs, *args):
        raise NotImplementedError

    def __call__(self, X, state, training=False):
        raise NotImplementedError


# %% cell 3
#@save
class EncoderDecoder:
    """The base class for the encoder-decoder architecture."""
    def __init__(self, encoder, decoder):
        self.encoder = encoder
        self.decoder = decoder
        # Flax modules hold no weights: initialize them on a one-token example
        X, valid_len = jnp.zeros((1, 1), dtype=jnp.int32), jnp.ones(1, dtype=jnp.int32)
        enc_params = encoder.init(d2l.get_key(), X, valid_len)
        dec_state = decoder.init_state(encoder.apply(enc_params, X, valid_len),
                                       valid_len)
        self.params = {'encoder': enc_params,
                       'decoder': decoder.init(d2l.get_key(), X, dec_state)}

    def apply(self, params, enc_X, dec_X, *args, training=False, key=None):
        # While training, `key` is the randomness of dropout: one half each
        rngs = [{'dropout': k} for k in jax.random.split(key)] if training else [{}, {}]
        enc_outputs = self.encoder.apply(params['encoder'], enc_X, *args,
                                         training=training, rngs=rngs[0])
        dec_state = self.decoder.init_state(enc_outputs, *args)
        return self.decoder.apply(params['decoder'], dec_X, dec_state,
                                  training=training, rngs=rngs[1])

    def __call__(self, enc_X, dec_X, *args):
        return self.apply(self.params, enc_X, dec_X, *args)

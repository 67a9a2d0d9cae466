"""``from d2lrnn import jax as d2l``: the book's current edition on JAX with Flax linen and
Optax.

The surface (``names.current_exports("jax")``) is assembled from JAX's own modules and the
framework-free core (``d2lrnn.core.surface.assemble_current``).
"""

from d2lrnn.core.install import require as _require

_require("jax")

from d2lrnn.core.random import backend_seed as _backend_seed
from d2lrnn.core.surface import assemble_current as _assemble
from d2lrnn.jax import concise as _concise
from d2lrnn.jax import device as _device
from d2lrnn.jax import module as _module
from d2lrnn.jax import regression as _regression
from d2lrnn.jax import rnn as _rnn
from d2lrnn.jax import seq2seq as _seq2seq
from d2lrnn.jax import tensors as _tensors
from d2lrnn.jax import trainer as _trainer
from d2lrnn.jax.tensors import reset_key

BACKEND = "jax"
seed = _backend_seed(reset_key, "the key get_key() splits")

_assemble(globals(), own=[_module, _trainer, _rnn, _concise, _seq2seq, _regression],
          tensors=_tensors, device=_device)

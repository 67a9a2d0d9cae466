"""``from d2lrnn.classic import jax as d2l``: the older edition's chapters 8 and 9 on JAX (the
edition never had a JAX tab; these are the same names, written for this project).

The book's surface (``names.classic_exports("jax")``) is assembled here from JAX's own modules
(``ch8``: functional models, the jitted update, clipping; ``ch9``: the encoder-decoder as Flax
modules with their parameters, the masked loss, the seq2seq steps; ``arrays``: ``normal(mean,
std, shape)`` in PyTorch's argument order), the current edition's tensor aliases and device
helpers, and what the four frameworks share (``d2lrnn.classic.common``, ``.seq2seq``).
"""

from __future__ import annotations

from d2lrnn.classic import common as _common
from d2lrnn.classic.jax import arrays as _arrays
from d2lrnn.classic.jax import ch8 as _ch8
from d2lrnn.classic.jax import ch9 as _ch9
from d2lrnn.classic.jax.ch8 import _Hooks, _hooks  # noqa: F401  (train_ch8's; tests patch)
from d2lrnn.classic.jax.ch9 import _seq2seq_hooks  # noqa: F401  (tests call the loops)
from d2lrnn.core import names as _names
from d2lrnn.core.random import backend_seed as _backend_seed
from d2lrnn.jax import device as _device
from d2lrnn.jax import tensors as _tensors

BACKEND = "jax"
seed = _backend_seed(_tensors.reset_key, "the JAX key")

_common.assemble(globals(), own=[_arrays, _ch8, _ch9], tensors=_tensors, device=_device)
__all__ = _names.classic_exports(BACKEND)  # the declared surface (d2lrnn/core/names.py)

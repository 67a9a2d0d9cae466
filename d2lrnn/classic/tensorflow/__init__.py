"""``from d2lrnn.classic import tensorflow as d2l``: the older edition's chapters 8 and 9 on
TensorFlow 2 / Keras 3, with the TensorFlow tab's own signatures (see ``ch8``, ``ch9``).

The book's surface (``names.classic_exports("tensorflow")``) is assembled here from
TensorFlow's own modules (``ch8``: the models, the compiled step, clipping; ``layers``:
``RNN`` with ``time_major``; ``ch9``: the encoder-decoder layers, the masked loss, the seq2seq
steps), the current edition's tensor aliases and device helpers, and what the four frameworks
share (``d2lrnn.classic.common``, ``.seq2seq``).
"""

from __future__ import annotations

import tensorflow as tf

from d2lrnn.classic import common as _common
from d2lrnn.classic.tensorflow import ch8 as _ch8
from d2lrnn.classic.tensorflow import ch9 as _ch9
from d2lrnn.classic.tensorflow import layers as _layers
from d2lrnn.classic.tensorflow.ch8 import _Hooks, _hooks  # noqa: F401  (tests patch them)
from d2lrnn.classic.tensorflow.ch9 import _seq2seq_hooks  # noqa: F401  (tests call the loops)
from d2lrnn.core import names as _names
from d2lrnn.core.random import backend_seed as _backend_seed
from d2lrnn.tensorflow import device as _device
from d2lrnn.tensorflow import tensors as _tensors

BACKEND = "tensorflow"
seed = _backend_seed(_tensors.seed_tensorflow, "TensorFlow's and Keras's generators")

_common.assemble(globals(), own=[_layers, _ch8, _ch9], tensors=_tensors, device=_device)
__all__ = _names.classic_exports(BACKEND)  # the declared surface (d2lrnn/core/names.py)

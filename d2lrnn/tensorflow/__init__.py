"""``from d2lrnn import tensorflow as d2l``: the book's current edition on TensorFlow with
Keras 3.

The surface (``names.current_exports("tensorflow")``) is assembled from TensorFlow's own
modules and the framework-free core (``d2lrnn.core.surface.assemble_current``).
"""

from d2lrnn.core.install import require as _require

_require("tensorflow")
from d2lrnn.tensorflow.quiet import import_tensorflow as _import_tensorflow

_import_tensorflow()

from d2lrnn.core.random import backend_seed as _backend_seed
from d2lrnn.core.surface import assemble_current as _assemble
from d2lrnn.tensorflow import concise as _concise
from d2lrnn.tensorflow import device as _device
from d2lrnn.tensorflow import module as _module
from d2lrnn.tensorflow import regression as _regression
from d2lrnn.tensorflow import rnn as _rnn
from d2lrnn.tensorflow import seq2seq as _seq2seq
from d2lrnn.tensorflow import tensors as _tensors
from d2lrnn.tensorflow import trainer as _trainer

BACKEND = "tensorflow"
seed = _backend_seed(_tensors.seed_tensorflow, "TensorFlow's and Keras's generators")

_assemble(globals(), own=[_module, _trainer, _rnn, _concise, _seq2seq, _regression],
          tensors=_tensors, device=_device)

"""``from d2lrnn import torch as d2l``: the book's current edition on PyTorch.

The surface (``names.current_exports("torch")``) is assembled from PyTorch's own modules
(``module``, ``trainer``, ``rnn``, ``concise``, ``seq2seq``, ``regression``, the tensor aliases
and device helpers) and the framework-free core (``d2lrnn.core.surface.assemble_current``).
"""

from d2lrnn.core.install import require as _require

_require("torch")

from d2lrnn.core.random import backend_seed as _backend_seed
from d2lrnn.core.surface import assemble_current as _assemble
from d2lrnn.torch import concise as _concise
from d2lrnn.torch import device as _device
from d2lrnn.torch import module as _module
from d2lrnn.torch import regression as _regression
from d2lrnn.torch import rnn as _rnn
from d2lrnn.torch import seq2seq as _seq2seq
from d2lrnn.torch import tensors as _tensors
from d2lrnn.torch import trainer as _trainer

BACKEND = "torch"
seed = _backend_seed(lambda n: __import__("torch").manual_seed(n), "torch's own generator")

_assemble(globals(), own=[_module, _trainer, _rnn, _concise, _seq2seq, _regression],
          tensors=_tensors, device=_device)

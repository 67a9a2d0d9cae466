"""``from d2lrnn.classic import torch as d2l``: the older edition's chapters 8 and 9 on
PyTorch.

The book's surface (``names.classic_exports("torch")``) is assembled here from PyTorch's own
modules (``ch8``: the models, the gradient step, clipping; ``ch9``: the encoder-decoder
modules, the masked loss, the seq2seq steps), the current edition's tensor aliases and device
helpers, and what the four frameworks share (``d2lrnn.classic.common``, ``.seq2seq``).
"""

from __future__ import annotations

import torch

from d2lrnn.classic import common as _common
from d2lrnn.classic.torch import ch8 as _ch8
from d2lrnn.classic.torch import ch9 as _ch9
from d2lrnn.classic.torch.ch8 import _Hooks, _hooks  # noqa: F401  (train_ch8's; tests patch)
from d2lrnn.classic.torch.ch9 import _seq2seq_hooks  # noqa: F401  (tests call the loops)
from d2lrnn.core import names as _names
from d2lrnn.core.random import backend_seed as _backend_seed
from d2lrnn.torch import device as _device
from d2lrnn.torch import tensors as _tensors

BACKEND = "torch"
seed = _backend_seed(lambda n: torch.manual_seed(n), "torch's own generator")

_common.assemble(globals(), own=[_ch8, _ch9], tensors=_tensors, device=_device)
__all__ = _names.classic_exports(BACKEND)  # the declared surface (d2lrnn/core/names.py)

"""``from d2lrnn import mxnet as d2l``: the book's current edition on MXNet 1.9.1 (numpy
interface), beside numpy 2 (see ``d2lrnn.mxnet.compat``).

The surface (``names.current_exports("mxnet")``) is assembled from MXNet's own modules and the
framework-free core (``d2lrnn.core.surface.assemble_current``).
"""

from d2lrnn.core.install import require as _require

_require("mxnet")
from d2lrnn.mxnet.compat import import_mxnet as _import_mxnet

_import_mxnet()

from d2lrnn.core.random import backend_seed as _backend_seed  # noqa: E402
from d2lrnn.core.surface import assemble_current as _assemble  # noqa: E402
from d2lrnn.mxnet import concise as _concise  # noqa: E402
from d2lrnn.mxnet import device as _device  # noqa: E402
from d2lrnn.mxnet import module as _module  # noqa: E402
from d2lrnn.mxnet import regression as _regression  # noqa: E402
from d2lrnn.mxnet import rnn as _rnn  # noqa: E402
from d2lrnn.mxnet import seq2seq as _seq2seq  # noqa: E402
from d2lrnn.mxnet import tensors as _tensors  # noqa: E402
from d2lrnn.mxnet import trainer as _trainer  # noqa: E402

BACKEND = "mxnet"
seed = _backend_seed(lambda n: __import__("mxnet").random.seed(n), "MXNet's own generator")

_assemble(globals(), own=[_module, _trainer, _rnn, _concise, _seq2seq, _regression],
          tensors=_tensors, device=_device)

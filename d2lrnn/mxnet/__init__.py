"""``from d2lrnn import mxnet as d2l``: the section on MXNet 1.9.1 (numpy interface), beside
numpy 2 (see ``d2lrnn.mxnet.compat``)."""

from d2lrnn.core.install import require as _require

_require("mxnet")
from d2lrnn.mxnet.compat import import_mxnet as _import_mxnet

_import_mxnet()

from d2lrnn.core import HyperParameters, ProgressBoard, Vocab, add_to_class, check_len, check_shape  # noqa: E402
from d2lrnn.core import names as _names  # noqa: E402
from d2lrnn.core.download import DATA_URL, download, extract  # noqa: E402
from d2lrnn.core.nmt import show_list_len_pair_hist  # noqa: E402
from d2lrnn.core.plot import lazy_plt as _lazy_plt  # noqa: E402
from d2lrnn.core.plot import plot, set_axes, set_figsize, use_svg_display  # noqa: E402
from d2lrnn.core.random import backend_seed as _backend_seed  # noqa: E402
from d2lrnn.core.surface import export_names as _export_names  # noqa: E402
from d2lrnn.core.trainer import TrainingDivergedError  # noqa: E402
from d2lrnn.mxnet import device as _device  # noqa: E402
from d2lrnn.mxnet import tensors as _tensors  # noqa: E402
from d2lrnn.mxnet.concise import GRU, RNN, RNNLM  # noqa: E402
from d2lrnn.mxnet.module import (  # noqa: E402
    SGD,
    Classifier,
    DataModule,
    Module,
    MTFraEng,
    TimeMachine,
    get_params,
    set_params,
)
from d2lrnn.mxnet.regression import LinearRegression  # noqa: E402
from d2lrnn.mxnet.rnn import RNNLMScratch, RNNScratch  # noqa: E402
from d2lrnn.mxnet.seq2seq import (  # noqa: E402
    Decoder,
    Encoder,
    EncoderDecoder,
    Seq2Seq,
    Seq2SeqEncoder,
    bleu,
)
from d2lrnn.mxnet.tensors import sigmoid, swapaxes, to  # noqa: E402
from d2lrnn.mxnet.trainer import Trainer  # noqa: E402

_export_names(globals(), _tensors, _names.TENSOR_ALIASES)  # d2l.matmul, d2l.reshape...
_export_names(globals(), _device, _names.DEVICE)  # d2l.try_gpu, d2l.cpu...

BACKEND = "mxnet"


seed = _backend_seed(lambda n: __import__("mxnet").random.seed(n), "MXNet's own generator")


__getattr__ = _lazy_plt(__name__)  # d2l.plt: matplotlib.pyplot, imported on first use

__all__ = _names.current_exports("mxnet")  # the declared surface (d2lrnn/core/names.py)

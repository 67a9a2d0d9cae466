"""``from d2lrnn import torch as d2l``: the section on PyTorch."""

from d2lrnn.core.install import require as _require

_require("torch")

from d2lrnn.core import HyperParameters, ProgressBoard, Vocab, add_to_class, check_len, check_shape
from d2lrnn.core import names as _names
from d2lrnn.core.download import DATA_URL, download, extract
from d2lrnn.core.nmt import show_list_len_pair_hist
from d2lrnn.core.plot import lazy_plt as _lazy_plt
from d2lrnn.core.plot import plot, set_axes, set_figsize, use_svg_display
from d2lrnn.core.random import backend_seed as _backend_seed
from d2lrnn.core.surface import export_names as _export_names
from d2lrnn.core.trainer import TrainingDivergedError
from d2lrnn.torch import device as _device
from d2lrnn.torch import tensors as _tensors
from d2lrnn.torch.concise import GRU, RNN, RNNLM
from d2lrnn.torch.module import (
    SGD,
    Classifier,
    DataModule,
    Module,
    MTFraEng,
    TimeMachine,
    get_params,
    set_params,
)
from d2lrnn.torch.regression import LinearRegression
from d2lrnn.torch.rnn import RNNLMScratch, RNNScratch
from d2lrnn.torch.seq2seq import (
    Decoder,
    Encoder,
    EncoderDecoder,
    Seq2Seq,
    Seq2SeqEncoder,
    bleu,
    init_seq2seq,
)
from d2lrnn.torch.tensors import sigmoid, swapaxes, to
from d2lrnn.torch.trainer import Trainer

_export_names(globals(), _tensors, _names.TENSOR_ALIASES)  # d2l.matmul, d2l.reshape...
_export_names(globals(), _device, _names.DEVICE)  # d2l.try_gpu, d2l.cpu...

BACKEND = "torch"


seed = _backend_seed(lambda n: __import__("torch").manual_seed(n), "torch's own generator")


__getattr__ = _lazy_plt(__name__)  # d2l.plt: matplotlib.pyplot, imported on first use

__all__ = _names.current_exports("torch")  # the declared surface (d2lrnn/core/names.py)

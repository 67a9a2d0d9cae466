"""``from d2lrnn import tensorflow as d2l``: the section on TensorFlow with Keras 3."""

from d2lrnn.core import HyperParameters, ProgressBoard, Vocab, add_to_class, check_len, check_shape
from d2lrnn.core.download import DATA_URL, download
from d2lrnn.core.plot import lazy_plt as _lazy_plt
from d2lrnn.core.plot import plot, set_axes, set_figsize, use_svg_display
from d2lrnn.core.random import backend_seed as _backend_seed
from d2lrnn.core.trainer import TrainingDivergedError
from d2lrnn.tensorflow.concise import RNN, RNNLM, SimpleRNN
from d2lrnn.tensorflow.module import (
    Classifier,
    DataModule,
    Module,
    TimeMachine,
    get_params,
    set_params,
)
from d2lrnn.tensorflow.regression import LinearRegression
from d2lrnn.tensorflow.rnn import RNNLMScratch, RNNScratch
from d2lrnn.tensorflow.tensors import (
    abs,
    arange,
    argmax,
    astype,
    concat,
    cos,
    cpu,
    exp,
    expand_dims,
    eye,
    float32,
    gpu,
    int32,
    int64,
    linspace,
    log,
    matmul,
    meshgrid,
    normal,
    num_gpus,
    numpy,
    ones,
    rand,
    reduce_mean,
    reduce_sum,
    reshape,
    sin,
    size,
    stack,
    swapaxes,
    tanh,
    tensor,
    transpose,
    try_all_gpus,
    try_gpu,
    zeros,
)
from d2lrnn.tensorflow.trainer import Trainer

BACKEND = "tensorflow"


seed = _backend_seed(lambda n: __import__("tensorflow").random.set_seed(n),
                     "TensorFlow's own generator")


__getattr__ = _lazy_plt(__name__)  # d2l.plt: matplotlib.pyplot, imported on first use

__all__ = [name for name in dir() if not name.startswith("_")]

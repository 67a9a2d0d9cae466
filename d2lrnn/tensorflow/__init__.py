"""``from d2lrnn import tensorflow as d2l``: the section on TensorFlow with Keras 3."""

from d2lrnn.core import HyperParameters, ProgressBoard, Vocab, add_to_class, check_len, check_shape
from d2lrnn.core import names as _names
from d2lrnn.core.random import backend_seed as _backend_seed
from d2lrnn.core.trainer import TrainingDivergedError
from d2lrnn.tensorflow.device import cpu, gpu, num_gpus, try_all_gpus, try_gpu
from d2lrnn.tensorflow.module import (
    Classifier,
    DataModule,
    Module,
    TimeMachine,
    get_params,
    set_params,
)
from d2lrnn.tensorflow.rnn import RNNLMScratch, RNNScratch
from d2lrnn.tensorflow.tensors import (
    abs,
    arange,
    argmax,
    astype,
    concat,
    cos,
    exp,
    expand_dims,
    eye,
    float32,
    int32,
    int64,
    linspace,
    log,
    matmul,
    meshgrid,
    normal,
    numpy,
    ones,
    rand,
    randn,
    reduce_mean,
    reduce_sum,
    reshape,
    sin,
    size,
    stack,
    tanh,
    tensor,
    transpose,
    zeros,
)
from d2lrnn.tensorflow.trainer import Trainer

BACKEND = "tensorflow"


seed = _backend_seed(lambda n: __import__("tensorflow").random.set_seed(n),
                     "TensorFlow's own generator")


__all__ = _names.current_exports("tensorflow")  # the declared surface (d2lrnn/core/names.py)

"""``from d2lrnn import mxnet as d2l``: the section on MXNet 1.9.1 (numpy interface), beside
numpy 2 (see ``d2lrnn.mxnet.compat``)."""

from d2lrnn.mxnet.compat import import_mxnet as _import_mxnet

_import_mxnet()

from d2lrnn.core import HyperParameters, ProgressBoard, Vocab, add_to_class, check_len, check_shape  # noqa: E402
from d2lrnn.core import names as _names  # noqa: E402
from d2lrnn.core.random import backend_seed as _backend_seed  # noqa: E402
from d2lrnn.core.trainer import TrainingDivergedError  # noqa: E402
from d2lrnn.mxnet.device import cpu, gpu, num_gpus, try_all_gpus, try_gpu  # noqa: E402
from d2lrnn.mxnet.module import (  # noqa: E402
    SGD,
    Classifier,
    DataModule,
    Module,
    TimeMachine,
    get_params,
    set_params,
)
from d2lrnn.mxnet.rnn import RNNLMScratch, RNNScratch  # noqa: E402
from d2lrnn.mxnet.tensors import (  # noqa: E402
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
from d2lrnn.mxnet.trainer import Trainer  # noqa: E402

BACKEND = "mxnet"


seed = _backend_seed(lambda n: __import__("mxnet").random.seed(n), "MXNet's own generator")


__all__ = _names.current_exports("mxnet")  # the declared surface (d2lrnn/core/names.py)

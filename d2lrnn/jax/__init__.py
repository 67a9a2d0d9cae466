"""``from d2lrnn import jax as d2l``: the section on JAX with Flax linen and Optax."""

from d2lrnn.core import HyperParameters, ProgressBoard, Vocab, add_to_class, check_len, check_shape
from d2lrnn.core import names as _names
from d2lrnn.core.random import backend_seed as _backend_seed
from d2lrnn.core.trainer import TrainingDivergedError
from d2lrnn.jax.device import cpu, gpu, num_gpus, try_all_gpus, try_gpu
from d2lrnn.jax.module import Classifier, DataModule, Module, TimeMachine, get_params, set_params
from d2lrnn.jax.rnn import RNNLMScratch, RNNScratch
from d2lrnn.jax.tensors import (
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
    get_key,
    int32,
    int64,
    linspace,
    log,
    matmul,
    meshgrid,
    normal,
    normal_init,
    numpy,
    ones,
    rand,
    randn,
    reduce_mean,
    reduce_sum,
    reset_key,
    reshape,
    sin,
    size,
    stack,
    tanh,
    tensor,
    transpose,
    zeros,
)
from d2lrnn.jax.trainer import Trainer, TrainState

BACKEND = "jax"


seed = _backend_seed(reset_key, "the key get_key() splits")


__all__ = _names.current_exports("jax")  # the declared surface (d2lrnn/core/names.py)

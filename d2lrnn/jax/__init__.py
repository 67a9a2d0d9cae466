"""``from d2lrnn import jax as d2l``: the section on JAX with Flax linen and Optax."""

from d2lrnn.core import HyperParameters, ProgressBoard, Vocab, add_to_class, check_len, check_shape
from d2lrnn.core.download import DATA_URL, download
from d2lrnn.core.plot import lazy_plt as _lazy_plt
from d2lrnn.core.plot import plot, set_axes, set_figsize, use_svg_display
from d2lrnn.core.random import backend_seed as _backend_seed
from d2lrnn.core.trainer import TrainingDivergedError
from d2lrnn.jax.cache import enable_compilation_cache as _enable_cache
from d2lrnn.jax.concise import RNN, RNNLM
from d2lrnn.jax.module import Classifier, DataModule, Module, TimeMachine, get_params, set_params
from d2lrnn.jax.regression import LinearRegression
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
    normal_init,
    numpy,
    ones,
    reduce_mean,
    reduce_sum,
    reset_key,
    reshape,
    sin,
    size,
    stack,
    swapaxes,
    tanh,
    tensor,
    transpose,
    zeros,
)
from d2lrnn.jax.trainer import Trainer, TrainState

BACKEND = "jax"
_enable_cache()  # compiled steps are reused across runs (see d2lrnn/jax/cache.py)


seed = _backend_seed(reset_key, "the key get_key() splits")


def num_gpus() -> int:
    import jax
    return sum(d.platform == "gpu" for d in jax.devices())


def cpu() -> object:
    import jax
    return jax.devices("cpu")[0]


def try_gpu(i: int = 0) -> object:
    import jax
    gpus = [d for d in jax.devices() if d.platform == "gpu"]
    return gpus[i] if len(gpus) > i else cpu()


__getattr__ = _lazy_plt(__name__)  # d2l.plt: matplotlib.pyplot, imported on first use

__all__ = [name for name in dir() if not name.startswith("_")]

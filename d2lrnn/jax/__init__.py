"""``from d2lrnn import jax as d2l``: the section on JAX with Flax linen and Optax."""

from d2lrnn.core.install import require as _require

_require("jax")

from d2lrnn.core import HyperParameters, ProgressBoard, Vocab, add_to_class, check_len, check_shape
from d2lrnn.core import names as _names
from d2lrnn.core.download import DATA_URL, download, extract
from d2lrnn.core.nmt import show_list_len_pair_hist
from d2lrnn.core.plot import lazy_plt as _lazy_plt
from d2lrnn.core.plot import plot, set_axes, set_figsize, use_svg_display
from d2lrnn.core.random import backend_seed as _backend_seed
from d2lrnn.core.surface import export_names as _export_names
from d2lrnn.core.trainer import TrainingDivergedError
from d2lrnn.jax import device as _device
from d2lrnn.jax import tensors as _tensors
from d2lrnn.jax.concise import GRU, RNN, RNNLM
from d2lrnn.jax.module import (
    Classifier,
    DataModule,
    Module,
    MTFraEng,
    TimeMachine,
    get_params,
    set_params,
)
from d2lrnn.jax.regression import LinearRegression
from d2lrnn.jax.rnn import RNNLMScratch, RNNScratch
from d2lrnn.jax.tensors import get_key, normal_init, reset_key, sigmoid, swapaxes
from d2lrnn.jax.trainer import Trainer, TrainState

_export_names(globals(), _tensors, _names.TENSOR_ALIASES)  # d2l.matmul, d2l.reshape...
_export_names(globals(), _device, _names.DEVICE)  # d2l.try_gpu, d2l.cpu...

BACKEND = "jax"


seed = _backend_seed(reset_key, "the key get_key() splits")


__getattr__ = _lazy_plt(__name__)  # d2l.plt: matplotlib.pyplot, imported on first use

__all__ = _names.current_exports("jax")  # the declared surface (d2lrnn/core/names.py)

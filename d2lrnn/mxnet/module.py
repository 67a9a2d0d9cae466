"""``Module``, ``Classifier``, ``SGD`` and data on MXNet (Gluon Blocks, numpy interface).

Scratch models keep their parameters as plain ``np.ndarray`` attributes with ``attach_grad()``;
``get_scratch_params()`` finds them (also in sub-modules) and ``parameters()`` returns them when
the model has no Gluon parameters, as in the book.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

import numpy as onp
from mxnet import gluon, np, npx  # d2lrnn.mxnet.__init__ ran the compat step first
from mxnet.gluon.parameter import DeferredInitializationError

from d2lrnn.core import data as core_data
from d2lrnn.core import layer_map
from d2lrnn.core import module as core_module
from d2lrnn.core import nmt as core_nmt
from d2lrnn.core import params as core_params
from d2lrnn.core.hparams import HyperParameters
from d2lrnn.mxnet.layer_map import table_for
from d2lrnn.mxnet.tensors import mx


class SGD(HyperParameters):
    """Minibatch SGD on scratch parameters: ``param -= lr * param.grad``."""

    def __init__(self, params: list[Any], lr: float) -> None:
        self.save_hyperparameters()

    def step(self, _: Any = None) -> None:
        for param in self.params:
            param -= self.lr * param.grad


class Module(gluon.nn.Block, core_module.Module):
    """The base class of models: a Gluon Block with the book's plotting protocol."""

    def __init__(self, plot_train_per_epoch: int = 2, plot_valid_per_epoch: int = 1) -> None:
        super().__init__()
        self.save_hyperparameters()
        self.board = self.new_board()

    def detach(self, value: Any) -> Any:
        return value.detach() if isinstance(value, np.ndarray) else value

    def parameter(self, value: Any, name: str) -> Any:
        """A trainable scratch parameter: the array itself, with a gradient attached."""
        value.attach_grad()
        return value

    def loss(self, y_hat: Any, y: Any) -> Any:
        raise NotImplementedError

    def forward(self, X: Any) -> Any:
        if not hasattr(self, "net"):
            raise NotImplementedError(f"{type(self).__name__} has no self.net: define it in "
                                      "__init__ (or override forward)")
        return self.net(X)

    def named_scratch_params(self, prefix: str = "") -> list[tuple[str, Any]]:
        """(name, array) of every ndarray attribute, sub-modules included, in attribute-name
        order (the order of the parameters in SGD and in the gradient norm)."""
        named = []
        for attr, a in sorted(vars(self).items()):
            if attr.startswith("_") or attr in ("params", "trainer", "board"):
                continue
            if isinstance(a, np.ndarray):
                named.append((prefix + attr, a))
            elif isinstance(a, Module):
                named.extend(a.named_scratch_params(prefix + attr + "."))
            elif isinstance(a, (list, tuple)):  # e.g. a stack of layers: 'layers.0.W_xh'
                for i, elem in enumerate(a):
                    if isinstance(elem, Module):
                        named.extend(elem.named_scratch_params(f"{prefix}{attr}.{i}."))
        return named

    def set_scratch_params_device(self, device: Any) -> None:
        """Move every scratch parameter (sub-modules and lists of them included) to ``device``,
        as the book's MXNet tab does: ``as_in_ctx`` returns a *new* array, so the attribute is
        replaced and the gradient attached to the new one."""
        for path, a in self.named_scratch_params():
            *owners, attr = path.split(".")
            owner: Any = self
            for part in owners:
                owner = owner[int(part)] if part.isdigit() else getattr(owner, part)
            moved = a.as_in_ctx(device)
            moved.attach_grad()
            setattr(owner, attr, moved)

    def named_arrays(self) -> list[tuple[str, Any]]:
        """(path, array) of every parameter: scratch ndarrays and Gluon parameters' data (under
        Gluon's structural names from ``gluon_params_with_prefix``, e.g.
        'rnn.rnn._unfused.0.i2h_weight'). Deferred Gluon parameters are created first (one
        decoding step)."""
        gluon_params = gluon_params_with_prefix(self)
        if any(map(_deferred, gluon_params.values())) \
                and callable(getattr(self, "materialize", None)):
            self.materialize()
        return [*self.named_scratch_params(), *((n, p.data()) for n, p in gluon_params.items())]

    def context(self) -> Any:
        """The device the model's parameters live on."""
        scratch = self.get_scratch_params()
        if scratch:
            return scratch[0].ctx
        return next(iter(self.collect_params().values())).list_ctx()[0]

    def get_scratch_params(self) -> list[Any]:
        return [a for _, a in self.named_scratch_params()]

    def parameters(self) -> Any:
        params = self.collect_params()
        return params if len(params.keys()) else self.get_scratch_params()

    def configure_optimizers(self) -> Any:
        params = self.parameters()
        if isinstance(params, list):
            return SGD(params, self.lr)
        return gluon.Trainer(params, "sgd", {"learning_rate": self.lr})


def _deferred(param: gluon.Parameter) -> bool:
    """Whether Gluon waits for the first forward pass to create the parameter."""
    try:
        param.list_data()
    except DeferredInitializationError:
        return True
    except RuntimeError:  # not initialized at all: reading its data reports it
        return False
    return False


#: a fused Gluon RNN layer's own parameter ('l0_i2h_weight', 'r1_h2h_bias')
_FUSED_RNN_KEY = re.compile(r"(l|r)(\d+)_(i2h|h2h|h2r)_(weight|bias)\Z")


def gluon_params_with_prefix(block: gluon.Block) -> dict[str, gluon.Parameter]:
    """Gluon's structural names of ``block``'s parameters ('rnn.rnn._unfused.0.i2h_weight'),
    which ``d2lrnn.mxnet.layer_map`` matches: Gluon's private
    ``Block._collect_params_with_prefix()`` where it is there, else ``structural_params``, the
    same names rebuilt from public API."""
    collect = getattr(block, "_collect_params_with_prefix", None)
    if callable(collect):
        return collect()
    return structural_params(block)


def structural_params(block: gluon.Block) -> dict[str, gluon.Parameter]:
    """``block._collect_params_with_prefix()`` rebuilt from public API: a block's own
    parameters are its ``gluon.Parameter`` attributes (``vars``: Gluon registers an assigned
    Parameter under its attribute name), named as Gluon's fused RNN layers (``rnn.RNN``,
    ``LSTM``, ``GRU``) name theirs for compatibility ('l0_i2h_weight' ->
    '_unfused.0.i2h_weight'); then each child block, found as a ``gluon.Block`` attribute (or
    by index in a ``Sequential``), under its attribute name. Every parameter
    ``collect_params()`` (public) reports must be named so; if one is not (a child registered
    some other way), this raises instead of guessing."""
    found: dict[str, gluon.Parameter] = {}

    def walk(b: gluon.Block, prefix: str, stack: tuple[int, ...]) -> None:
        if id(b) in stack:
            raise RuntimeError(f"{type(b).__name__} contains itself: its parameters have no "
                               "structural names")
        stack = (*stack, id(b))
        attrs = vars(b)
        own = [(k, v) for k, v in attrs.items() if isinstance(v, gluon.Parameter)]
        if isinstance(b, (gluon.rnn.RNN, gluon.rnn.LSTM, gluon.rnn.GRU)):
            own = [(_fused_rnn_name(b, k, [k for k, _ in own]), v) for k, v in own]
        for key, param in own:
            found[prefix + key] = param
        children = [(k, v) for k, v in attrs.items() if isinstance(v, gluon.Block)]
        if isinstance(b, (gluon.nn.Sequential, gluon.nn.HybridSequential)):
            if children:
                raise _unnamed(block, f"{type(b).__name__} with Block attributes")
            children = [(str(i), b[i]) for i in range(len(b))]
        for key, child in children:
            walk(child, f"{prefix}{key}.", stack)

    walk(block, "", ())
    with warnings.catch_warnings():  # Gluon warns about blocks held in lists, which it skips
        warnings.simplefilter("ignore")
        every = list(block.collect_params().values())
    named = {id(p) for p in found.values()}
    missing = [p.name for p in every if id(p) not in named]
    if missing:
        raise _unnamed(block, f"parameters {missing}")
    return found


def _fused_rnn_name(layer: gluon.Block, key: str, keys: list[str]) -> str:
    """Gluon's compatibility name of a fused RNN layer's parameter, as its
    ``_collect_params_with_prefix`` writes it."""
    m = _FUSED_RNN_KEY.match(key)
    if m is None:
        raise _unnamed(layer, f"the {type(layer).__name__} parameter {key!r}")
    direction, layer_idx, kind, what = m.groups()
    if any(k.startswith("r") for k in keys):  # bidirectional: 'l' and 'r' cells per layer
        return f"_unfused.{layer_idx}.{direction}_cell.{kind}_{what}"
    return f"_unfused.{layer_idx}.{kind}_{what}"


def _unnamed(block: gluon.Block, what: str) -> RuntimeError:
    return RuntimeError(
        f"this MXNet has no gluon.Block._collect_params_with_prefix (a private API d2lrnn uses "
        f"for parameters' structural names, e.g. 'rnn.rnn._unfused.0.i2h_weight'), and the "
        f"public fallback cannot name {what} of {type(block).__name__}")


class Classifier(core_module.ClassifierSteps, Module):
    """A Module with the cross-entropy loss and accuracy."""

    def accuracy(self, Y_hat: Any, Y: Any, averaged: bool = True) -> Any:
        Y_hat = Y_hat.reshape((-1, Y_hat.shape[-1]))
        compare = (Y_hat.argmax(axis=1).astype(Y.dtype) == Y.reshape(-1)).astype(onp.float32)
        return compare.mean() if averaged else compare

    def loss(self, Y_hat: Any, Y: Any, averaged: bool = True) -> Any:
        # log-softmax cross-entropy, numerically as gluon.loss.SoftmaxCrossEntropyLoss
        Y_hat = Y_hat.reshape((-1, Y_hat.shape[-1]))
        Y = Y.reshape((-1,))
        l = -npx.pick(npx.log_softmax(Y_hat, axis=-1), Y, axis=-1)
        return l.mean() if averaged else l


class DataModule(core_data.DataModule):
    def to_numpy(self, tensor: Any) -> onp.ndarray:
        # np.asarray of an MXNet array would give a 0-d object array
        return tensor.asnumpy() if isinstance(tensor, np.ndarray) else onp.asarray(tensor)

    def to_tensor(self, array: onp.ndarray) -> Any:
        return np.array(array, dtype=onp.int32 if array.dtype.kind in "iu" else array.dtype)


TimeMachine = core_data.time_machine_class(
    DataModule, __name__, "The book's Time Machine data, as int32 MXNet arrays.")
MTFraEng = core_nmt.mt_fra_eng_class(
    DataModule, __name__, "The English-French dataset, as int32 MXNet arrays.")


def get_params(model: Module) -> dict[str, onp.ndarray]:
    """The model's parameters as float32 NumPy arrays under canonical names (Gluon layers'
    weights through the backend's layer map for the model's family)."""
    return layer_map.to_canonical(((n, a.asnumpy()) for n, a in model.named_arrays()),
                                  table_for(model))


def set_params(model: Module, params: dict[str, Any]) -> None:
    """Write NumPy arrays into the parameters in place (their gradients stay attached)."""
    named = model.named_arrays()
    table = table_for(model)
    expected = layer_map.canonical_shapes(((n, tuple(a.shape)) for n, a in named), table)
    arrays = core_params.check_params(expected, params)
    values = layer_map.to_framework(arrays, [n for n, _ in named], table)
    for n, a in named:
        a[:] = np.array(values[n], ctx=a.ctx)


__all__ = ["Classifier", "DataModule", "Module", "SGD", "TimeMachine", "get_params",
           "set_params", "mx"]

"""What the four framework packages of the older edition do the same way, written once
(framework-free).

- ``assemble(globals(), own=..., tensors=..., device=...)`` binds a backend package's whole
  surface, ``names.classic_exports(BACKEND)``: nothing is listed again in a backend, so adding
  a name is one edit in ``d2lrnn/core/names.py`` plus its implementation.
- ``data_section(tensor, module)``: the chapter's data names over a backend's ``d2l.tensor``.
- ``ScratchModel``: the frame of ``RNNModelScratch`` (a backend gives the one-hot encoding).

The loops (``predict_ch8``, ``train_epoch_ch8``, ``train_ch8``, ``evaluate_loss``) are in
``d2lrnn.classic.train``, over each backend's hooks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

from d2lrnn.classic import nmt, text, utils
from d2lrnn.core import checks, names
from d2lrnn.core import download as _download
from d2lrnn.core import plot as _plot
from d2lrnn.core.surface import export_names, fill_names
from d2lrnn.core.trainer import TrainingDivergedError

#: The modules of the framework-free names (``Vocab``, ``Animator``, ``check_shape``,
#: ``DATA_URL``, ``plot``, ...), in the order a name is looked for: the older edition's
#: ``download(name)`` (text) before the current edition's (core.download).
FRAMEWORK_FREE: tuple[ModuleType, ...] = (text, utils, checks, _download, _plot)

#: The errors the older edition raises that a reader may catch, bound where names.py declares
#: them (``d2l.TrainingDivergedError``, the current edition's, from ``train_ch8``).
ERRORS: dict[str, Any] = {"TrainingDivergedError": TrainingDivergedError}

#: Declared names a backend serves from its module ``__getattr__`` on first use (``d2l.plt``:
#: matplotlib.pyplot, never imported by importing a backend).
LAZY = ("plt",)


def assemble(namespace: dict[str, Any], *, own: Sequence[ModuleType], tensors: ModuleType,
             device: ModuleType) -> None:
    """Bind the older edition's surface of backend ``namespace["BACKEND"]`` in its package's
    ``namespace`` (its ``globals()``). What the package defines before the call stays
    (``seed``, ``sinh``...); each other declared name comes from the first of

    1. ``own``: the backend's own modules (``ch8``, later ``ch9``...): its models, hooks,
       ``grad_clipping``, ``sgd``, and any tensor function of its own;
    2. the current edition's tensor aliases (``tensors``) and device helpers (``device``),
       all of ``names.TENSOR_ALIASES`` and ``names.DEVICE`` or an ImportError naming the
       missing ones, with the older edition's ``try_all_gpus`` ([cpu()] without a GPU);
    3. the data section over the backend's ``tensor``, the tab's own names in ``tensors``
       (``to``, ``get_key``...), the framework-free modules (``FRAMEWORK_FREE``).

    A declared name none of them defines is an ImportError naming it. ``d2l.plt`` is the
    module ``__getattr__`` this binds."""
    module = namespace["__name__"]
    declared = [n for n in names.classic_exports(namespace["BACKEND"]) if n not in LAZY]
    fill_names(namespace, declared, own, complete=False)
    namespace.setdefault("try_all_gpus", utils.try_all_gpus_or_cpu(device))
    for source, group in ((tensors, names.TENSOR_ALIASES), (device, names.DEVICE)):
        export_names(namespace, source, [n for n in group if n not in namespace])
    fill_names(namespace, declared,
               [data_section(namespace["tensor"], module), nmt.nmt_section(namespace, module),
                tensors, *FRAMEWORK_FREE, ERRORS])
    namespace["__getattr__"] = _plot.lazy_plt(module)  # d2l.plt, imported on first use


def data_section(tensor: Callable[[Any], Any], module: str) -> dict[str, Any]:
    """The chapter's data names for a backend whose ``d2l.tensor`` is ``tensor``:
    ``SeqDataLoader``, ``load_data_time_machine``, ``seq_data_iter_random`` and
    ``seq_data_iter_sequential`` giving its tensors; the new ones belong to ``module``."""
    loader = type("SeqDataLoader", (text.SeqDataLoader,), {
        "__doc__": "An iterator to load sequence data.", "__module__": module,
        "tensor": staticmethod(tensor)})

    def load_data_time_machine(batch_size: int, num_steps: int, use_random_iter: bool = False,
                               max_tokens: int = 10000
                               ) -> tuple[text.SeqDataLoader, text.Vocab]:
        """Return the iterator and the vocabulary of the time machine dataset."""
        return text.load_data_time_machine_with(loader, batch_size, num_steps,
                                                use_random_iter, max_tokens)

    load_data_time_machine.__module__ = module
    load_data_time_machine.__qualname__ = "load_data_time_machine"
    return {"SeqDataLoader": loader, "load_data_time_machine": load_data_time_machine,
            "seq_data_iter_random": text.bind(text.seq_data_iter_random, tensor),
            "seq_data_iter_sequential": text.bind(text.seq_data_iter_sequential, tensor)}


class ScratchModel:
    """The frame of the book's ``RNNModelScratch``: parameters from the reader's
    ``get_params(vocab_size, num_hiddens, device)``, the state from ``init_state``, the steps
    from ``forward_fn(inputs, state, params)``. A backend's subclass gives ``_one_hot``: token
    indices (batch_size, num_steps) to float one-hot inputs (num_steps, batch_size,
    vocab_size)."""

    def __init__(self, vocab_size: int, num_hiddens: int, device: Any,
                 get_params: Callable[..., Any], init_state: Callable[..., Any],
                 forward_fn: Callable[..., Any]) -> None:
        self.vocab_size, self.num_hiddens = check_scratch_args(
            vocab_size, num_hiddens, get_params=get_params, init_state=init_state,
            forward_fn=forward_fn, device=", device")
        self.params = get_params(vocab_size, num_hiddens, device)
        self.init_state, self.forward_fn = init_state, forward_fn

    def _one_hot(self, X: Any) -> Any:
        raise NotImplementedError

    def __call__(self, X: Any, state: Any) -> tuple[Any, Any]:
        return self.forward_fn(self._one_hot(X), state, self.params)

    def begin_state(self, batch_size: int, device: Any) -> Any:
        return self.init_state(batch_size, self.num_hiddens, device)


def check_vocab_size(vocab_size: Any) -> int:
    """``vocab_size`` of a model: a positive integer (``len(vocab)``)."""
    return checks.positive_int("vocab_size", vocab_size)


#: what the scratch model's functions are called with, for the errors
SCRATCH_SIGNATURES = {"get_params": "get_params(vocab_size, num_hiddens{device})",
                      "init_state": "init_state(batch_size, num_hiddens{device})",
                      "forward_fn": "forward_fn(inputs, state, params)"}


def check_scratch_args(vocab_size: Any, num_hiddens: Any, device: str = "",
                       **functions: Any) -> tuple[int, int]:
    """``RNNModelScratch``'s arguments on any framework: two positive integers and three
    functions (``device``: ", device" where the framework's functions take one)."""
    sizes = check_vocab_size(vocab_size), checks.positive_int("num_hiddens", num_hiddens)
    for name, fn in functions.items():
        checks.function(name, fn, SCRATCH_SIGNATURES[name].format(device=device))
    return sizes

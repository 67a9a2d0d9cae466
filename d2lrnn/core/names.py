"""The book's surface: which ``d2l.*`` names each section of each edition uses.

This is the one list every backend is held to (``tests/test_surface.py``): a backend's
``__all__`` is what the sections marked implemented declare here, plus the few names only one
framework's tab uses. Adding a section: list its names, mark it implemented when all four
backends provide them. The lists come from the book's sources (``shared/reference/``): the names
the section's cells call as ``d2l.X`` on any tab, and the names the section saves (``#@save``).
"""

from __future__ import annotations

#: Device helpers, on every backend of both editions.
DEVICE = ("cpu", "gpu", "num_gpus", "try_all_gpus", "try_gpu")

#: The tensor aliases the book's tabs call (``d2l.matmul``, ``d2l.reshape``, ...).
TENSOR_ALIASES = (
    "abs", "arange", "argmax", "astype", "concat", "cos", "exp", "expand_dims", "eye",
    "float32", "int32", "int64", "linspace", "log", "matmul", "meshgrid", "normal", "numpy",
    "ones", "rand", "randn", "reduce_mean", "reduce_sum", "reshape", "sin", "size", "stack",
    "tanh", "tensor", "transpose", "zeros",
)

#: The current edition's framework of the earlier chapters that the RNN chapter builds on.
CURRENT_FOUNDATION = (
    "Classifier", "DataModule", "HyperParameters", "Module", "ProgressBoard", "Trainer",
    "add_to_class", "check_len", "check_shape",
)

#: d2lrnn's own additions, on every backend of the current edition.
CURRENT_EXTRAS = ("TrainingDivergedError", "get_params", "seed", "set_params")

#: section -> the names its cells use or save (current edition, every tab).
CURRENT: dict[str, tuple[str, ...]] = {
    "sequence": ("DataModule", "LinearRegression", "Trainer", "add_to_class", "plot"),
    "text-sequence": ("DATA_URL", "DataModule", "TimeMachine", "Vocab", "add_to_class",
                      "download", "plot"),
    "language-model": ("TimeMachine", "add_to_class", "tensor"),
    "rnn": ("concat", "matmul", "normal", "randn"),
    "rnn-scratch": ("Classifier", "Module", "RNNLMScratch", "RNNScratch", "TimeMachine",
                    "Trainer", "Vocab", "add_to_class", "check_len", "check_shape", "try_gpu"),
    "rnn-concise": ("Module", "RNN", "RNNLM", "RNNLMScratch", "TimeMachine", "Trainer",
                    "swapaxes", "try_gpu"),
}

#: Sections whose names every backend provides today (the surface test checks these).
CURRENT_IMPLEMENTED = ("rnn", "rnn-scratch")

#: Names only one framework's tab uses, by backend.
CURRENT_TAB_ONLY: dict[str, tuple[str, ...]] = {
    "torch": ("to",),
    "mxnet": ("SGD",),
    "tensorflow": (),
    "jax": ("TrainState", "get_key", "normal_init"),
}

#: section -> names (the older edition, chapter 8; filled in as d2lrnn.classic grows).
CLASSIC: dict[str, tuple[str, ...]] = {}
CLASSIC_IMPLEMENTED: tuple[str, ...] = ()
CLASSIC_TAB_ONLY: dict[str, tuple[str, ...]] = {}


def current_exports(backend: str) -> list[str]:
    """The ``__all__`` of ``d2lrnn.<backend>``: every name of the implemented sections, the
    foundation, the aliases, the device helpers and d2lrnn's extras, plus the tab's own."""
    names = set(DEVICE) | set(TENSOR_ALIASES) | set(CURRENT_FOUNDATION) | set(CURRENT_EXTRAS)
    for section in CURRENT_IMPLEMENTED:
        names |= set(CURRENT[section])
    names |= set(CURRENT_TAB_ONLY[backend])
    return sorted(names)


def classic_exports(backend: str) -> list[str]:
    """The ``__all__`` of ``d2lrnn.classic.<backend>``."""
    names = set(DEVICE) | set(TENSOR_ALIASES)
    for section in CLASSIC_IMPLEMENTED:
        names |= set(CLASSIC[section])
    names |= set(CLASSIC_TAB_ONLY.get(backend, ()))
    return sorted(names)

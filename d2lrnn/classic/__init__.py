"""The book's older edition (chapter 8 API: ``load_data_time_machine``, ``RNNModelScratch``,
``train_ch8``, ``predict_ch8``, ``grad_clipping``, ...) on four frameworks:

    from d2lrnn.classic import torch as d2l        # or mxnet, tensorflow, jax

Importing ``d2lrnn.classic`` imports no deep-learning framework; each backend package imports
its own, and only when it is imported.

Layout: one package per framework (``torch/``, ``mxnet/``, ``tensorflow/``, ``jax/``), each an
``__init__.py`` that assembles the book's surface (``d2lrnn/core/names.py``) and one module per
chapter with that framework's own code (``ch8.py``; ``ch9.py``: the encoder-decoder and seq2seq).
Framework-free and written once: ``common.py`` (the assembly, the data section, the scratch
model's frame), ``train.py`` (the chapter 8 loops over each framework's hooks), ``seq2seq.py``
(chapter 9's ``train_seq2seq``/``predict_seq2seq`` loops and checks), ``nmt.py`` (the
translation data), ``text.py`` (the text pipeline), ``utils.py`` (``Timer``, ``Accumulator``,
``Animator``).
"""

from __future__ import annotations

import importlib
from types import ModuleType

from d2lrnn import _backend_attr, check_backend


def load_backend(name: str) -> ModuleType:
    """Import and return ``d2lrnn.classic.<name>``."""
    return importlib.import_module(f"d2lrnn.classic.{check_backend(name)}")


def __getattr__(name: str) -> ModuleType:
    # `from d2lrnn.classic import torch` imports the submodule; a near miss such as
    # `from d2lrnn.classic import pytorch` says what to write instead.
    return _backend_attr(__name__, name)

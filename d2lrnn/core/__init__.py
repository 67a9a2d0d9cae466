"""The framework-free core: everything the four backends share. Imports NumPy and nothing heavier
(matplotlib only when a plot is drawn)."""

from d2lrnn.core.board import ProgressBoard
from d2lrnn.core.checks import check_len, check_shape
from d2lrnn.core.data import DataModule, TimeMachine, Vocab
from d2lrnn.core.hparams import HyperParameters, add_to_class
from d2lrnn.core.random import seed

__all__ = ["DataModule", "HyperParameters", "ProgressBoard", "TimeMachine", "Vocab",
           "add_to_class", "check_len", "check_shape", "seed"]

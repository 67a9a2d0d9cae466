"""The thread count torch's operations use while a ``Trainer`` fits.

The book's step is ~700 small operations (32 time steps of 1024 x 32 GEMMs and element-wise
ops, forward and backward); with torch's default of one OpenMP thread per core each is a
parallel region whose threads spin at a barrier. On a 2-core machine shared with anything else
a descheduled thread stalls every region: measured (``benchmarks/side_by_side.py``, README-speed)
the step goes from ~20 ms to 1-2 s with two threads, while one thread stays within ~1.3x of
its quiet time. On a quiet machine (a reader's Colab VM) torch's own count is the faster one
(issue 24: the concise RNN's epoch ~20% faster with two threads than with one on 2 CPUs), so a
Trainer fits with torch's own count by default, as the book's library does, and
``D2LRNN_TORCH_THREADS=1`` is the setting for a machine shared with other work
(``config.torch_threads``).
The count is fixed per machine and setting, never chosen from the load, because torch's
results depend on it: the same seed must give the same numbers on a re-run.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch

from d2lrnn import config


@contextlib.contextmanager
def fitting_threads() -> Iterator[int]:
    """Run the block with the Trainer's thread count; torch's count is back afterwards."""
    before = torch.get_num_threads()
    wanted = config.torch_threads()
    if wanted is not None and wanted != before:
        torch.set_num_threads(wanted)
    try:
        yield torch.get_num_threads()
    finally:
        if torch.get_num_threads() != before:
            torch.set_num_threads(before)

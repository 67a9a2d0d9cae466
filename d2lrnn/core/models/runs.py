"""The book's run settings, written once per section; the session, parity and the command line
read them from here."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class BookRun:
    """A section's training run as the book writes it."""

    batch_size: int
    num_steps: int
    num_hiddens: int
    lr: float
    clip: float
    epochs: int

    def asdict(self) -> dict[str, Any]:
        return asdict(self)


#: section -> its run (current edition): ``TimeMachine(1024, 32)``, 32 hidden units, lr 1,
#: ``Trainer(max_epochs=100, gradient_clip_val=1)``.
BOOK_RUNS: dict[str, BookRun] = {
    "rnn-scratch": BookRun(batch_size=1024, num_steps=32, num_hiddens=32, lr=1.0, clip=1.0,
                           epochs=100),
    "rnn-concise": BookRun(batch_size=1024, num_steps=32, num_hiddens=32, lr=1.0, clip=1.0,
                           epochs=100),
}


def book_run(section: str = "rnn-scratch") -> BookRun:
    if section not in BOOK_RUNS:
        raise ValueError(f"section must be one of {', '.join(BOOK_RUNS)}; got {section!r}")
    return BOOK_RUNS[section]

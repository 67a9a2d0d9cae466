"""Backend-neutral driving of the section's model: build, train, read and write parameters,
predict. The CLI, the parity report and the benchmarks use this; it imports a framework only
through ``load_backend``."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from d2lrnn import check_backend, load_backend
from d2lrnn.core import models as families
from d2lrnn.core.checkpoint import Checkpoint
from d2lrnn.core.data import example_data
from d2lrnn.core.text import Vocab

#: the from-scratch section's run, the default of the session and the command line
BOOK = families.book_run("rnn-scratch").asdict()


@dataclass
class Run:
    """A backend's model with the trainer that holds (or will hold) its parameters; ``vocab``
    a language model's vocabulary, ``vocabs`` every vocabulary by role (``src``, ``tgt`` for a
    translation model)."""

    backend: str
    d2l: Any
    model: Any
    trainer: Any
    vocab: Vocab | None
    hparams: dict[str, Any]
    data: Any = None
    seconds: float = 0.0
    metrics: list[dict[str, float]] = field(default_factory=list)
    family: str = families.RNN_LM_SCRATCH.name
    vocabs: dict[str, Vocab] = field(default_factory=dict)

    def get_params(self) -> dict[str, Any]:
        return self.trainer.get_params()

    def predict(self, prefix: str, num_preds: int, **sampling: Any) -> str:
        return self.model.predict(prefix, num_preds, self.vocab, **sampling)


def train(backend: str, epochs: int = BOOK["epochs"], batch_size: int = BOOK["batch_size"],
          num_steps: int = BOOK["num_steps"], num_hiddens: int = BOOK["num_hiddens"],
          lr: float = BOOK["lr"], clip: float = BOOK["clip"], seed: int | None = 0,
          corpus: str | os.PathLike | None = None,
          on_epoch: Callable[[Any], None] | None = None,
          on_start: Callable[[Any], None] | None = None,
          family: str = families.RNN_LM_SCRATCH.name) -> Run:
    """The book's run on ``backend`` (its defaults), from ``seed``, of a model ``family``.
    ``on_start(trainer)`` is called before the first epoch (the CLI uses it to turn Ctrl-C into
    ``trainer.request_stop()``); ``on_epoch(trainer)`` after each epoch."""
    model_family = families.get(family)
    d2l = load_backend(check_backend(backend))
    d2l.seed(seed)
    split = {} if corpus is None else fit_split(corpus, num_steps)
    data = d2l.TimeMachine(batch_size=batch_size, num_steps=num_steps, corpus=corpus, **split)
    model = model_family.build(d2l, len(data.vocab), {"num_hiddens": num_hiddens, "lr": lr})
    trainer = d2l.Trainer(max_epochs=epochs, gradient_clip_val=clip, num_gpus=1)
    hparams = {"backend": backend, "epochs": epochs, "batch_size": batch_size,
               "num_steps": num_steps, "num_hiddens": num_hiddens, "lr": lr, "clip": clip,
               "seed": seed, "corpus": os.fspath(corpus) if corpus else None}
    run = Run(backend, d2l, model, trainer, data.vocab, hparams, data, family=family)
    return fit(run, on_epoch, on_start)


def fit(run: Run, on_epoch: Callable[[Any], None] | None = None,
        on_start: Callable[[Any], None] | None = None) -> Run:
    """Fit ``run``'s model on its data, timed: ``on_start(trainer)`` before the first epoch,
    ``on_epoch(trainer)`` after each; the run's seconds and metrics filled in."""
    if on_epoch is not None:
        run.trainer.epoch_callbacks.append(on_epoch)
    if on_start is not None:
        on_start(run.trainer)
    start = time.perf_counter()
    run.trainer.fit(run.model, run.data)
    run.seconds = time.perf_counter() - start
    run.metrics = run.trainer.metrics
    return run


def fit_split(corpus: str | os.PathLike, num_steps: int) -> dict[str, int]:
    """The book's 10,000 / 5,000 windows, or 2/3 and 1/3 of a smaller corpus's windows."""
    from d2lrnn.core.text import preprocess, read_corpus

    windows = len(preprocess(read_corpus(corpus))) - num_steps
    if windows >= 15_000 or windows < 3:
        return {}  # the book's split (TimeMachine explains if the corpus is too short)
    num_train = windows * 2 // 3
    return {"num_train": num_train, "num_val": windows - num_train}


def from_checkpoint(backend: str, ckpt: Checkpoint, family: str | None = None) -> Run:
    """A model on ``backend`` holding the checkpoint's parameters, ready to predict; by default
    of the checkpoint's own family, or of another ``family`` with the same parameters (a
    scratch model's weights in a concise one)."""
    model_family = families.get(family or ckpt.family)
    d2l = load_backend(check_backend(backend))
    params = model_family.check(ckpt.params, ckpt.vocab_sizes(), ckpt.hparams)
    model = model_family.build(d2l, ckpt.vocab_sizes(), ckpt.hparams)
    trainer = d2l.Trainer(max_epochs=1)
    # creates parameters (JAX: the TrainState) from the family's example batch, no corpus
    data = example_data(d2l.DataModule, model_family.example_batch(ckpt.vocab_sizes()))
    trainer.setup(model, data)
    trainer.set_params(params)
    return Run(backend, d2l, model, trainer, ckpt.vocabs.get("vocab"), dict(ckpt.hparams),
               family=model_family.name, vocabs=dict(ckpt.vocabs))

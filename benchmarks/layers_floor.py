"""What the reader's own layers cost in an epoch of the book's concise RNN run ("Concise
Implementation of RNNs"), with no library around them. Two floors, timed in alternating epochs:

* ``layers``: the framework's RNN layer and dense layer, forward and backward on each training
  batch (the output gradient drawn before timing) and forward on each validation batch;
* ``layers+loss``: the same with the framework's own cross-entropy on the time-major logits,
  its backward included (torch ``F.cross_entropy``; MXNet ``-pick(log_softmax(.)).mean()``,
  the operators Gluon's ``SoftmaxCrossEntropyLoss`` and d2lrnn's loss use).

Inputs are one-hot encoded before timing; no clipping, no update, no data loader, no plotting.
A library that runs the reader's model with such a loss pays about ``layers+loss`` per epoch at
least, so the book's steady epoch divided by it estimates the most any library can show over
the book's (d2lrnn included; an estimate, as every timing on a shared machine); d2lrnn's epoch
against it is what d2lrnn adds around the model.

    python benchmarks/layers_floor.py torch|mxnet [--epochs 20]

``side_by_side.py --section rnn-concise`` runs it in the same rounds as the book's library and
d2lrnn and prints the bound beside their ratio. torch times each floor at the thread count
d2lrnn's Trainer uses on this machine (``D2LRNN_TORCH_THREADS``, ``d2lrnn/torch/threads.py``)
and at torch's own count (the book's library runs with it), if they differ, and reports the
faster (``<floor>_s``, ``<floor>_threads``) and each (``by_threads``). The batches are the
book's (``TimeMachine(batch_size=1024, num_steps=32)``, 32 hidden units), taken from d2lrnn
outside the timed loop.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BATCH_SIZE, NUM_STEPS, NUM_HIDDENS = 1024, 32, 32


Floors = dict[str, Callable[[], None]]  # floor name -> one epoch of it
Settings = dict[str, Callable[[], contextlib.AbstractContextManager[Any]]]  # label -> context


def torch_epoch() -> tuple[Floors, Settings]:
    import torch
    from torch import nn

    from d2lrnn import config
    from d2lrnn import torch as d2l

    data = d2l.TimeMachine(batch_size=BATCH_SIZE, num_steps=NUM_STEPS)
    V = len(data.vocab)
    own = torch.get_num_threads()  # torch's own count, which the book's library runs with
    counts = dict.fromkeys([config.torch_threads() or own, own])  # the Trainer's first
    rnn, linear = nn.RNN(V, NUM_HIDDENS), nn.Linear(NUM_HIDDENS, V)  # the reader's layers
    # inputs (steps, batch, vocab) one-hot; output gradients like the loss's (steps, batch, vocab)
    encode = lambda X: nn.functional.one_hot(X.T, V).float()
    # one epoch's batches: (inputs, a drawn output gradient, labels time-major as the logits)
    train = [(encode(X), torch.randn(X.shape[1], X.shape[0], V) / X.numel(), Y.T.reshape(-1))
             for X, Y in data.train_dataloader()]
    val = [(encode(X), Y.T.reshape(-1)) for X, Y in data.val_dataloader()]
    loss = lambda logits, y: nn.functional.cross_entropy(logits.reshape(-1, V), y)

    def layers() -> None:
        for inputs, grad, _ in train:
            rnn.zero_grad(set_to_none=True)
            linear.zero_grad(set_to_none=True)
            outputs, _ = rnn(inputs)
            linear(outputs).backward(grad)
        with torch.inference_mode():
            for inputs, _ in val:
                linear(rnn(inputs)[0])

    def with_loss() -> None:
        for inputs, _, y in train:
            rnn.zero_grad(set_to_none=True)
            linear.zero_grad(set_to_none=True)
            outputs, _ = rnn(inputs)
            loss(linear(outputs), y).backward()
        with torch.inference_mode():
            for inputs, y in val:
                loss(linear(rnn(inputs)[0]), y)

    @contextlib.contextmanager
    def threads(n: int) -> Any:
        torch.set_num_threads(n)
        yield

    settings = {str(n): (lambda n=n: threads(n)) for n in counts}
    return {"layers": layers, "layers+loss": with_loss}, settings


def mxnet_epoch() -> tuple[Floors, Settings]:
    from d2lrnn import mxnet as d2l
    from d2lrnn.mxnet.compat import import_mxnet

    mx = import_mxnet()  # MXNet 1.9 through d2lrnn's numpy-2 compat
    autograd, gluon, np, npx = mx.autograd, mx.gluon, mx.np, mx.npx
    nn, rnn = gluon.nn, gluon.rnn
    npx.set_np()
    data = d2l.TimeMachine(batch_size=BATCH_SIZE, num_steps=NUM_STEPS)
    V = len(data.vocab)
    layer, dense = rnn.RNN(NUM_HIDDENS), nn.Dense(V, flatten=False)  # the reader's layers
    layer.initialize()
    dense.initialize()
    encode = lambda X: npx.one_hot(X.T, V)
    # one epoch's batches: (inputs, a drawn output gradient, labels time-major as the logits)
    train = [(encode(X), np.random.normal(size=(X.shape[1], X.shape[0], V)) / X.size,
              Y.T.reshape(-1)) for X, Y in data.train_dataloader()]
    val = [(encode(X), Y.T.reshape(-1)) for X, Y in data.val_dataloader()]

    def run(inputs: Any) -> Any:
        state = layer.begin_state(inputs.shape[1], ctx=inputs.ctx)
        return dense(layer(inputs, state)[0])

    loss = lambda logits, y: -npx.pick(npx.log_softmax(logits.reshape(-1, V)), y).mean()

    def layers() -> None:
        for inputs, grad, _ in train:
            with autograd.record():
                logits = run(inputs)
            logits.backward(grad)
        for inputs, _ in val:
            run(inputs)
        npx.waitall()  # MXNet runs asynchronously: the epoch ends when its work does

    def with_loss() -> None:
        for inputs, _, y in train:
            with autograd.record():
                l = loss(run(inputs), y)
            l.backward()
        for inputs, y in val:
            loss(run(inputs), y)
        npx.waitall()

    return {"layers": layers, "layers+loss": with_loss}, {"": contextlib.nullcontext}


EPOCHS = {"torch": torch_epoch, "mxnet": mxnet_epoch}


def measure(backend: str, epochs: int) -> dict[str, Any]:
    """Run ``epochs`` epochs of each floor under each setting, alternating; a floor's steady
    epoch is the median of its epochs 2..N. ``<floor>_s``: the fastest setting's, named by
    ``<floor>_threads`` (torch); ``by_threads``: every setting's."""
    floors, settings = EPOCHS[backend]()
    times: dict[tuple[str, str], list[float]] = {}
    for _ in range(epochs):
        for label, setting in settings.items():
            with setting():
                for name, epoch in floors.items():
                    start = time.perf_counter()
                    epoch()
                    times.setdefault((label, name), []).append(time.perf_counter() - start)
    steady = {key: statistics.median(t[1:]) for key, t in times.items()}
    result: dict[str, Any] = {"backend": backend, "epochs": epochs}
    for name in floors:
        label = min(settings, key=lambda lb: steady[(lb, name)])
        result[f"{name}_s"] = steady[(label, name)]
        if label:
            result[f"{name}_threads"] = int(label)
    if any(settings):
        result["by_threads"] = {lb: {f"{name}_s": steady[(lb, name)] for name in floors}
                                for lb in settings}
    return result


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("backend", choices=list(EPOCHS))
    p.add_argument("--epochs", type=int, default=20)
    args = p.parse_args()
    if args.epochs < 2:
        p.error(f"--epochs must be at least 2 (the steady epoch is epochs 2..N); got "
                f"{args.epochs}")
    sys.path.insert(0, ROOT)
    print(json.dumps(measure(args.backend, args.epochs)))


if __name__ == "__main__":
    main()

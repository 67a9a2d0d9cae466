"""What the reader's own layers cost in an epoch of the book's concise language-model runs
("Concise Implementation of RNNs"; the concise GRU, LSTM and deep GRU of "Modern Recurrent
Neural Networks"), with no library around them. Three floors, timed in alternating epochs:

* ``layers``: the framework's recurrent layer (``--model rnn|gru|lstm``, ``--num-layers``) and
  dense layer, forward and backward on each training batch (the output gradient drawn before
  timing) and forward on each validation batch;
* ``layers+loss``: the same with the framework's own cross-entropy on the time-major logits,
  its backward included (torch ``F.cross_entropy``; MXNet ``-pick(log_softmax(.)).mean()``,
  the operators Gluon's ``SoftmaxCrossEntropyLoss`` and d2lrnn's loss use; TensorFlow
  ``keras.losses.sparse_categorical_crossentropy(from_logits=True)`` on Keras's batch-major
  logits; JAX ``optax.softmax_cross_entropy_with_integer_labels``);
* ``step``: ``layers+loss`` plus what the book's Trainer adds to a step with the framework's
  own tools: clipping the gradients' global norm to 1 (torch ``clip_grad_norm_``; Gluon
  ``clip_global_norm(..., check_isfinite=False)`` on the gradients' legacy-array views, no host
  sync; ``tf.clip_by_global_norm``; ``optax.clip_by_global_norm``) and the SGD update (torch
  ``optim.SGD``; Gluon ``Trainer('sgd')``; Keras ``SGD``; ``optax.sgd``); validation as in
  ``layers+loss``. TensorFlow runs each batch's work as one ``tf.function``, JAX as one
  ``jax.jit`` function (the first epoch traces and compiles them).

The layers: torch ``nn.RNN``/``nn.GRU``/``nn.LSTM`` + ``nn.Linear``; Gluon ``rnn.RNN``/``GRU``/
``LSTM`` + ``nn.Dense``; Keras ``SimpleRNN``/``GRU``/``LSTM`` (stacked) + ``Dense``; Flax
``nn.RNN`` of ``SimpleCell``/``GRUCell``/``OptimizedLSTMCell`` (the cells the book's JAX tabs
scan; stacked) + ``nn.Dense``.

Inputs are one-hot encoded before timing; no data loader, no plotting. A library that runs the
reader's model with such a loss pays about ``layers+loss`` per epoch at least, so the book's
steady epoch divided by it estimates the most any library can show over the book's (d2lrnn
included; an estimate, as every timing on a shared machine); d2lrnn's epoch against ``step``
is what d2lrnn adds around the reader's own training loop.

    python benchmarks/layers_floor.py torch|mxnet|tensorflow|jax [--model rnn|gru|lstm]
                                      [--num-layers 1] [--epochs 20]

``side_by_side.py`` (``--section rnn-concise``, ``gru``, ``lstm``, ``deep-rnn``) runs it in the
same rounds as the book's library and d2lrnn and prints the bound beside their ratio. torch
times each floor at the thread count d2lrnn's Trainer uses on this machine
(``D2LRNN_TORCH_THREADS``, ``d2lrnn/torch/threads.py``) and at torch's own count (the book's
library runs with it), if they differ, and reports the faster (``<floor>_s``,
``<floor>_threads``) and each (``by_threads``). The batches are the book's
(``TimeMachine(batch_size=1024, num_steps=32)``, 32 hidden units), taken from d2lrnn outside
the timed loop; the model's sizes are the sections' (``--model gru --num-layers 2`` is the
deep-RNN section's concise GRU).
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
MODELS = ("rnn", "gru", "lstm")  # the framework's layer: nn.RNN / nn.GRU / nn.LSTM
LR, CLIP = 1.0, 1.0  # the SGD step and the gradient clipping of the ``step`` floor


Floors = dict[str, Callable[[], None]]  # floor name -> one epoch of it
Settings = dict[str, Callable[[], contextlib.AbstractContextManager[Any]]]  # label -> context


def torch_epoch(model: str, num_layers: int) -> tuple[Floors, Settings]:
    import torch
    from torch import nn

    from d2lrnn import config
    from d2lrnn import torch as d2l

    data = d2l.TimeMachine(batch_size=BATCH_SIZE, num_steps=NUM_STEPS)
    V = len(data.vocab)
    own = torch.get_num_threads()  # torch's own count, which the book's library runs with
    counts = dict.fromkeys([config.torch_threads() or own, own])  # the Trainer's first
    layer = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}[model]
    rnn, linear = layer(V, NUM_HIDDENS, num_layers), nn.Linear(NUM_HIDDENS, V)  # the reader's
    params = [*rnn.parameters(), *linear.parameters()]
    sgd = torch.optim.SGD(params, lr=LR)
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

    def validate() -> None:
        with torch.inference_mode():
            for inputs, y in val:
                loss(linear(rnn(inputs)[0]), y)

    def with_loss() -> None:
        for inputs, _, y in train:
            rnn.zero_grad(set_to_none=True)
            linear.zero_grad(set_to_none=True)
            outputs, _ = rnn(inputs)
            loss(linear(outputs), y).backward()
        validate()

    def step() -> None:
        for inputs, _, y in train:
            sgd.zero_grad(set_to_none=True)
            outputs, _ = rnn(inputs)
            loss(linear(outputs), y).backward()
            nn.utils.clip_grad_norm_(params, CLIP)
            sgd.step()
        validate()

    @contextlib.contextmanager
    def threads(n: int) -> Any:
        torch.set_num_threads(n)
        yield

    settings = {str(n): (lambda n=n: threads(n)) for n in counts}
    return {"layers": layers, "layers+loss": with_loss, "step": step}, settings


def mxnet_epoch(model: str, num_layers: int) -> tuple[Floors, Settings]:
    from d2lrnn import mxnet as d2l
    from d2lrnn.mxnet.compat import import_mxnet

    mx = import_mxnet()  # MXNet 1.9 through d2lrnn's numpy-2 compat
    autograd, gluon, np, npx = mx.autograd, mx.gluon, mx.np, mx.npx
    nn, rnn = gluon.nn, gluon.rnn
    npx.set_np()
    data = d2l.TimeMachine(batch_size=BATCH_SIZE, num_steps=NUM_STEPS)
    V = len(data.vocab)
    kind = {"rnn": rnn.RNN, "gru": rnn.GRU, "lstm": rnn.LSTM}[model]
    layer, dense = kind(NUM_HIDDENS, num_layers), nn.Dense(V, flatten=False)  # the reader's
    layer.initialize()
    dense.initialize()
    params = [*layer.collect_params().values(), *dense.collect_params().values()]
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

    run(train[0][0])  # Gluon allocates the layers' weights on their first call
    sgd = gluon.Trainer(params, "sgd", {"learning_rate": LR})

    def step() -> None:
        for inputs, _, y in train:
            with autograd.record():
                l = loss(run(inputs), y)
            l.backward()
            gluon.utils.clip_global_norm([p.grad().as_nd_ndarray() for p in params], CLIP,
                                         check_isfinite=False)  # views: scaled in place
            sgd.step(1)
        for inputs, y in val:
            loss(run(inputs), y)
        npx.waitall()

    floors = {"layers": layers, "layers+loss": with_loss, "step": step}
    return floors, {"": contextlib.nullcontext}


def tensorflow_epoch(model: str, num_layers: int) -> tuple[Floors, Settings]:
    import tensorflow as tf

    from d2lrnn import tensorflow as d2l

    data = d2l.TimeMachine(batch_size=BATCH_SIZE, num_steps=NUM_STEPS)
    V = len(data.vocab)
    kind = {"rnn": tf.keras.layers.SimpleRNN, "gru": tf.keras.layers.GRU,
            "lstm": tf.keras.layers.LSTM}[model]
    # the reader's layers (Keras's are batch-major: logits (batch, steps, vocab))
    rnns = [kind(NUM_HIDDENS, return_sequences=True) for _ in range(num_layers)]
    dense = tf.keras.layers.Dense(V)

    def forward(X: Any) -> Any:
        for layer in rnns:
            X = layer(X)
        return dense(X)
    encode = lambda X: tf.one_hot(X, V)
    train = [(encode(X), tf.random.normal((*X.shape, V)) / float(tf.size(X)), Y)
             for X, Y in data.train_dataloader()]
    val = [(encode(X), Y) for X, Y in data.val_dataloader()]
    forward(train[0][0])  # builds the weights
    variables = [v for layer in (*rnns, dense) for v in layer.trainable_variables]
    loss = lambda logits, y: tf.reduce_mean(
        tf.keras.losses.sparse_categorical_crossentropy(y, logits, from_logits=True))
    sgd = tf.keras.optimizers.SGD(LR)

    @tf.function
    def layers_grads(X: Any, G: Any) -> Any:
        with tf.GradientTape() as tape:
            logits = forward(X)
        return tape.gradient(logits, variables, output_gradients=G)

    @tf.function
    def loss_grads(X: Any, y: Any) -> Any:
        with tf.GradientTape() as tape:
            l = loss(forward(X), y)
        return tape.gradient(l, variables)

    @tf.function
    def sgd_step(X: Any, y: Any) -> None:
        with tf.GradientTape() as tape:
            l = loss(forward(X), y)
        grads, _ = tf.clip_by_global_norm(tape.gradient(l, variables), CLIP)
        sgd.apply_gradients(zip(grads, variables, strict=True))

    val_forward, val_loss = tf.function(forward), tf.function(lambda X, y: loss(forward(X), y))

    def layers() -> None:
        for inputs, grad, _ in train:
            layers_grads(inputs, grad)
        for inputs, _ in val:
            val_forward(inputs)

    def with_loss() -> None:
        for inputs, _, y in train:
            loss_grads(inputs, y)
        for inputs, y in val:
            val_loss(inputs, y)

    def step() -> None:
        for inputs, _, y in train:
            sgd_step(inputs, y)
        for inputs, y in val:
            val_loss(inputs, y)

    floors = {"layers": layers, "layers+loss": with_loss, "step": step}
    return floors, {"": contextlib.nullcontext}


def jax_epoch(model: str, num_layers: int) -> tuple[Floors, Settings]:
    import jax
    import optax
    from flax import linen as nn

    from d2lrnn import jax as d2l

    data = d2l.TimeMachine(batch_size=BATCH_SIZE, num_steps=NUM_STEPS)
    V = len(data.vocab)
    cell = {"rnn": nn.SimpleCell, "gru": nn.GRUCell, "lstm": nn.OptimizedLSTMCell}[model]

    class Net(nn.Module):  # the reader's layers: Flax's scanned cell (time-major) and Dense
        @nn.compact
        def __call__(self, X: Any) -> Any:
            for _ in range(num_layers):
                X = nn.RNN(cell(NUM_HIDDENS), time_major=True)(X)
            return nn.Dense(V)(X)

    net = Net()
    encode = lambda X: jax.nn.one_hot(X.T, V)
    key = jax.random.PRNGKey(0)
    train = [(encode(X), jax.random.normal(key, (X.shape[1], X.shape[0], V)) / X.size, Y.T)
             for X, Y in data.train_dataloader()]
    val = [(encode(X), Y.T) for X, Y in data.val_dataloader()]
    params = net.init(key, train[0][0])
    loss = lambda p, X, y: optax.softmax_cross_entropy_with_integer_labels(
        net.apply(p, X), y).mean()
    sgd = optax.chain(optax.clip_by_global_norm(CLIP), optax.sgd(LR))
    state = {"params": params, "opt": sgd.init(params)}

    @jax.jit
    def layers_grads(p: Any, X: Any, G: Any) -> Any:
        _, pull = jax.vjp(lambda p: net.apply(p, X), p)
        return pull(G)[0]

    @jax.jit
    def sgd_step(p: Any, opt: Any, X: Any, y: Any) -> Any:
        updates, opt = sgd.update(jax.grad(loss)(p, X, y), opt, p)
        return optax.apply_updates(p, updates), opt

    loss_grads, val_forward, val_loss = jax.jit(jax.grad(loss)), jax.jit(net.apply), jax.jit(loss)

    def layers() -> None:
        out = [layers_grads(params, inputs, grad) for inputs, grad, _ in train]
        out += [val_forward(params, inputs) for inputs, _ in val]
        jax.block_until_ready(out)  # JAX dispatches asynchronously

    def with_loss() -> None:
        out = [loss_grads(params, inputs, y) for inputs, _, y in train]
        out += [val_loss(params, inputs, y) for inputs, y in val]
        jax.block_until_ready(out)

    def step() -> None:
        p, opt = state["params"], state["opt"]
        for inputs, _, y in train:
            p, opt = sgd_step(p, opt, inputs, y)
        out = [val_loss(p, inputs, y) for inputs, y in val]
        state.update(params=p, opt=opt)
        jax.block_until_ready(out)

    floors = {"layers": layers, "layers+loss": with_loss, "step": step}
    return floors, {"": contextlib.nullcontext}


EPOCHS = {"torch": torch_epoch, "mxnet": mxnet_epoch, "tensorflow": tensorflow_epoch,
          "jax": jax_epoch}


def measure(backend: str, epochs: int, model: str = "rnn",
            num_layers: int = 1) -> dict[str, Any]:
    """Run ``epochs`` epochs of each floor under each setting, alternating; a floor's steady
    epoch is the median of its epochs 2..N. ``<floor>_s``: the fastest setting's, named by
    ``<floor>_threads`` (torch); ``by_threads``: every setting's."""
    floors, settings = EPOCHS[backend](model, num_layers)
    times: dict[tuple[str, str], list[float]] = {}
    for _ in range(epochs):
        for label, setting in settings.items():
            with setting():
                for name, epoch in floors.items():
                    start = time.perf_counter()
                    epoch()
                    times.setdefault((label, name), []).append(time.perf_counter() - start)
    steady = {key: statistics.median(t[1:]) for key, t in times.items()}
    result: dict[str, Any] = {"backend": backend, "model": model, "num_layers": num_layers,
                              "epochs": epochs}
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
    p.add_argument("--model", choices=MODELS, default="rnn",
                   help="the framework's recurrent layer (rnn)")
    p.add_argument("--num-layers", type=int, default=1, help="stacked layers (1)")
    p.add_argument("--epochs", type=int, default=20)
    args = p.parse_args()
    if args.epochs < 2:
        p.error(f"--epochs must be at least 2 (the steady epoch is epochs 2..N); got "
                f"{args.epochs}")
    sys.path.insert(0, ROOT)
    if args.num_layers < 1:
        p.error(f"--num-layers must be a positive integer; got {args.num_layers}")
    print(json.dumps(measure(args.backend, args.epochs, args.model, args.num_layers)))


if __name__ == "__main__":
    main()

"""Speed benchmark: every installed backend at the book's shapes, side by side in one run.

For each backend, in its own fresh process (so peak memory is its own):
  (a) d2lrnn's training step (forward, BPTT, clip, SGD) at batch 1024, 32 steps, 32 hidden,
      28 tokens: median ms and tokens/s;
  (b) the framework's own fused RNN layer on the same shapes and the same work (one-hot
      input, tanh RNN, linear output, mean cross-entropy, backward, SGD): torch.nn.RNN,
      keras.layers.SimpleRNN in tf.function, flax.linen.RNN(SimpleCell) under jax.jit,
      gluon.rnn.RNN (oneDNN). (a) and (b) are timed in alternating rounds, so that load from
      the rest of a shared machine falls on both; scratch/fused is the median per-round ratio;
  (c) the whole book run (``--epochs``, default 100): seconds per epoch, first epoch
      (compilation) included, and the final validation perplexity;
  (d) peak resident memory of the process;
  (e) on the eager frameworks (torch, mxnet), the RNN layer alone: RNNScratch against the
      fused layer, forward and forward + backward, side by side as above.

    python benchmarks/bench.py [--backends torch jax] [--epochs 100] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

import numpy as np

B, T, H, V = 1024, 32, 32, 28


def median_ms(fn, repeat: int = 20, warmup: int = 3) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def side_by_side(a: Callable[[], None], b: Callable[[], None], rounds: int = 7,
                 per_round: int = 5) -> tuple[float, float, float]:
    """Median ms of ``a`` and of ``b`` measured in alternating rounds, so that load from the
    rest of this shared machine falls on both, and the median of the per-round ratios a/b."""
    for fn in (a, b):
        median_ms(fn, repeat=2)
    ms_a, ms_b = [], []
    for _ in range(rounds):
        ms_a.append(median_ms(a, per_round, warmup=0))
        ms_b.append(median_ms(b, per_round, warmup=0))
    ratio = statistics.median(x / y for x, y in zip(ms_a, ms_b, strict=True))
    return statistics.median(ms_a), statistics.median(ms_b), ratio


def batch() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.integers(0, V, (B, T)), rng.integers(0, V, (B, T))


# (a) and (b): each returns one whole training step as a callable that waits for its result

def scratch_step(backend: str) -> Callable[[], None]:
    from d2lrnn import parity
    case = parity.make_case(sigma=0.01, clip=1.0)
    _, data, _, trainer = parity.build(backend, case)
    prepared = trainer.prepare_batch((data.to_tensor(case.X), data.to_tensor(case.Y)))

    def step():
        loss = trainer.fit_batch(prepared)
        float(loss)  # wait for the step to finish (async engines)
    return step


def fused_torch() -> Callable[[], None]:
    import torch
    X, Y = (torch.from_numpy(a) for a in batch())
    rnn, out = torch.nn.RNN(V, H), torch.nn.Linear(H, V)
    params = [*rnn.parameters(), *out.parameters()]
    opt = torch.optim.SGD(params, lr=1.0)

    def step():
        opt.zero_grad()
        h, _ = rnn(torch.nn.functional.one_hot(X.T, V).float())
        loss = torch.nn.functional.cross_entropy(out(h).reshape(-1, V), Y.T.reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        float(loss.detach())
    return step


def fused_tensorflow() -> Callable[[], None]:
    import keras
    import tensorflow as tf
    X, Y = (tf.constant(a, tf.int32) for a in batch())
    rnn = keras.layers.SimpleRNN(H, return_sequences=True)
    dense = keras.layers.Dense(V)
    rnn.build((B, T, V))
    dense.build((B, T, H))
    variables = [*rnn.trainable_variables, *dense.trainable_variables]
    opt = keras.optimizers.SGD(1.0, global_clipnorm=1.0)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            logits = dense(rnn(tf.one_hot(X, V)))
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(Y, logits))
        opt.apply_gradients(zip(tape.gradient(loss, variables), variables, strict=True))
        return loss
    return lambda: float(step())


def fused_jax() -> Callable[[], None]:
    import jax
    import optax
    from flax import linen as nn
    X, Y = (jax.numpy.asarray(a, jax.numpy.int32) for a in batch())

    class Net(nn.Module):
        @nn.compact
        def __call__(self, X):
            h = nn.RNN(nn.SimpleCell(H))(jax.nn.one_hot(X, V))
            return nn.Dense(V)(h)

    net = Net()
    params = net.init(jax.random.key(0), X)
    tx = optax.chain(optax.clip_by_global_norm(1.0), optax.sgd(1.0))
    opt_state = tx.init(params)

    @jax.jit
    def step(params, opt_state):
        def loss_fn(p):
            logits = net.apply(p, X)
            return optax.softmax_cross_entropy_with_integer_labels(logits, Y).mean()
        loss, grads = jax.value_and_grad(loss_fn)(params)
        updates, opt_state = tx.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, loss

    state = [params, opt_state]

    def run():
        state[0], state[1], loss = step(state[0], state[1])
        float(loss)
    return run


def fused_mxnet() -> Callable[[], None]:
    import d2lrnn.mxnet  # noqa: F401, I001  (the numpy 2 compatibility step, first)
    from mxnet import autograd, gluon, np, npx
    X, Y = (np.array(a, dtype="int32") for a in batch())
    rnn, dense = gluon.rnn.RNN(H, activation="tanh"), gluon.nn.Dense(V, flatten=False)
    rnn.initialize()
    dense.initialize()
    params = {**rnn.collect_params(), **dense.collect_params()}
    trainer = gluon.Trainer(params, "sgd", {"learning_rate": 1.0, "clip_gradient": None})
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()

    def step():
        with autograd.record():
            logits = dense(rnn(npx.one_hot(X.T, V)))
            loss = loss_fn(logits, Y.T).mean()
        loss.backward()
        grads = [p.grad() for p in params.values()]
        norm = np.sqrt(sum((g ** 2).sum() for g in grads))  # global-norm clip, on the arrays
        scale = np.minimum(1.0 / norm, 1.0)
        for g in grads:
            g[:] *= scale
        trainer.step(1)
        float(loss.detach())
    return step


FUSED = {"torch": ("torch.nn.RNN", fused_torch),
         "tensorflow": ("keras SimpleRNN, tf.function", fused_tensorflow),
         "jax": ("flax nn.RNN(SimpleCell), jit", fused_jax),
         "mxnet": ("gluon.rnn.RNN (oneDNN)", fused_mxnet)}


# (e) the RNN layer alone, on the eager frameworks: d2lrnn's RNNScratch against the fused layer,
# forward (no autograd) and forward + backward (a fixed output gradient), on one-hot inputs

def layers_torch() -> dict[str, Callable[[], None]]:
    import torch

    from d2lrnn import torch as d2l
    inputs = torch.nn.functional.one_hot(torch.from_numpy(batch()[0]).T, V).float()
    G = torch.randn(T, B, H)
    scratch, fused = d2l.RNNScratch(V, H), torch.nn.RNN(V, H)

    def fwd(f):
        def run():
            with torch.inference_mode():
                f()
        return run
    return {"scratch_fwd": fwd(lambda: scratch(inputs)), "fused_fwd": fwd(lambda: fused(inputs)),
            "scratch_fwd_bwd": lambda: torch.stack(scratch(inputs)[0]).backward(G),
            "fused_fwd_bwd": lambda: fused(inputs)[0].backward(G)}


def layers_mxnet() -> dict[str, Callable[[], None]]:
    from d2lrnn import mxnet as d2l  # noqa: I001  (the numpy 2 compatibility step, first)
    from d2lrnn.mxnet.fast import gemm_bias_grads
    from mxnet import autograd, gluon, np, npx
    inputs = npx.one_hot(np.array(batch()[0], dtype="int32").T, V)
    G = np.random.normal(size=(T, B, H))
    scratch, fused = d2l.RNNScratch(V, H), gluon.rnn.RNN(H, activation="tanh")
    fused.initialize()
    for p in (scratch.W_xh, scratch.W_hh, scratch.b_h):
        p.attach_grad()

    def fwd(f):
        def run():
            f()
            npx.waitall()
        return run

    def scratch_fwd_bwd():
        with autograd.record(), gemm_bias_grads():  # as d2lrnn's Trainer records its steps
            y = np.stack(scratch(inputs)[0])
        y.backward(G)
        npx.waitall()

    def fused_fwd_bwd():
        with autograd.record():
            y = fused(inputs)
        y.backward(G)
        npx.waitall()
    return {"scratch_fwd": fwd(lambda: scratch(inputs)), "fused_fwd": fwd(lambda: fused(inputs)),
            "scratch_fwd_bwd": scratch_fwd_bwd, "fused_fwd_bwd": fused_fwd_bwd}


LAYERS = {"torch": layers_torch, "mxnet": layers_mxnet}


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: reset at exec, unlike ru_maxrss)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one(backend: str, epochs: int) -> dict[str, Any]:
    from d2lrnn.session import train
    out: dict[str, Any] = {"backend": backend}
    out["fused_layer"], fused = FUSED[backend]
    out["scratch_ms"], out["fused_ms"], out["scratch_over_fused"] = side_by_side(
        scratch_step(backend), fused())
    if backend in LAYERS:
        fns = LAYERS[backend]()
        for kind in ("fwd", "fwd_bwd"):
            s_ms, f_ms, _ = side_by_side(fns[f"scratch_{kind}"], fns[f"fused_{kind}"])
            out[f"layer_scratch_{kind}_ms"], out[f"layer_fused_{kind}_ms"] = s_ms, f_ms
    if epochs:
        run = train(backend, epochs=epochs, seed=0)
        out["epochs"] = epochs
        out["s_per_epoch"] = run.seconds / epochs
        out["first_epoch_s"] = run.metrics[0]["seconds"]
        out["median_epoch_s"] = statistics.median(m["seconds"] for m in run.metrics[1:] or
                                                  run.metrics)
        out["val_ppl"] = run.metrics[-1]["val_ppl"]
        if backend == "jax":  # again, now that the compiled steps are in the disk cache
            warm = train(backend, epochs=epochs, seed=0)
            out["warm_s_per_epoch"] = warm.seconds / epochs
    out["tokens_per_s"] = B * T / (out["scratch_ms"] / 1e3)
    out["peak_rss_mb"] = peak_rss_mb()
    return out


BOOK_LIBRARY_S_PER_EPOCH = {"torch": 0.84, "mxnet": 1.80, "tensorflow": 1.41, "jax": 0.77}


def warm(row: dict[str, Any]) -> str:
    if "warm_s_per_epoch" not in row:
        return "-"
    spe = row["warm_s_per_epoch"]
    return f"{spe:.3f} ({BOOK_LIBRARY_S_PER_EPOCH[row['backend']] / spe:.1f}x)"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--backends", nargs="+", default=None)
    p.add_argument("--epochs", type=int, default=100)
    p.add_argument("--json", default="benchmarks/results.json")
    p.add_argument("--one", default=None, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.epochs)))
        return
    from d2lrnn.parity import available
    rows = []
    for backend in args.backends or available():
        with tempfile.TemporaryDirectory() as cache:  # cold: an empty JAX compilation cache
            proc = subprocess.run([sys.executable, __file__, "--one", backend, "--epochs",
                                   str(args.epochs)], capture_output=True, text=True,
                                  env={**os.environ, "D2LRNN_JAX_CACHE": cache})
        if proc.returncode != 0:
            print(f"{backend}: failed\n{proc.stderr[-2000:]}", file=sys.stderr)
            continue
        rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    print("| backend | scratch step ms | tokens/s | fused layer | fused ms | scratch/fused "
          "| s/epoch | vs book lib | 1st epoch s | median epoch s | val ppl | peak RSS MB "
          "| s/epoch, warm JAX cache |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        spe = r.get("s_per_epoch", float("nan"))
        print(f"| {r['backend']} | {r['scratch_ms']:.1f} | {r['tokens_per_s']:,.0f} | "
              f"{r['fused_layer']} | {r['fused_ms']:.1f} | "
              f"{r['scratch_over_fused']:.2f} | {spe:.3f} | "
              f"{BOOK_LIBRARY_S_PER_EPOCH[r['backend']] / spe:.1f}x | "
              f"{r.get('first_epoch_s', float('nan')):.2f} | "
              f"{r.get('median_epoch_s', float('nan')):.3f} | "
              f"{r.get('val_ppl', float('nan')):.2f} | {r['peak_rss_mb']:.0f} | {warm(r)} |")
    layer_rows = [r for r in rows if "layer_fused_fwd_ms" in r]
    if layer_rows:
        print("\n| RNN layer alone | scratch fwd ms | fused fwd ms | scratch fwd+bwd ms "
              "| fused fwd+bwd ms | fwd+bwd scratch/fused |")
        print("|---|---|---|---|---|---|")
        for r in layer_rows:
            print(f"| {r['backend']}: RNNScratch vs {r['fused_layer']} | "
                  f"{r['layer_scratch_fwd_ms']:.2f} | {r['layer_fused_fwd_ms']:.2f} | "
                  f"{r['layer_scratch_fwd_bwd_ms']:.2f} | {r['layer_fused_fwd_bwd_ms']:.2f} | "
                  f"{r['layer_scratch_fwd_bwd_ms'] / r['layer_fused_fwd_bwd_ms']:.2f} |")
    with open(args.json, "w") as f:
        json.dump({"machine": {"cpus": os.cpu_count()}, "rows": rows}, f, indent=1)
    print(f"wrote {args.json}")


if __name__ == "__main__":
    main()

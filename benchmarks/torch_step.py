"""The torch step of the book's tab (``tests/book/pytorch_tab.py``: the reader's model code and
its own clip_gradients, d2lrnn's Trainer), measured the ways README-speed reports:

    python benchmarks/torch_step.py profile [--threads 2 1] [--steps 5]
        median step time and a torch.profiler summary per thread count, alternating rounds
    python benchmarks/torch_step.py compile [--backend inductor] [--threads 1]
        torch.compile of the forward + loss (backward compiled by AOTAutograd): the first step
        of each batch shape (compilation), then compiled vs eager steps in alternating rounds.
        Run it twice: the second run reads torch's on-disk caches (a fresh cache directory
        with --cold).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import sys
import tempfile
import time
import types
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_tab() -> types.SimpleNamespace:
    """The tab's cells up to ``trainer.fit``, from seed 0; the trainer set up, batches ready."""
    sys.path.insert(0, ROOT)
    from d2lrnn import torch as d2l
    d2l.seed(0)
    with open(os.path.join(ROOT, "tests", "book", "pytorch_tab.py"), encoding="utf-8") as f:
        source = f.read().split("trainer.fit(model, data)")[0]
    main = types.ModuleType("__main__")  # torch.compile's guards look globals up in __main__
    sys.modules["__main__"] = main
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(source, "pytorch_tab.py", "exec"), main.__dict__)
    trainer, model, data = main.trainer, main.model, main.data
    trainer.setup(model, data)
    batches = [trainer.prepare_batch(b) for b in trainer.train_dataloader]
    return types.SimpleNamespace(trainer=trainer, model=model, batches=batches)


def median_ms(step: Any, batches: list, n: int) -> float:
    times = []
    for i in range(n):
        start = time.perf_counter()
        step(batches[i % (len(batches) - 1)])  # full batches only
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def profile(args: argparse.Namespace) -> None:
    import torch
    from torch.profiler import ProfilerActivity
    from torch.profiler import profile as torch_profile

    tab = load_tab()
    step = tab.trainer.fit_batch
    results: dict[int, list[float]] = {n: [] for n in args.threads}
    for _ in range(args.rounds):
        for n in args.threads:
            torch.set_num_threads(n)
            step(tab.batches[0])
            results[n].append(median_ms(step, tab.batches, args.steps))
    for n in args.threads:
        print(f"threads {n}: step ms per round {' / '.join(f'{t:.1f}' for t in results[n])}")
    for n in args.threads:
        torch.set_num_threads(n)
        with torch_profile(activities=[ProfilerActivity.CPU]) as prof:
            for b in tab.batches[:args.steps]:
                step(b)
        print(f"\ntorch.profiler, {args.steps} steps, {n} thread(s):")
        print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=args.rows))


def compiled(args: argparse.Namespace) -> None:
    if args.cold:
        os.environ["TORCHINDUCTOR_CACHE_DIR"] = tempfile.mkdtemp(prefix="inductor-")
    import torch

    torch.set_num_threads(args.threads[0])
    tab = load_tab()
    trainer, model = tab.trainer, tab.model

    def forward(batch: Any) -> tuple[Any, Any]:
        with trainer.capturing("train") as captured:
            loss = model.training_step(batch)
        return loss, trainer.captured_values(captured)
    forward_c = torch.compile(forward, backend=args.backend, dynamic=False)

    def step(batch: Any) -> Any:
        loss, values = forward_c(batch)
        trainer.optim.zero_grad()
        loss.backward()
        with torch.no_grad():
            trainer.clip_gradients(trainer.gradient_clip_val, model)
        trainer.optim.step()
        trainer.replay("train", values)
        return loss.detach()

    for name, batch in (("full batch", tab.batches[0]), ("last batch", tab.batches[-1])):
        start = time.perf_counter()
        step(batch)
        print(f"first compiled step, {name} ({tuple(batch[0].shape)}): "
              f"{time.perf_counter() - start:.1f} s", flush=True)
    for r in range(args.rounds):
        eager = median_ms(trainer.fit_batch, tab.batches, args.steps)
        fast = median_ms(step, tab.batches, args.steps)
        print(f"round {r + 1}: eager {eager:.1f} ms, compiled ({args.backend}) {fast:.1f} ms, "
              f"eager/compiled {eager / fast:.2f}", flush=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("mode", choices=["profile", "compile"])
    p.add_argument("--threads", type=int, nargs="+", default=None)
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--rows", type=int, default=12)
    p.add_argument("--backend", default="inductor", help="torch.compile backend")
    p.add_argument("--cold", action="store_true", help="compile with an empty cache directory")
    args = p.parse_args()
    if args.threads is None:
        args.threads = [2, 1] if args.mode == "profile" else [1]
    (profile if args.mode == "profile" else compiled)(args)


if __name__ == "__main__":
    main()

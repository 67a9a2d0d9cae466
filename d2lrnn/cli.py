"""``d2lrnn`` / ``python -m d2lrnn``: train, generate and compare from the command line.

    d2lrnn train --backend torch            # the book's run, then 'it has' + 20 characters
    d2lrnn generate --checkpoint runs/torch/model.npz --prefix "the time" --num 40
    d2lrnn compare --backends torch jax --epochs 10
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from d2lrnn import BACKENDS
from d2lrnn.core import checkpoint
from d2lrnn.core.atomic import atomic_write
from d2lrnn.core.checks import CHECKS_ERRORS
from d2lrnn.session import BOOK, from_checkpoint, train


def _progress(total: int, desc: str):
    """A tqdm bar over epochs showing perplexities and tokens per second."""
    from tqdm import tqdm

    bar = tqdm(total=total, desc=desc, unit="epoch", file=sys.stderr, dynamic_ncols=True)

    def on_epoch(trainer: Any) -> None:
        m = trainer.metrics[-1]
        tokens = trainer.train_dataloader.arrays[0].size  # windows x steps per epoch
        bar.set_postfix(train_ppl=f"{m['train_ppl']:.2f}", val_ppl=f"{m['val_ppl']:.2f}",
                        tok_s=f"{tokens / m['seconds']:,.0f}")
        bar.update(1)
    return bar, on_epoch


def _train_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--epochs", type=int, default=BOOK["epochs"])
    p.add_argument("--num-hiddens", type=int, default=BOOK["num_hiddens"])
    p.add_argument("--lr", type=float, default=BOOK["lr"])
    p.add_argument("--clip", type=float, default=BOOK["clip"],
                   help="gradient clipping threshold; 0 turns clipping off")
    p.add_argument("--batch-size", type=int, default=BOOK["batch_size"])
    p.add_argument("--num-steps", type=int, default=BOOK["num_steps"])
    p.add_argument("--seed", type=int, default=0,
                   help="fixes initial weights and batch order (the same on every backend)")
    p.add_argument("--corpus", default=None,
                   help="a UTF-8 text file to train on (default: the bundled Time Machine)")


def _hparams(args: argparse.Namespace) -> dict[str, Any]:
    return {"epochs": args.epochs, "num_hiddens": args.num_hiddens, "lr": args.lr,
            "clip": args.clip, "batch_size": args.batch_size, "num_steps": args.num_steps,
            "seed": args.seed, "corpus": args.corpus}


def cmd_train(args: argparse.Namespace) -> int:
    os.makedirs(args.out, exist_ok=True)
    bar, on_epoch = _progress(args.epochs, f"train {args.backend}")
    with bar:
        run = train(args.backend, on_epoch=on_epoch, **_hparams(args))
    last = run.metrics[-1]
    png = run.model.board.save(os.path.join(args.out, "perplexity.png"))
    ckpt = checkpoint.save(os.path.join(args.out, "model.npz"), run.get_params(), run.vocab,
                           run.hparams, family=run.family)
    text = run.predict(args.prefix, args.num_preds)
    print(f"backend {args.backend}: {len(run.metrics)} epochs in {run.seconds:.1f} s "
          f"({run.seconds / len(run.metrics):.3f} s/epoch)")
    print(f"train perplexity {last['train_ppl']:.3f}, validation perplexity "
          f"{last['val_ppl']:.3f}")
    print(f"plot {png}, checkpoint {ckpt}")
    print(f"predict({args.prefix!r}, {args.num_preds}): {text!r}")
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    ckpt = checkpoint.load(args.checkpoint)
    run = from_checkpoint(args.backend or ckpt.hparams.get("backend", "torch"), ckpt)
    print(run.predict(args.prefix, args.num, temperature=args.temperature, alpha=args.alpha,
                      seed=args.seed))
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from d2lrnn.parity import available

    backends = args.backends or available()
    os.makedirs(args.out, exist_ok=True)
    rows, boards = [], {}
    for backend in backends:
        bar, on_epoch = _progress(args.epochs, f"compare {backend}")
        with bar:
            run = train(backend, on_epoch=on_epoch, **_hparams(args))
        last = run.metrics[-1]
        tokens = run.data.num_train * run.data.num_steps * len(run.metrics)
        rows.append((backend, last["train_ppl"], last["val_ppl"],
                     run.seconds / len(run.metrics), tokens / run.seconds,
                     run.predict(args.prefix, args.num_preds)))
        boards[backend] = run.model.board.history()
    print(f"| backend | train ppl | val ppl | s/epoch | tokens/s | predict({args.prefix!r}) |")
    print("|---|---|---|---|---|---|")
    for b, tp, vp, spe, tps, text in rows:
        print(f"| {b} | {tp:.3f} | {vp:.3f} | {spe:.3f} | {tps:,.0f} | {text!r} |")
    png = _overlay(boards, os.path.join(args.out, "compare.png"))
    print(f"plot {png}")
    return 0


def _overlay(histories: dict[str, dict[str, tuple[list[float], list[float]]]],
             path: str) -> str:
    """One PNG with every backend's train and validation perplexity curves."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 4))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    for i, (backend, hist) in enumerate(histories.items()):
        for label, ls in (("train_ppl", "-"), ("val_ppl", "--")):
            xs, ys = hist.get(label, ([], []))
            ax.plot(xs, ys, ls, color=f"C{i}", label=f"{backend} {label}")
    ax.set_xlabel("epoch")
    ax.set_ylabel("perplexity")
    ax.legend(fontsize="small")
    fig.tight_layout()
    return atomic_write(path, lambda f: fig.savefig(f, format="png", dpi=100))


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="d2lrnn", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)

    t = sub.add_parser("train", help="train the book's model and generate text")
    t.add_argument("--backend", choices=BACKENDS, default="torch")
    _train_args(t)
    t.add_argument("--out", default=None, help="directory for the plot and checkpoint "
                                               "(default runs/<backend>)")
    t.add_argument("--prefix", default="it has")
    t.add_argument("--num-preds", type=int, default=20)
    t.set_defaults(func=cmd_train)

    g = sub.add_parser("generate", help="continue a prefix with a checkpoint")
    g.add_argument("--checkpoint", required=True)
    g.add_argument("--prefix", required=True)
    g.add_argument("--num", type=int, default=20)
    g.add_argument("--backend", choices=BACKENDS, default=None,
                   help="any backend (default: the one that trained it)")
    how = g.add_mutually_exclusive_group()
    how.add_argument("--temperature", type=float, default=None)
    how.add_argument("--alpha", type=float, default=None,
                     help="sample from p**alpha (the book's exercise)")
    g.add_argument("--seed", type=int, default=None)
    g.set_defaults(func=cmd_generate)

    c = sub.add_parser("compare", help="train backends from one seed, side by side")
    c.add_argument("--backends", nargs="+", choices=BACKENDS, default=None)
    _train_args(c)
    c.add_argument("--out", default="runs/compare")
    c.add_argument("--prefix", default="it has")
    c.add_argument("--num-preds", type=int, default=20)
    c.set_defaults(func=cmd_compare)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if getattr(args, "out", "") is None:
        args.out = os.path.join("runs", args.backend)
    try:
        return args.func(args)
    except CHECKS_ERRORS as err:
        print(f"d2lrnn {args.command}: error: {err}", file=sys.stderr)
        return 2
    except FloatingPointError as err:
        print(f"d2lrnn {args.command}: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

"""d2lrnn / python -m d2lrnn: train the book's RNN language model, generate text with it,
compare the four frameworks, and translate English to French with the book's seq2seq model,
from the command line.

examples:
  d2lrnn train --backend torch            # the book's run, then 'it has' + 20 characters
  d2lrnn generate --checkpoint runs/torch/model.npz --prefix "the time" --num-preds 40
  d2lrnn compare --backends torch jax --epochs 10
  d2lrnn translate                        # the book's seq2seq run, then its four sentences

Ctrl-C during train or translate stops after the current batch, saves what was trained as a
checkpoint marked partial, and exits with status 130.
"""

# Errors: a bad flag or file is one line on stderr naming the flag, exit status 2, before any
# framework is imported; a run that diverges or cannot write its files, one line and status 1;
# Ctrl-C, one line and 130 (also while d2lrnn or a framework is still importing). This module
# imports only the standard library and d2lrnn's own light modules at import time: NumPy, the
# session and the frameworks are imported inside main(), where a Ctrl-C is caught.

from __future__ import annotations

import argparse
import os
import re
import sys
from typing import Any

from d2lrnn import BACKENDS, __version__, config
from d2lrnn.cli_args import (
    Formatter,
    backend_name,
    nonempty,
    nonnegative_float,
    nonnegative_int,
    positive_float,
    positive_int,
)
from d2lrnn.cli_paths import check_kind, check_paths
from d2lrnn.cli_run import (  # noqa: F401 (StopOnInterrupt, _progress: tests)
    StopOnInterrupt,
    _progress,
    end_at_once_on_interrupt,
    interrupted_line,
    save_partial,
    train_into,
)
from d2lrnn.cli_translate import add_parser as add_translate

# The API's argument names in an error message, and the flag a reader typed for each.
FLAGS = {"max_epochs": "--epochs", "num_preds": "--num-preds", "num_hiddens": "--num-hiddens",
         "batch_size": "--batch-size", "num_steps": "--num-steps",
         "gradient_clip_val": "--clip", "temperature": "--temperature", "alpha": "--alpha"}
#: the API names a command's own flags replace (an error of generate names no --epochs)
COMMAND_FLAGS = {"generate": ("num_preds", "temperature", "alpha"), "translate": ("max_epochs",)}


def read_prefix(prefix: str) -> str:
    """The prefix as the corpus reads text (lower case, non-letters as one space), with one
    note line on stderr when that changed it."""
    from d2lrnn.core.text import preprocess

    read = preprocess(prefix)
    if read != prefix:
        print(f"note: prefix read as {read!r}, the way the corpus is read (lower-case letters "
              f"and spaces)", file=sys.stderr)
    return read


#: --model: the language models the command line trains, by model family (d2lrnn/core/models)
MODELS = {"rnn": "rnn-lm-scratch", "rnn-concise": "rnn-lm-concise", "gru": "gru-lm-concise",
          "lstm": "lstm-lm-concise", "deep": "gru-lm-deep"}


def _train_args(p: argparse.ArgumentParser) -> None:
    from d2lrnn.session import BOOK

    p.add_argument("--model", choices=sorted(MODELS), default="rnn",
                   help="rnn: the book's RNN from scratch; rnn-concise: on the framework's RNN "
                        "layer; gru: d2l.GRU under d2l.RNNLM, lstm: the framework's LSTM "
                        "(the book trains both with --lr 4 --epochs 50); deep: d2l.GRU with "
                        "two layers (the book: --lr 2)")
    p.add_argument("--epochs", type=positive_int, default=BOOK["epochs"],
                   help="training epochs (the book's run)")
    p.add_argument("--num-hiddens", type=positive_int, default=BOOK["num_hiddens"],
                   help="hidden units of the RNN")
    p.add_argument("--lr", type=positive_float, default=BOOK["lr"],
                   help="SGD learning rate")
    p.add_argument("--clip", type=nonnegative_float, default=BOOK["clip"],
                   help="gradient clipping threshold; 0 turns clipping off")
    p.add_argument("--batch-size", type=positive_int, default=BOOK["batch_size"],
                   help="windows per minibatch")
    p.add_argument("--num-steps", type=positive_int, default=BOOK["num_steps"],
                   help="characters per window (time steps)")
    p.add_argument("--seed", type=int, default=0,
                   help="fixes initial weights and batch order (the same on every backend)")
    p.add_argument("--corpus", default=None,
                   help="a UTF-8 text file to train on (default: the bundled Time Machine)")
    p.add_argument("--prefix", type=nonempty, default="it has",
                   help="text to continue after training")
    p.add_argument("--num-preds", "--num", dest="num_preds", type=nonnegative_int, default=20,
                   help="characters to generate after the prefix")


def _hparams(args: argparse.Namespace) -> dict[str, Any]:
    return {"epochs": args.epochs, "num_hiddens": args.num_hiddens, "lr": args.lr,
            "clip": args.clip, "batch_size": args.batch_size, "num_steps": args.num_steps,
            "seed": args.seed, "corpus": args.corpus, "family": MODELS[args.model]}


def cmd_train(args: argparse.Namespace) -> int:
    from d2lrnn.core import checkpoint
    from d2lrnn.session import train

    prefix = read_prefix(args.prefix)
    progress, on_epoch = _progress(args.epochs, f"train {args.backend}")
    run, path = train_into(args.out, progress, lambda on_start: train(
        args.backend, on_epoch=on_epoch, on_start=on_start, **_hparams(args)))
    if run.trainer.stopped_at is not None:
        return save_partial(run, run.vocab, path, "train", args.epochs)
    last = run.metrics[-1]
    png = run.model.board.save(os.path.join(args.out, "perplexity.png"))
    ckpt = checkpoint.save(path, run.get_params(), run.vocab, run.hparams, family=run.family)
    text = run.predict(prefix, args.num_preds)
    print(f"backend {args.backend}: {len(run.metrics)} epochs in {run.seconds:.1f} s "
          f"({run.seconds / len(run.metrics):.3f} s/epoch)")
    print(f"train perplexity {last['train_ppl']:.3f}, validation perplexity "
          f"{last['val_ppl']:.3f}")
    print(f"plot {png}, checkpoint {ckpt}")
    print(f"predict({prefix!r}, {args.num_preds}): {text!r}")
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    from d2lrnn.core import checkpoint
    from d2lrnn.session import from_checkpoint

    ckpt = checkpoint.load(args.checkpoint)
    check_kind(ckpt, args.checkpoint, "lm", "--checkpoint", "generate")
    prefix = read_prefix(args.prefix)
    backend = args.backend or ckpt.hparams.get("backend", "torch")
    if backend not in BACKENDS:
        raise checkpoint.CheckpointError(
            f"checkpoint: {args.checkpoint!r} names the backend {backend!r}, which d2lrnn does "
            f"not have; choose one with --backend ({', '.join(BACKENDS)})")
    run = from_checkpoint(backend, ckpt)
    print(run.predict(prefix, args.num_preds, temperature=args.temperature, alpha=args.alpha,
                      seed=args.seed))
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from d2lrnn.parity import available
    from d2lrnn.session import train

    backends = args.backends or available()
    prefix = read_prefix(args.prefix)
    rows, boards = [], {}
    for backend in backends:
        progress, on_epoch = _progress(args.epochs, f"compare {backend}")
        with progress:
            run = train(backend, on_epoch=on_epoch, **_hparams(args))
        last = run.metrics[-1]
        tokens = run.data.num_train * run.data.num_steps * len(run.metrics)
        rows.append((backend, last["train_ppl"], last["val_ppl"],
                     run.seconds / len(run.metrics), tokens / run.seconds,
                     run.predict(prefix, args.num_preds)))
        boards[backend] = run.model.board.history()
    print(f"| backend | train ppl | val ppl | s/epoch | tokens/s | predict({prefix!r}) |")
    print("|---|---|---|---|---|---|")
    for b, tp, vp, spe, tps, text in rows:
        print(f"| {b} | {tp:.3f} | {vp:.3f} | {spe:.3f} | {tps:,.0f} | {text!r} |")
    os.makedirs(args.out, exist_ok=True)
    png = _overlay(boards, os.path.join(args.out, "compare.png"))
    print(f"plot {png}")
    return 0


def _overlay(histories: dict[str, dict[str, tuple[list[float], list[float]]]],
             path: str) -> str:
    """One PNG with every backend's train and validation perplexity curves."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from d2lrnn.core.atomic import atomic_write

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
    doc = __doc__ or ""
    p = argparse.ArgumentParser(prog="d2lrnn", description=doc.split("\n\n")[0],
                                epilog=doc.split("\n\n", 1)[1], formatter_class=Formatter)
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="let the frameworks' own log lines through (TensorFlow's are hidden "
                        "otherwise, unless TF_CPP_MIN_LOG_LEVEL is set)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    backends = "{" + ",".join(BACKENDS) + "}"

    t = sub.add_parser("train", help="train the book's model and generate text",
                       formatter_class=Formatter,
                       description="Train the book's model, save a plot and a checkpoint in "
                                   "--out, and continue --prefix.\nCtrl-C stops after the "
                                   "current batch and saves a partial checkpoint (exit 130).")
    t.add_argument("--backend", type=backend_name, default="torch", metavar=backends,
                   help="framework to train on")
    _train_args(t)
    t.add_argument("--out", default=None, help="directory for the plot and checkpoint "
                                               "(default: runs/<backend>)")
    t.set_defaults(func=cmd_train, resolve=_default_out)

    g = sub.add_parser("generate", help="continue a prefix with a checkpoint",
                       formatter_class=Formatter)
    g.add_argument("--checkpoint", required=True, help="a model.npz written by train")
    g.add_argument("--prefix", required=True, type=nonempty, help="text to continue")
    g.add_argument("--num-preds", "--num", dest="num_preds", type=nonnegative_int, default=20,
                   help="characters to generate")
    g.add_argument("--backend", type=backend_name, default=None, metavar=backends,
                   help="any backend (default: the one that trained it)")
    how = g.add_mutually_exclusive_group()
    how.add_argument("--temperature", type=positive_float, default=None,
                     help="sample from softmax(logits / temperature) (default: greedy)")
    how.add_argument("--alpha", type=positive_float, default=None,
                     help="sample from p**alpha (the book's exercise)")
    g.add_argument("--seed", type=int, default=None, help="seed for sampling")
    g.set_defaults(func=cmd_generate)

    c = sub.add_parser("compare", help="train backends from one seed, side by side",
                       formatter_class=Formatter)
    c.add_argument("--backends", nargs="+", type=backend_name, default=None, metavar=backends,
                   help="backends to compare (default: every installed one)")
    _train_args(c)
    c.add_argument("--out", default="runs/compare", help="directory for compare.png")
    c.set_defaults(func=cmd_compare)
    add_translate(sub, backends)
    return p


def _default_out(args: argparse.Namespace) -> None:
    if args.out is None:
        args.out = os.path.join("runs", args.backend)


def _flag_names(message: str, flags: dict[str, str] | None = None) -> str:
    """An API error message with the argument names replaced by the CLI's flags (``flags``:
    those the command has; all by default)."""
    flags = FLAGS if flags is None else flags
    if not flags:
        return message
    return re.sub(r"\b(" + "|".join(flags) + r")\b", lambda m: flags[m.group(1)], message)


def _one_line(message: str) -> str:
    return " ".join(str(message).split())


def _command(argv: list[str] | None) -> str:
    """The subcommand a command line names, for a message printed before it is parsed."""
    words = sys.argv[1:] if argv is None else argv
    return next((w for w in words if w in ("train", "generate", "compare", "translate")), "")


def interrupted(command: str) -> int:
    """Ctrl-C before anything was trained or written: one line, status 130."""
    interrupted_line(command)
    return 130


def exit_interrupted(code: int) -> None:
    """End the program now with ``code``. A KeyboardInterrupt that passed through C code
    running Python (some frameworks' imports do) marks it unhandled for good, and CPython then
    ends the process by SIGINT (status -2) even after it was caught; a framework half imported
    may also hang at shutdown. Nothing is left to save: flush and leave."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, KeyboardInterrupt):
            pass
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    """The command line (``argv``: the arguments; None: this program's, and a Ctrl-C then ends
    the process at once with status 130, see ``end_at_once_on_interrupt``)."""
    if argv is None:
        end_at_once_on_interrupt(_command(argv))
    try:
        return _main(argv)
    except KeyboardInterrupt:  # importing NumPy, the session or a framework; parsing; a run
        code = interrupted(_command(argv))  # before it could stop after a batch
    if argv is None:
        exit_interrupted(code)
    return code


def _main(argv: list[str] | None) -> int:
    args = parser().parse_args(argv)
    if args.verbose:
        config.set_verbose()
    try:
        if getattr(args, "resolve", None) is not None:  # defaults that depend on other flags
            args.resolve(args)
        check_paths(args)
    except SystemExit as err:
        return int(err.code)
    from d2lrnn.core.checkpoint import CheckpointError
    from d2lrnn.core.checks import CHECKS_ERRORS

    prog = f"d2lrnn {args.command}"
    try:
        return args.func(args)
    except CheckpointError as err:  # about the file's contents: no flag names in it
        print(f"{prog}: error: {_one_line(err)}", file=sys.stderr)
        return 2
    except CHECKS_ERRORS as err:
        flags = {k: FLAGS[k] for k in COMMAND_FLAGS.get(args.command, FLAGS)}
        print(f"{prog}: error: {_one_line(_flag_names(str(err), flags))}", file=sys.stderr)
        return 2
    except FloatingPointError as err:
        print(f"{prog}: {_one_line(_flag_names(str(err)))}", file=sys.stderr)
        return 1
    except OSError as err:  # writing the plot or checkpoint: disk full, directory removed...
        where = f": {err.filename!r}" if err.filename else ""
        print(f"{prog}: error: {_one_line(err.strerror or err)}{where}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

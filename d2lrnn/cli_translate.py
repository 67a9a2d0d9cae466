"""``d2lrnn translate``: train the book's sequence-to-sequence model (section "Sequence-to-Sequence
Learning for Machine Translation") on the bundled English-French data with the book's settings,
then translate English sentences; or translate with a trained model's checkpoint, on any
backend. Follows ``d2lrnn train``'s conventions (its argument types, progress lines, Ctrl-C,
atomic checkpoints, errors naming the flag) and, like d2lrnn.cli, imports only the standard
library at import time: NumPy, the session and the frameworks inside ``cmd_translate``."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from d2lrnn.cli_paths import _usage, check_kind

SEED = 0  # as train's --seed
SENTENCES_HELP = "'go .' 'i lost .' \"he's calm .\" \"i'm home .\""


def sentence(text: str) -> str:
    """An English sentence: at least one word, on one line."""
    if not text.strip():
        raise argparse.ArgumentTypeError("must contain at least one word (got an empty "
                                         "sentence)")
    if "\t" in text or "\n" in text or "\r" in text:
        raise argparse.ArgumentTypeError(f"must be one line without tabs; got {text!r}")
    return text


def add_parser(sub: Any, backends: str) -> None:
    """The ``translate`` subcommand, on the subparsers ``sub`` of d2lrnn's parser (with the
    argument types of ``train``)."""
    from d2lrnn.cli_args import Formatter, backend_name, positive_int
    from d2lrnn.core.models.seq2seq import BOOK_RUN

    t = sub.add_parser(
        "translate", help="train the book's seq2seq model and translate English to French",
        formatter_class=Formatter,
        description="\n".join((
            "Train the book's encoder-decoder (two-layer GRUs of 256 units, Adam with lr 0.005,",
            "clipping 1) on the bundled English-French pairs, save a plot and a checkpoint in",
            "--out, and translate the SENTENCEs (greedy, as the book); or, with",
            "--from-checkpoint, only translate, on any backend.",
            "Sentences are read as the data set reads its text (lower case, a space before",
            ", . ! ?); an English word the model's vocabulary lacks (it keeps the words seen at",
            "least twice in its 641 pairs) is read as <unk>. The book's four sentences get the",
            "BLEU the book prints.",
            "Ctrl-C stops after the current batch and saves a partial checkpoint (exit 130).")))
    t.add_argument("sentences", nargs="*", type=sentence, metavar="SENTENCE",
                   help=f"English sentences to translate (default: the book's, {SENTENCES_HELP})")
    t.add_argument("--backend", type=backend_name, default=None, metavar=backends,
                   help="framework to train or translate on (default: torch; with "
                        "--from-checkpoint, the one that trained it)")
    t.add_argument("--epochs", type=positive_int, default=None,
                   help=f"training epochs (default: {BOOK_RUN['epochs']}, the book's run)")
    t.add_argument("--seed", type=int, default=None,
                   help=f"fixes initial weights, dropout and batch order (default: {SEED})")
    t.add_argument("--out", default=None, help="directory for the plot and checkpoint "
                                               "(default: runs/translate-<backend>)")
    t.add_argument("--from-checkpoint", default=None, metavar="PATH",
                   help="translate with the model.npz a translate run wrote (no training)")
    t.set_defaults(func=cmd_translate, resolve=resolve)


def resolve(args: argparse.Namespace) -> None:
    """The defaults that depend on other flags; training flags beside --from-checkpoint are
    refused (one line naming them, SystemExit(2)), before anything is imported."""
    if args.from_checkpoint is not None:
        given = [flag for flag, value in (("--epochs", args.epochs), ("--seed", args.seed),
                                          ("--out", args.out)) if value is not None]
        if given:
            raise SystemExit(_usage(args, f"argument --from-checkpoint: translates with a "
                                          f"trained model; {' and '.join(given)} "
                                          f"{'is' if len(given) == 1 else 'are'} for training "
                                          f"(drop {'it' if len(given) == 1 else 'them'}, or drop "
                                          "--from-checkpoint to train)"))
        return
    from d2lrnn.core.models.seq2seq import BOOK_RUN

    args.backend = args.backend or "torch"
    args.epochs = BOOK_RUN["epochs"] if args.epochs is None else args.epochs
    args.seed = SEED if args.seed is None else args.seed
    if args.out is None:
        args.out = os.path.join("runs", f"translate-{args.backend}")


def cmd_translate(args: argparse.Namespace) -> int:
    from d2lrnn import translation

    sentences = args.sentences or [en for en, _ in translation.BOOK_SENTENCES]
    for s in sentences:
        read = translation.read_sentence(s)
        if read != s:
            print(f"note: {s!r} read as {read!r}, the way the data set reads text (lower case, "
                  "a space before , . ! ?)", file=sys.stderr)
    if args.from_checkpoint is not None:
        run = _load(args)
    else:
        run = _train(args, translation)
        if isinstance(run, int):
            return run
    _notes(sentences, run, translation)
    for s, french in zip(sentences, translation.translate(run, sentences), strict=True):
        score = translation.book_bleu(s, french)
        line = f"{translation.read_sentence(s)} => {' '.join(french)}"
        print(line if score is None else f"{line}, bleu {score:.3f}")
    return 0


def _load(args: argparse.Namespace) -> Any:
    from d2lrnn import BACKENDS
    from d2lrnn.core import checkpoint
    from d2lrnn.session import from_checkpoint

    path = args.from_checkpoint
    ckpt = checkpoint.load(path)
    check_kind(ckpt, path, "seq2seq", "--from-checkpoint", "translate")
    backend = args.backend or ckpt.hparams.get("backend", "torch")
    if backend not in BACKENDS:
        raise checkpoint.CheckpointError(
            f"checkpoint: {path!r} names the backend {backend!r}, which d2lrnn does not have; "
            f"choose one with --backend ({', '.join(BACKENDS)})")
    return from_checkpoint(backend, ckpt)


def _train(args: argparse.Namespace, translation: Any) -> Any:
    """The book's run; the Run, or 130 after a Ctrl-C (a partial checkpoint saved)."""
    from d2lrnn.cli_run import _progress, save_partial, train_into
    from d2lrnn.core import checkpoint

    progress, on_epoch = _progress(args.epochs, f"translate {args.backend}",
                                   ("train_loss", "val_loss"))
    run, path = train_into(args.out, progress, lambda on_start: translation.train(
        args.backend, epochs=args.epochs, seed=args.seed, on_epoch=on_epoch, on_start=on_start))
    if run.trainer.stopped_at is not None:
        return save_partial(run, run.vocabs, path, "translate", args.epochs)
    last = run.metrics[-1]
    png = run.model.board.save(os.path.join(args.out, "loss.png"))
    ckpt = checkpoint.save(path, run.get_params(), run.vocabs, run.hparams, family=run.family)
    print(f"backend {args.backend}: {len(run.metrics)} epochs in {run.seconds:.1f} s "
          f"({run.seconds / len(run.metrics):.3f} s/epoch)")
    print(f"train loss {last['train_loss']:.3f}, validation loss {last['val_loss']:.3f}")
    print(f"plot {png}, checkpoint {ckpt}")
    return run


def _notes(sentences: list[str], run: Any, translation: Any) -> None:
    """One line on stderr per sentence with words the vocabulary lacks, or too long to read
    whole."""
    num_steps = int(run.hparams["num_steps"])
    for s in sentences:
        read = translation.read_sentence(s)
        unknown = translation.unknown_words(s, run.vocabs["src"])
        if unknown:
            print(f"note: {', '.join(map(repr, unknown))} not in the English vocabulary "
                  f"({len(run.vocabs['src'])} tokens): read as <unk>", file=sys.stderr)
        if len(read.split(" ")) + 1 > num_steps:  # the words and <eos>
            print(f"note: {read!r} is longer than the model reads (num_steps {num_steps}, "
                  "with <eos>): it is cut", file=sys.stderr)

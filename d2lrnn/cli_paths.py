"""The command line's file arguments, checked before any framework is imported or any
directory made: ``--out`` can be made and written, ``--corpus`` is readable UTF-8 text with
letters, ``--checkpoint`` and ``--from-checkpoint`` are readable files (``check_kind``: of the
kind of model the command needs, once loaded). A bad one is one line on stderr naming the flag
and ``SystemExit(2)``. Imports only the standard library at import time (d2lrnn.cli's rule)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any


def check_paths(args: argparse.Namespace) -> None:
    """The file arguments, checked before any framework is imported or directory made:
    --out can be made and written, --corpus is readable UTF-8 text with letters, --checkpoint
    is a readable file (its contents are checked when it is loaded, still before any
    framework is imported)."""
    out = getattr(args, "out", None)
    if out is not None:
        _check_out(args, out)
    corpus = getattr(args, "corpus", None)
    if corpus is not None:
        _check_corpus(args, corpus)
    for dest, flag in (("checkpoint", "--checkpoint"), ("from_checkpoint", "--from-checkpoint")):
        ckpt = getattr(args, dest, None)
        if ckpt is not None:
            _check_readable(args, ckpt, flag)


def _check_readable(args: argparse.Namespace, ckpt: str, flag: str) -> None:
    if os.path.isdir(ckpt):
        raise SystemExit(_usage(args, f"argument {flag}: {ckpt!r} is a directory; give the "
                                      "checkpoint file in it (e.g. model.npz)"))
    if not os.path.isfile(ckpt):
        raise SystemExit(_usage(args, f"argument {flag}: no such file {ckpt!r}"))
    if not os.access(ckpt, os.R_OK):
        raise SystemExit(_usage(args, f"argument {flag}: cannot read {ckpt!r} "
                                      "(permission denied)"))


#: a model family's data kind -> (what it is, the command that writes it)
_KINDS = {"lm": ("a language model's", "d2lrnn train"),
          "seq2seq": ("a translation model's", "d2lrnn translate")}


def check_kind(ckpt: Any, path: str, kind: str, flag: str, command: str) -> None:
    """A CheckpointError naming ``flag`` unless the loaded checkpoint ``ckpt`` holds a model
    of the data kind ``command`` needs, ``kind`` (``lm``: generate; ``seq2seq``: translate)."""
    from d2lrnn.core import models as families
    from d2lrnn.core.checkpoint import CheckpointError

    got = families.get(ckpt.family).data.name
    if got == kind:
        return
    what, writer = _KINDS.get(got, (f"a {got} model's", "d2lrnn"))
    want, want_writer = _KINDS[kind]
    hint = (f"; translate with it: d2lrnn translate --from-checkpoint {path}"
            if got == "seq2seq" else "")
    raise CheckpointError(f"argument {flag}: {path!r} is {what} checkpoint (model family "
                          f"{ckpt.family!r}, written by {writer}); {command} needs {want} "
                          f"(written by {want_writer}){hint}")


def _check_out(args: argparse.Namespace, out: str) -> None:
    if os.path.exists(out) and not os.path.isdir(out):
        raise SystemExit(_usage(args, f"argument --out: {out!r} is a file, not a directory"))
    if os.path.isdir(out):
        if not os.access(out, os.W_OK | os.X_OK):
            raise SystemExit(_usage(args, f"argument --out: cannot write in the directory "
                                          f"{out!r} (permission denied or read-only)"))
        return
    blocker = _file_above(out)
    if blocker is not None:
        raise SystemExit(_usage(args, f"argument --out: cannot make the directory {out!r}: "
                                      f"{blocker!r} is a file, not a directory"))
    parent = _existing_above(out)
    if not os.access(parent, os.W_OK | os.X_OK):
        raise SystemExit(_usage(args, f"argument --out: cannot make the directory {out!r}: "
                                      f"{parent!r} is not writable (permission denied or "
                                      "read-only)"))


def _check_corpus(args: argparse.Namespace, corpus: str) -> None:
    """The corpus as the run will read it (a few MB are read in well under a second)."""
    from d2lrnn.core.text import CorpusError, preprocess, read_corpus

    if os.path.isdir(corpus):
        raise SystemExit(_usage(args, f"argument --corpus: {corpus!r} is a directory, not a "
                                      "text file"))
    if not os.path.isfile(corpus):
        raise SystemExit(_usage(args, f"argument --corpus: no such file {corpus!r}"))
    try:
        text = read_corpus(corpus)
    except CorpusError as err:
        raise SystemExit(_usage(args, "argument --corpus: " + str(err).removeprefix(
            "corpus: "))) from None
    except OSError as err:
        raise SystemExit(_usage(args, f"argument --corpus: cannot read {corpus!r} "
                                      f"({err.strerror or err})")) from None
    read = preprocess(text)
    if not read.strip():
        what = ("is empty: it has no letters (a-z) to learn from" if not text.strip() else
                "has no letters (a-z) to learn from")
        raise SystemExit(_usage(args, f"argument --corpus: {corpus!r} {what}"))
    num_steps = getattr(args, "num_steps", None)
    if num_steps is not None and len(read) - num_steps < 3:  # three windows: train and val
        raise SystemExit(_usage(args, f"argument --corpus: {corpus!r} is too short for "
                                      f"--num-steps {num_steps}: it reads as {len(read)} "
                                      f"characters, and a run needs at least --num-steps + 3 "
                                      f"= {num_steps + 3}; lower --num-steps or give a longer "
                                      "text"))


def _existing_above(path: str) -> str:
    parent = os.path.dirname(os.path.abspath(path))
    while parent and not os.path.exists(parent):
        parent = os.path.dirname(parent)
    return parent


def _file_above(path: str) -> str | None:
    """The nearest existing ancestor of ``path`` if it is not a directory (``--out a_file/sub``)."""
    parent = _existing_above(path)
    return parent if parent and not os.path.isdir(parent) else None


def _usage(args: argparse.Namespace, message: str) -> int:
    print(f"d2lrnn {args.command}: error: {message}", file=sys.stderr)
    return 2

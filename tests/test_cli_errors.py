"""The command line given bad input and bad luck: each bad flag or file is one line on stderr
naming the flag or the file, a non-zero exit and no traceback, before any framework is
imported; damaged, foreign and non-finite checkpoints; corpora that are empty, too short, not
UTF-8 or missing; --out that cannot be written; a run killed with SIGKILL; two runs writing one
--out at once; Ctrl-C while d2lrnn or a framework is still importing (exit 130, one line).

The tables (``BAD_CHECKPOINTS``, ``BAD_CORPORA``) are the lists docs/cli.md shows."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from d2lrnn import cli
from d2lrnn.core import checkpoint
from d2lrnn.core.text import Vocab, read_corpus

ROOT = Path(__file__).resolve().parents[1]
FRAMEWORKS = ("torch", "tensorflow", "keras", "jax", "flax", "mxnet")
# torch, or the first backend ./dev test-pythons names on a Python without torch
BACKEND = os.environ.get("D2LRNN_TEST_BACKENDS", "torch").split(",")[0]
SMALL = ["--batch-size", "8", "--num-steps", "8", "--num-hiddens", "8"]


def env(**extra: str) -> dict[str, str]:
    """The environment for a subprocess that imports this checkout's d2lrnn."""
    e = {k: v for k, v in os.environ.items()
         if k not in ("TF_CPP_MIN_LOG_LEVEL", "D2LRNN_VERBOSE", "D2LRNN_MAX_EPOCHS")}
    path = [extra.pop("PREPEND", ""), str(ROOT), e.get("PYTHONPATH", "")]
    e["PYTHONPATH"] = os.pathsep.join(p for p in path if p)
    return {**e, **extra}


HPARAMS = {"backend": "torch", "epochs": 1, "batch_size": 8, "num_steps": 8, "num_hiddens": 8,
           "lr": 1.0, "clip": 1.0, "seed": 0, "corpus": None}


def good_arrays() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    V, H = 28, 8
    return {"W_xh": rng.normal(0, 0.01, (V, H)), "W_hh": rng.normal(0, 0.01, (H, H)),
            "b_h": np.zeros(H), "W_hq": rng.normal(0, 0.01, (H, V)), "b_q": np.zeros(V)}


def save_good(path: Path) -> Path:
    """A valid checkpoint (what `d2lrnn train` writes), made without any framework."""
    vocab = Vocab.from_idx_to_token([" ", "<unk>", *"abcdefghijklmnopqrstuvwxyz"])
    checkpoint.save(path, good_arrays(), vocab, HPARAMS)
    return path


def npz(path: Path, change: dict | None = None, drop: str | None = None) -> None:
    """A copy of a good checkpoint's arrays with some changed or dropped, as np.savez writes."""
    arrays = dict(np.load(save_good(path), allow_pickle=False))
    arrays.update(change or {})
    arrays.pop(drop, None)
    np.savez(path, **arrays)


def _foreign_zip(p: Path) -> None:
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("notes.txt", "hello")


def _hparams(**changes: object) -> np.ndarray:
    return np.array(json.dumps({**HPARAMS, **changes}))


# (name, how to make the file at path p, words stderr must contain)
BAD_CHECKPOINTS = [
    ("random bytes", lambda p: p.write_bytes(os.urandom(3000)),
     "is not a d2lrnn checkpoint (a .npz file written by `d2lrnn train` or checkpoint.save) "
     "or is truncated"),
    ("empty file", lambda p: p.write_bytes(b""), "is not a d2lrnn checkpoint"),
    ("a text file", lambda p: p.write_text("hello\n"), "is not a d2lrnn checkpoint"),
    ("truncated to half", lambda p: p.write_bytes(save_good(p).read_bytes()[:2000]),
     "or is truncated"),
    ("last bytes cut", lambda p: p.write_bytes(save_good(p).read_bytes()[:-10]),
     "or is truncated"),
    ("a foreign .npz", lambda p: np.savez(p, weights=np.zeros(3)),
     "is not a d2lrnn-checkpoint-2 file"),
    ("a foreign zip", _foreign_zip, "is not a d2lrnn-checkpoint-2 file"),
    ("pickled objects", lambda p: np.savez(p, a=np.array([{"a": 1}], dtype=object)),
     "Object arrays cannot be loaded when allow_pickle=False"),
    ("hparams not JSON", lambda p: npz(p, {"hparams": np.array("{not json")}),
     "does not fit together: Expecting property name"),
    ("num_hiddens not a number", lambda p: npz(p, {"hparams": _hparams(num_hiddens="x")}),
     "does not fit together"),
    ("NaN weights", lambda p: npz(p, {"W_hh": np.full((8, 8), np.nan)}),
     "holds values that are not finite (NaN or inf) in W_hh"),
    ("inf weights", lambda p: npz(p, {"b_q": np.full(28, np.inf)}),
     "not finite (NaN or inf) in b_q"),
    ("a weight of another shape", lambda p: npz(p, {"W_hq": np.zeros((5, 28))}),
     "does not fit together: "),
    ("a weight missing", lambda p: npz(p, drop="b_q"), "missing ['b_q']"),
    ("an extra array", lambda p: npz(p, {"extra": np.zeros(2)}), "unexpected ['extra']"),
    ("vocabulary without <unk>", lambda p: npz(p, {"vocab": np.array(["a", "b"])}),
     "vocabulary tokens must be unique and include '<unk>'"),
    ("unknown model family", lambda p: npz(p, {"family": np.array("gpt")}),
     "model family must be one of"),
    ("unknown backend", lambda p: npz(p, {"hparams": _hparams(backend="caffe")}),
     "names the backend 'caffe', which d2lrnn does not have; choose one with --backend"),
]

# (name, the file's bytes or None for no file or "dir" for a directory, words stderr must have)
BAD_CORPORA = [
    ("missing", None, "argument --corpus: no such file"),
    ("a directory", "dir", "is a directory, not a text file"),
    ("empty", b"", "is empty: it has no letters"),
    ("only spaces", b"  \n\n \t\n", "is empty"),
    ("no letters", b"1234 5678\n" * 20, "has no letters (a-z) to learn from"),
    ("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is not a text file (it contains NUL"),
    ("Latin-1, not UTF-8", "caf\xe9 au lait ".encode("latin-1") * 50,
     "is not UTF-8 text ('utf-8' codec can't decode byte 0xe9"),
    ("too short for --num-steps", b"Hello!",
     "is too short for --num-steps 8: it reads as 6 characters, and a run needs at least "
     "--num-steps + 3 = 11"),
]

PROBE = """
import contextlib, io, json, sys
from d2lrnn.cli import main
out = []
for argv in json.loads(sys.argv[1]):
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        try:
            rc = main(argv)
        except SystemExit as e:
            rc = e.code
    out.append({"rc": rc, "err": err.getvalue(),
                "imported": [m for m in json.loads(sys.argv[2]) if m in sys.modules]})
if len(sys.argv) > 3:  # then as another user (a directory's permissions bind root too)
    import os
    os.setgid(65534)
    os.setuid(65534)
    for argv in json.loads(sys.argv[3]):
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            rc = main(argv)
        out.append({"rc": rc, "err": err.getvalue(), "imported": []})
print(json.dumps(out))
"""


def run_probe(argvs: list[list[str]], cwd: Path, as_nobody: list[list[str]] | None = None
              ) -> list[dict]:
    args = [sys.executable, "-c", PROBE, json.dumps(argvs), json.dumps(FRAMEWORKS)]
    if as_nobody is not None:
        args.append(json.dumps(as_nobody))
    proc = subprocess.run(args, env=env(), capture_output=True, text=True, timeout=120, cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def assert_one_line_error(got: dict, command: str, words: str, rc: int = 2) -> None:
    lines = got["err"].splitlines()
    assert got["rc"] == rc, got
    assert len(lines) == 1 and lines[0].startswith(f"d2lrnn {command}: error: "), got["err"]
    assert words in lines[0], (words, lines[0])
    assert "Traceback" not in got["err"]
    assert got["imported"] == [], got  # refused before any framework was imported


def test_bad_checkpoints_and_corpora(tmp_path):
    argvs, expected = [], []
    for i, (name, make, words) in enumerate(BAD_CHECKPOINTS):
        path = tmp_path / f"ckpt{i}.npz"
        make(path)
        argvs.append(["generate", "--checkpoint", str(path), "--prefix", "it has"])
        expected.append(("generate", name, words, str(path)))
    out = tmp_path / "run"
    for i, (name, content, words) in enumerate(BAD_CORPORA):
        path = tmp_path / f"corpus{i}.txt"
        if content == "dir":
            path.mkdir()
        elif content is not None:
            path.write_bytes(content)
        argvs.append(["train", "--corpus", str(path), "--epochs", "1", *SMALL,
                      "--out", str(out)])
        expected.append(("train", name, words, str(path)))
    for (command, name, words, path), got in zip(expected, run_probe(argvs, tmp_path),
                                                 strict=True):
        assert_one_line_error(got, command, words)
        assert repr(path) in got["err"], (name, got["err"])  # names the file
    assert not out.exists()  # nothing made for a refused command line


def test_paths_that_cannot_be_written_or_read():
    """--out in a read-only directory (or below one), and a corpus or checkpoint that cannot
    be read: refused at once, naming the flag, not after a whole training run. Permissions do
    not bind root, so as root the command lines run as the user nobody."""
    root = os.geteuid() == 0
    base = Path(tempfile.mkdtemp(prefix="d2lrnn-perm-"))
    try:
        base.chmod(0o755)
        ro, writable = base / "read-only", base / "writable"
        ro.mkdir()
        writable.mkdir()
        writable.chmod(0o777)
        (base / "corpus.txt").write_text(read_corpus()[:3000])
        (base / "corpus.txt").chmod(0o000)
        save_good(base / "model.npz").chmod(0o000)
        ro.chmod(0o555)
        bad = [(["train", "--out", str(ro)], "train",
                f"argument --out: cannot write in the directory {str(ro)!r}"),
               (["train", "--out", str(ro / "a" / "b")], "train",
                f"argument --out: cannot make the directory {str(ro / 'a' / 'b')!r}: "
                f"{str(ro)!r} is not writable"),
               (["compare", "--out", str(ro)], "compare", "argument --out: cannot write"),
               (["train", "--corpus", str(base / "corpus.txt"), "--out", str(writable)],
                "train", "argument --corpus: cannot read"),
               (["generate", "--checkpoint", str(base / "model.npz"), "--prefix", "a"],
                "generate", "argument --checkpoint: cannot read")]
        argvs = [a for a, _, _ in bad]
        got = (run_probe([["train", "--out", str(base / "no" / "matter"), "--epochs", "0"]],
                         base, as_nobody=argvs)[1:] if root else run_probe(argvs, base))
        for (_, command, words), g in zip(bad, got, strict=True):
            assert_one_line_error(g, command, words)
        assert sorted(p.name for p in ro.iterdir()) == [] == list(writable.iterdir())
    finally:
        for p in (base / "read-only", base / "corpus.txt", base / "model.npz"):
            if p.exists():
                p.chmod(0o755)
        shutil.rmtree(base)


def test_write_error_during_a_run_is_one_line(tmp_path, monkeypatch, capsys):
    """A disk that fills up (or a directory removed) while the results are written: one line
    naming the file, exit status 1, no traceback."""
    import d2lrnn.session

    def full(path: str) -> str:
        raise OSError(28, "No space left on device", path)

    run = SimpleNamespace(trainer=SimpleNamespace(stopped_at=None), metrics=[{}],
                          model=SimpleNamespace(board=SimpleNamespace(save=full)))
    monkeypatch.setattr(d2lrnn.session, "train", lambda *a, **k: run)
    assert cli.main(["train", "--out", str(tmp_path), "--epochs", "1"]) == 1
    err = capsys.readouterr().err
    assert err == ("d2lrnn train: error: No space left on device: "
                   f"{str(tmp_path / 'perplexity.png')!r}\n"), err


# -- SIGKILL and two writers ----------------------------------------------------------------
KILLED_WHILE_WRITING = """
import os, signal, sys
from d2lrnn.core.atomic import atomic_write

def write(f):
    f.write(open(sys.argv[2], "rb").read()[:1000])  # half a checkpoint
    f.flush()
    os.kill(os.getpid(), signal.SIGKILL)

atomic_write(sys.argv[1], write)
"""


def test_sigkill_while_writing_a_checkpoint_leaves_the_old_one(tmp_path):
    path = save_good(tmp_path / "model.npz")
    before = path.read_bytes()
    other = save_good(tmp_path / "other.npz")
    proc = subprocess.run([sys.executable, "-c", KILLED_WHILE_WRITING, str(path), str(other)],
                          env=env(), capture_output=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.npz", "other.npz"]
    assert path.read_bytes() == before and checkpoint.load(path).params["W_hh"].shape == (8, 8)


def test_a_temporary_file_of_a_killed_writer_is_removed_by_the_next_write(tmp_path):
    """The one window a SIGKILL can leave a file in (between the copy and the rename): the
    next write to that path removes it once its process is gone; a live writer's stays."""
    from d2lrnn.core.atomic import atomic_write

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    stale = tmp_path / f".model.npz.{int(dead.stdout)}.abcd_123.tmp"
    live = tmp_path / f".model.npz.{os.getppid()}.efgh_456.tmp"
    stale.write_bytes(b"PK half")
    live.write_bytes(b"PK half")
    atomic_write(tmp_path / "model.npz", lambda f: f.write(b"whole"))
    assert sorted(p.name for p in tmp_path.iterdir()) == [live.name, "model.npz"]


def train_cmd(corpus: Path, out: Path, epochs: int) -> list[str]:
    return [sys.executable, "-m", "d2lrnn", "train", "--backend", BACKEND, "--corpus",
            str(corpus), "--epochs", str(epochs), *SMALL, "--out", str(out)]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "small.txt"
    path.write_text(read_corpus()[:3_000])
    return path


def test_sigkill_during_train_leaves_the_previous_run_whole(tmp_path, corpus):
    out = tmp_path / "run"
    out.mkdir()
    before = save_good(out / "model.npz").read_bytes()
    proc = subprocess.Popen(train_cmd(corpus, out, 1000), env=env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    deadline = threading.Timer(120, proc.kill)  # a broken run must not hang the suite
    deadline.start()
    try:
        for line in proc.stderr:  # one line per epoch: stderr is a pipe
            if line.startswith(f"train {BACKEND}: epoch 2/1000 "):
                break
        proc.kill()
        proc.communicate(timeout=60)
    finally:
        deadline.cancel()
    assert proc.returncode == -signal.SIGKILL
    assert sorted(p.name for p in out.iterdir()) == ["model.npz"]  # nothing half-written
    assert (out / "model.npz").read_bytes() == before
    checkpoint.load(out / "model.npz")


def test_two_runs_writing_one_out_at_once(tmp_path, corpus):
    out = tmp_path / "run"
    procs = [subprocess.Popen(train_cmd(corpus, out, 2), env=env(), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, cwd=tmp_path)
             for _ in range(2)]
    results = [p.communicate(timeout=300) for p in procs]
    for p, (_, err) in zip(procs, results, strict=True):
        assert p.returncode == 0, err
    assert sorted(p.name for p in out.iterdir()) == ["model.npz", "perplexity.png"]
    ckpt = checkpoint.load(out / "model.npz")  # one run's whole file, whichever came last
    assert ckpt.hparams["epochs"] == 2 and ckpt.params["W_xh"].shape == (len(ckpt.vocab), 8)
    assert (out / "perplexity.png").read_bytes()[:4] == b"\x89PNG"


# -- Ctrl-C while importing -----------------------------------------------------------------
# A test-only hook: a sitecustomize on PYTHONPATH that, when the module named by
# D2LRNN_TEST_SLOW_IMPORT is first imported, says so on stderr and sleeps, so that a Ctrl-C
# lands inside that import every time. It also says when the Ctrl-C arrives there as a
# KeyboardInterrupt: one raised into a framework's import can pass through C++ code (torch's
# pybind11), which aborts the process ("terminate called ..."), so the command line must end
# from its signal handler instead, never raising into the code that is importing.
SLOW_IMPORT = """
import os, sys, time

TERMINAL = os.dup(2)  # descriptor 2 as the process starts (a framework's import may capture 2)

class SlowImport:
    def __init__(self, name):
        self.name = name

    def find_spec(self, name, path=None, target=None):
        if name == self.name:
            sys.meta_path.remove(self)
            try:
                os.write(TERMINAL, f"importing {name}\\n".encode())
                time.sleep(60)
            except KeyboardInterrupt:
                os.write(TERMINAL, f"KeyboardInterrupt raised into the import of {name}\\n"
                         .encode())
                raise
        return None

if os.environ.get("D2LRNN_TEST_SLOW_IMPORT"):
    sys.meta_path.insert(0, SlowImport(os.environ["D2LRNN_TEST_SLOW_IMPORT"]))
"""


def interrupt_while_importing(tmp_path: Path, command: list[str], module: str) -> str:
    hook = tmp_path / "hook"
    hook.mkdir(exist_ok=True)
    (hook / "sitecustomize.py").write_text(SLOW_IMPORT)
    proc = subprocess.Popen(command, env=env(PREPEND=str(hook),
                                             D2LRNN_TEST_SLOW_IMPORT=module),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=tmp_path)
    try:
        first = proc.stderr.readline()
        assert first == f"importing {module}\n", first + proc.stderr.read()
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    return err


@pytest.mark.parametrize("how, command, backend, module", [
    ("python -m d2lrnn", "train", BACKEND, "d2lrnn.cli"),  # the command line's module itself
    ("python -m d2lrnn", "train", BACKEND, "numpy"),   # d2lrnn's own imports (no framework yet)
    ("python -m d2lrnn", "train", BACKEND, BACKEND),   # the framework, while train sets up
    ("python -m d2lrnn", "translate", BACKEND, BACKEND),
    # TensorFlow imports with descriptor 2 captured (its C++ notices filtered): the line
    # must reach the terminal all the same
    ("python -m d2lrnn", "train", "tensorflow", "tensorflow"),
    ("d2lrnn", "train", BACKEND, "numpy"),             # the installed command
    ("d2lrnn", "train", BACKEND, BACKEND),
])
def test_ctrl_c_while_importing_is_one_line_and_130(tmp_path, how, command, backend, module):
    out = tmp_path / "run"
    start = ([sys.executable, "-m", "d2lrnn"] if how.startswith("python")
             else [str(Path(sys.executable).parent / "d2lrnn")])
    err = interrupt_while_importing(tmp_path, [*start, command, "--backend", backend,
                                              "--out", str(out)], module)
    assert err == f"d2lrnn {command}: interrupted; nothing saved\n", err
    assert not out.exists()


@pytest.mark.parametrize("delay", [0.3, 1.0])
def test_ctrl_c_after_a_short_delay(tmp_path, delay):
    """A real Ctrl-C a moment after start (somewhere in the imports, or the start of training):
    status 130 and no traceback, wherever it lands. (A KeyboardInterrupt that passed through
    a framework's C code once ended the process by SIGINT, status -2, after the message.)"""
    out = tmp_path / "run"
    proc = subprocess.Popen([sys.executable, "-m", "d2lrnn", "train", "--backend", BACKEND,
                             "--out", str(out)], env=env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert err.strip().splitlines()[-1].startswith("d2lrnn train: interrupted"), err

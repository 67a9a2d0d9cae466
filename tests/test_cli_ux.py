"""The command line as a reader meets it: flags checked before any framework is imported,
help with defaults, install hints, Ctrl-C, quiet TensorFlow, logs with one line per epoch."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from d2lrnn import __version__, cli
from d2lrnn.core import checkpoint

FRAMEWORKS = ("torch", "tensorflow", "keras", "jax", "flax", "mxnet")
ROOT = Path(__file__).resolve().parents[1]


def env(**extra: str) -> dict[str, str]:
    """The environment for a subprocess that imports this checkout's d2lrnn."""
    e = {k: v for k, v in os.environ.items()
         if k not in ("TF_CPP_MIN_LOG_LEVEL", "D2LRNN_VERBOSE", "D2LRNN_MAX_EPOCHS")}
    e["PYTHONPATH"] = os.pathsep.join([str(ROOT), e.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return {**e, **extra}


# One subprocess runs every bad command line and reports, for each, the exit status, stderr and
# which frameworks were imported by then.
BAD = [
    (["train", "--epochs", "0"], "--epochs"),
    (["train", "--num-hiddens", "-4"], "--num-hiddens"),
    (["train", "--lr", "nan"], "--lr"),
    (["train", "--batch-size", "x"], "--batch-size"),
    (["train", "--num-preds", "-1"], "--num-preds"),
    (["train", "--backend", "pytorch"], "did you mean 'torch'?"),
    (["compare", "--backends", "tf", "--epochs", "1"], "did you mean 'tensorflow'?"),
    (["train", "--out", "{file}"], "--out"),
    (["train", "--out", "{file}/sub"], "argument --out: cannot make the directory"),
    (["generate", "--checkpoint", "{dir}", "--prefix", "a"], "is a directory; give the "
                                                             "checkpoint file"),
    (["train", "--corpus", "{missing}"], "--corpus"),
    (["train", "--prefix", ""], "--prefix"),
    (["generate", "--checkpoint", "{missing}", "--prefix", "a"], "--checkpoint"),
    (["generate", "--checkpoint", "{file}", "--prefix", "a", "--temperature", "0"],
     "--temperature"),
]

PROBE = """
import contextlib, io, json, sys, time
from d2lrnn.cli import main
FRAMEWORKS = json.loads(sys.argv[2])
out = []
for argv in json.loads(sys.argv[1]):
    err = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stderr(err):
        try:
            rc = main(argv)
        except SystemExit as e:
            rc = e.code
    out.append({"rc": rc, "err": err.getvalue(), "s": time.perf_counter() - start,
                "imported": [m for m in FRAMEWORKS if m in sys.modules]})
print(json.dumps(out))
"""


def test_bad_flags_fail_before_any_framework_import_naming_the_flag(tmp_path):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a directory, not a checkpoint\n")
    out = tmp_path / "run"
    argvs = [[a.format(file=a_file, missing=tmp_path / "missing.npz", dir=tmp_path)
              for a in argv]
             + (["--out", str(out)] if argv[0] == "train" and "--out" not in argv else [])
             for argv, _ in BAD]
    proc = subprocess.run([sys.executable, "-c", PROBE, json.dumps(argvs),
                           json.dumps(FRAMEWORKS)], env=env(),
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    for (argv, expected), got in zip(BAD, json.loads(proc.stdout), strict=True):
        assert got["rc"] == 2, (argv, got)
        assert expected in got["err"], (argv, got["err"])
        assert "max_epochs" not in got["err"] and "Traceback" not in got["err"], got["err"]
        assert got["imported"] == [], (argv, got["imported"])
    assert not out.exists()  # no run directory made for a rejected command line
    # (times are noisy on a shared machine: reported, not asserted)
    print("seconds per rejected command line:", max(g["s"] for g in json.loads(proc.stdout)))


def test_help_shows_defaults_and_version(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    top = capsys.readouterr().out
    assert "``" not in top and "train" in top and "--version" in top
    with pytest.raises(SystemExit):
        cli.main(["train", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for shown in ("(default: 100)", "(default: 32)", "(default: 1.0)", "(default: torch)",
                  "Ctrl-C"):
        assert shown in text, shown
    # one option, two spellings (Python 3.13's argparse shows the metavar once)
    assert re.search(r"--num-preds( NUM_PREDS)?, --num NUM_PREDS", text), text
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--version"])
    assert exit_.value.code == 0 and capsys.readouterr().out.strip() == f"d2lrnn {__version__}"


def test_num_and_num_preds_are_one_flag():
    for sub in (["train"], ["generate", "--checkpoint", "m.npz", "--prefix", "a"],
                ["compare"]):
        assert cli.parser().parse_args([*sub, "--num", "7"]).num_preds == 7
        assert cli.parser().parse_args([*sub, "--num-preds", "7"]).num_preds == 7


BLOCK = """
import sys
for m in sys.argv[2:]:
    sys.modules[m] = None  # as if not installed: find_spec answers None
try:
    __import__("d2lrnn." + sys.argv[1])
except ImportError as err:
    print(err)
"""


@pytest.mark.parametrize("backend,block", [("torch", ["torch"]), ("jax", ["jax", "flax"]),
                                           ("tensorflow", ["keras"]), ("mxnet", ["mxnet"])])
def test_missing_framework_gets_an_install_hint(backend, block):
    proc = subprocess.run([sys.executable, "-c", BLOCK, backend, *block], env=env(),
                          capture_output=True, text=True, timeout=120)
    assert f"pip install 'd2lrnn[{backend}]'" in proc.stdout, proc.stdout + proc.stderr
    assert repr(block[-1]) in proc.stdout  # names what is missing


def test_tensorflow_start_up_lines_filtered(capfd):
    from d2lrnn.core.quiet import filtered_stderr

    noise = re.compile(r"absl::InitializeLog|oneDNN custom operations")  # as the TF backend's
    with filtered_stderr(noise):
        os.write(2, b"WARNING: All log messages before absl::InitializeLog() is called ...\n"
                    b"I0000 00:00 port.cc:153] oneDNN custom operations are on. ...\n"
                    b"a real error\n")
    assert capfd.readouterr().err == "a real error\n"


def test_tensorflow_is_quiet_unless_asked():
    code = "from d2lrnn import tensorflow as d2l; print(d2l.tensor([1.0]).shape)"
    quiet = subprocess.run([sys.executable, "-c", code], env=env(), capture_output=True,
                           text=True, timeout=300)
    assert quiet.returncode == 0 and quiet.stderr == "", quiet.stderr
    loud = subprocess.run([sys.executable, "-c", code], env=env(D2LRNN_VERBOSE="1"),
                          capture_output=True, text=True, timeout=300)
    # On this machine class TensorFlow announces oneDNN at import: -v lets it through.
    assert "oneDNN" in loud.stderr or "absl" in loud.stderr, loud.stderr


def test_ctrl_c_saves_a_partial_checkpoint_and_exits_130(tmp_path):
    from d2lrnn.core.text import read_corpus

    corpus = tmp_path / "small.txt"
    corpus.write_text(read_corpus()[:8_000])  # short epochs (about 30 batches)
    out = tmp_path / "run"
    # torch, or the first backend ./dev test-pythons names on a Python without torch
    backend = os.environ.get("D2LRNN_TEST_BACKENDS", "torch").split(",")[0]
    proc = subprocess.Popen(
        [sys.executable, "-m", "d2lrnn", "train", "--backend", backend, "--corpus",
         str(corpus), "--epochs", "1000",
         "--batch-size", "128", "--num-steps", "8", "--num-hiddens", "8", "--out", str(out)],
        env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    lines = []
    deadline = threading.Timer(180, proc.kill)  # a broken run must not hang the suite
    deadline.start()
    try:
        for line in proc.stderr:  # one line per epoch: stderr is a pipe, not a terminal
            lines.append(line)
            if line.startswith(f"train {backend}: epoch 1/1000 "):
                break
        proc.send_signal(signal.SIGINT)
        lines.append(proc.communicate(timeout=120)[1])
    finally:
        deadline.cancel()
        if proc.poll() is None:
            proc.kill()
    err = "".join(lines)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert err.strip().splitlines()[-1].startswith("d2lrnn train: interrupted in epoch "), err
    ckpt = checkpoint.load(out / "model.npz")
    assert ckpt.hparams["partial"] is True and ckpt.hparams["epochs_completed"] >= 1
    assert ckpt.hparams["stopped_in_epoch"] == ckpt.hparams["epochs_completed"] + 1
    assert sorted(p.name for p in out.iterdir()) == ["model.npz"]  # no temporary files
    assert cli.main(["generate", "--checkpoint", str(out / "model.npz"), "--prefix", "the",
                     "--num-preds", "5", "--backend", backend]) == 0  # a checkpoint all the same


def test_interrupt_before_training_saves_nothing(tmp_path):
    # main() with no argv: this program's arguments, and a Ctrl-C ends the process at once
    code = ("import sys; from d2lrnn.cli import main; print('ready', flush=True); "
            "sys.exit(main())")
    proc = subprocess.Popen([sys.executable, "-c", code, "train", "--backend", "tensorflow",
                             "--out", str(tmp_path / "run")], env=env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline() == "ready\n"
    time.sleep(0.5)  # importing TensorFlow (several seconds)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1] == "d2lrnn train: interrupted; nothing saved", err
    assert not (tmp_path / "run").exists()


def test_api_argument_names_become_flags_in_errors():
    assert (cli._flag_names("max_epochs must be a positive integer; batch_size too, not "
                            "num_stepsx") ==
            "--epochs must be a positive integer; --batch-size too, not num_stepsx")

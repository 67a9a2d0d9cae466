"""The book's section "RNN Implementation from Scratch" (``--section rnn-concise``: "Concise
Implementation of RNNs"; ``gru``, ``lstm``, ``deep-rnn``, ``seq2seq``: those sections of the
chapter "Modern Recurrent Neural Networks"), run on the book's own library (d2l 1.0.3) and on
d2lrnn, side by side: same Python, same frameworks, same machine state.

    python benchmarks/side_by_side.py [--section rnn-scratch|rnn-concise|gru|lstm|deep-rnn|seq2seq]
                                      [--backends torch mxnet tensorflow jax] [--epochs N]
                                      [--rounds 3] [--gpu] [--json out.json]

Both run the reader's cells of ``tests/book/<tab>_tab.py`` (rnn-concise:
``tests/book/rnn_concise_<tab>.py``; the modern sections: ``tests/book/modern/<section>_<tab>.py``)
verbatim; the only differences are the import line (``from d2l import <fw> as d2l`` vs
``from d2lrnn import <fw> as d2l``) and, with ``--epochs N``, the tab's ``max_epochs=<book's>``
written as ``max_epochs=N`` in both (without it, the book's epochs: 100, or 50 for gru and
lstm, 100 for deep-rnn, 30 for seq2seq). Lines our transcriptions change because a framework
removed an API are the book's own lines again on the book's library where they run there
(``book_lines``): the rnn-concise and lstm TensorFlow cells' ``time_major=True`` layers and the
deep-rnn TensorFlow cell's ``tf.keras.layers.RNN(..., time_major=True)``, which Keras 3 removed
and the book's library (on Keras 2) still has. The JAX cells' one-line changes for Flax's cell
API (``tests/book/modern/transcribe.py`` FIXES) stay in both: the book's lines fail on today's
Flax whichever library is imported. The book's rnn-concise JAX tab only defines classes (its
``RNN`` raises ``NotImplementedError``), so that section has no JAX row. The MXNet deep-rnn tab
leaves its concise fit commented out ("Running takes > 1h"); both libraries run it here
(``benchmarks/modern_runs.py`` BOOK_LEFT_OFF). Where the book's library cannot run a tab (or
one of its fits) on today's stack even with the patches below, the row says "book does not
run" and what it raised; d2lrnn's numbers are still given (with d2l 1.0.3 and the patches
below, every tab of these sections runs). Where the book's library trains something else than
the reader's model (its bugs, ``BOOK_DIFFERS``), a note under the table says so.

Each run is a fresh subprocess; each round runs the book's library and d2lrnn one after the
other (the order alternates from round to round), so a busy phase of the machine falls on both.
Sections with two trainings (gru, lstm, deep-rnn: the scratch model, then the concise one on
the same trainer) report each ``trainer.fit`` in its own row. The table gives the median of the
per-round ratios (book's time / d2lrnn's time) and their spread.

The book's library is installed without its pins (it pins frameworks of 2023) into a private
folder, never into the project's environment: ``pip install --no-deps --target
~/.cache/d2lrnn/bench/d2l-1.0.3 d2l==1.0.3`` (and tf-keras beside it, for its TensorFlow code,
which is Keras 2 code). After that first fetch everything runs offline. The patches it needs on
today's stack are applied in its subprocess only, and printed (``PATCHES`` below).

Times: "fit" is ``trainer.fit`` wall time, first epoch included (this is the headline ratio);
"1st epoch" is fit minus epochs 2..N (set-up, tracing, compilation and the first epoch's
work); "steady" is the median of epochs 2..N. The book's library runs headless here, so its
board's figure is never rendered (in Jupyter it renders three times an epoch): its numbers are
the best case for it. For the concise language models (rnn-concise, and the concise fit of gru,
lstm and deep-rnn) each round on the CPU also runs ``benchmarks/layers_floor.py`` (the reader's
framework layers, the framework's cross-entropy, clipping and SGD, no library) where it has
the backend, and a second table sets the steady epochs against it.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.machinery
import importlib.util
import io
import json
import linecache
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import types
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TABS = {"torch": "pytorch_tab.py", "mxnet": "mxnet_tab.py", "tensorflow": "tensorflow_tab.py",
        "jax": "jax_tab.py"}
TAB_NAMES = {"torch": "pytorch", "mxnet": "mxnet", "tensorflow": "tensorflow", "jax": "jax"}
MODERN = ("gru", "lstm", "deep-rnn", "seq2seq")  # sections of "Modern Recurrent Neural Networks"
# section -> {backend: the transcription of its tab under tests/book/}
SECTIONS = {
    "rnn-scratch": TABS,
    "rnn-concise": {"torch": "rnn_concise_pytorch.py", "mxnet": "rnn_concise_mxnet.py",
                    "tensorflow": "rnn_concise_tensorflow.py"},
    **{section: {b: os.path.join("modern", f"{section.replace('-', '_')}_{tab}.py")
                 for b, tab in TAB_NAMES.items()} for section in MODERN},
}
# section -> the names of its trainer.fit calls, in order (one row each)
FITS = {"rnn-scratch": ("scratch",), "rnn-concise": ("concise",), "gru": ("scratch", "concise"),
        "lstm": ("scratch", "concise"), "deep-rnn": ("scratch", "concise"),
        "seq2seq": ("seq2seq",)}
# section -> (the fit the floor is for, benchmarks/layers_floor.py --model, --num-layers): the
# concise language models; each round on the CPU also runs the floor for the backends it has
FLOORS = {"rnn-concise": (0, "rnn", 1), "gru": (1, "gru", 1), "lstm": (1, "lstm", 1),
          "deep-rnn": (1, "gru", 2)}
FLOOR_EPOCHS = 20  # at most this many floor epochs a round (the steady epoch is their median)
# (our transcription's line, the book's line): cells a framework broke, as the book wrote them
BOOK_LINES = [("d2l.SimpleRNN(  # the book: tf.keras.layers.SimpleRNN(",
               "tf.keras.layers.SimpleRNN(")]
# (section, backend, fit) -> where the book's library computes something else than the reader's
# model (its bugs that d2lrnn fixes, docs/modern.md): printed under the table beside the row
BOOK_DIFFERS = {
    ("gru", "tensorflow", "concise"): "the book's Keras GRU is not time-major and d2l.RNN feeds "
    "it time-major inputs, so it recurs over the batch axis (1024 steps of 32): another, far "
    "costlier computation; d2lrnn trains the intended model",
    ("deep-rnn", "mxnet", "scratch"): "the book's RNNLMScratch attaches gradients to the scratch "
    "arrays it finds in attributes and sub-Modules, not in StackedRNNScratch's Python list "
    "self.rnns (set_scratch_params_device, which walks lists, runs on a GPU only): on a CPU "
    "its two RNN layers are neither recorded nor trained, only the output layer (2 arrays); "
    "d2lrnn trains all 8",
    ("seq2seq", "tensorflow", "seq2seq"): "the book's TensorFlow Classifier.loss ignores "
    "averaged=False and returns the batch mean, so Seq2Seq.loss multiplies its mask by a "
    "scalar: the book's loss (and gradient) is the mean over the padding tokens too, a lower "
    "number than the masked mean d2lrnn trains on and reports (the same layers, the same cost)",
}
BOOK = "d2l==1.0.3"
TF_KERAS = "tf-keras~=2.21.0"  # Keras 2 for the book's tf.keras code, matching TensorFlow 2.21
CACHE = os.path.join(os.path.expanduser("~"), ".cache", "d2lrnn", "bench")
CORPUS_SHA1 = "090b5e7e70c295757f55df93cb0a180b9691891a"  # the book's hash of timemachine.txt
PPL_TOLERANCE = 0.10  # "same perplexity": validation perplexities within 10% of each other

# What the book's library needs on today's stack; each is applied only for the backends named.
PATCHES = {
    "unused-imports": ("all", "torchvision, pandas and tensorflow_datasets are imported at the "
                       "top of d2l/<fw>.py but not used by this section; where one is not "
                       "installed, an empty module stands in (any use raises)"),
    "tfds-as-numpy": ("jax", "the book's JAX DataModule loads batches with "
                      "tensorflow_datasets.as_numpy(tf.data.Dataset): stood in by a "
                      "re-iterable dataset.as_numpy_iterator(), which is what it does"),
    "numpy2-names": ("mxnet", "MXNet 1.9.1 reads names numpy 2 removed (np.bool, np.PZERO, "
                     "np.alltrue, ...): mxnet is imported through d2lrnn.mxnet.compat, "
                     "which puts them back for MXNet's own modules only"),
    "keras2": ("tensorflow", "d2l.Module is a tf.keras.Model holding tf.Variables: under Keras "
               "3 its trainable_variables are empty. TF_USE_LEGACY_KERAS=1 with tf-keras "
               "2.21 (from the private folder) gives the book its Keras 2"),
    "PRNGKeyArray": ("jax", "jax.random.PRNGKeyArray (a type annotation in d2l/jax.py) was "
                     "removed from JAX: set to jax.Array"),
    "int-of-one-element": ("tensorflow jax", "the tab's predict does "
                           "int(d2l.reshape(argmax, 1)); today's NumPy/JAX refuse int() of a "
                           "1-element 1-d array: d2l.reshape(x, 1) of a one-element x "
                           "returns it 0-d"),
    "flax-gru": ("jax", "Flax 0.7 removed GRUCell.initialize_carry as a class method and "
                 "its cells take their features: the book's saved d2l.GRU (seq2seq's encoder "
                 "and decoder RNN) gets the reader's one-line changes of the deep-rnn cell it "
                 "was saved from (tests/book/modern/transcribe.py FIXES, the lines both "
                 "libraries run in that cell)"),
    "fra-eng-offline": ("all", "MTFraEng downloads fra-eng.zip from the book's data server "
                        "(not reachable offline) and extracts it: ../data/fra-eng/fra.txt is "
                        "written beforehand from d2lrnn's bundled, SHA-1 checked copy (the "
                        "same file), and d2l.download/d2l.extract return/skip for that zip"),
}


# -- the book's library: fetch once, patch in its own process --------------------------------
def book_folder() -> str:
    return os.path.join(CACHE, "d2l-1.0.3")


def tf_keras_folder() -> str:
    return os.path.join(CACHE, "tf-keras-2.21")


def ensure_installed(folder: str, requirement: str, probe: str) -> None:
    """pip install --no-deps --target folder requirement, unless it is there already."""
    if os.path.exists(os.path.join(folder, probe)):
        return
    print(f"fetching {requirement} into {folder} (once; --no-deps, not into the environment)",
          flush=True)
    tmp = folder + ".partial"
    shutil.rmtree(tmp, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--target", tmp, requirement], check=True)
    os.replace(tmp, folder)


def _stub_module(name: str) -> types.ModuleType:
    def missing(attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)

        class Missing:
            def __getattr__(self, _: str) -> Any:
                raise RuntimeError(f"{name}.{attr} is not installed (side_by_side stub)")

            def __call__(self, *a: Any, **k: Any) -> Any:
                raise RuntimeError(f"{name}.{attr} is not installed (side_by_side stub)")
        return Missing()
    module = types.ModuleType(name)
    module.__spec__ = importlib.machinery.ModuleSpec(name, None)
    module.__getattr__ = missing  # type: ignore[attr-defined]
    return module


class _NumpyBatches:
    """``tensorflow_datasets.as_numpy(dataset)``: iterate a tf.data.Dataset as NumPy, again on
    every ``iter`` (the book's trainer iterates its loaders once per epoch)."""

    def __init__(self, dataset: Any) -> None:
        self.dataset = dataset

    def __iter__(self) -> Any:
        return self.dataset.as_numpy_iterator()

    def __len__(self) -> int:
        return len(self.dataset)


@contextlib.contextmanager
def unused_imports_stubbed(backend: str, applied: list[str]) -> Any:
    """While d2l/<fw>.py is imported: empty modules for its unused imports that are not
    installed; taken out of sys.modules again afterwards, so no one else sees them."""
    stubs = [m for m in ("torchvision", "pandas", "tensorflow_datasets")
             if m not in sys.modules and importlib.util.find_spec(m) is None]
    for name in stubs:
        sys.modules[name] = _stub_module(name)
    if stubs:
        applied.append("unused-imports")
    if backend == "jax" and "tensorflow_datasets" in stubs:
        sys.modules["tensorflow_datasets"].as_numpy = _NumpyBatches
        applied.append("tfds-as-numpy")
    try:
        yield
    finally:
        for name in stubs:
            sys.modules.pop(name, None)


def import_book(backend: str) -> tuple[types.ModuleType, list[str]]:
    """Import the book's d2l.<backend> with the patches it needs; return it and their names."""
    applied: list[str] = []
    sys.path.insert(0, book_folder())
    if backend == "mxnet":
        sys.path.insert(1, ROOT)
        from d2lrnn.mxnet import compat
        compat.import_mxnet()
        applied.append("numpy2-names")
    if backend == "tensorflow":
        os.environ["TF_USE_LEGACY_KERAS"] = "1"
        sys.path.insert(1, tf_keras_folder())
        applied.append("keras2")
    if backend == "jax":
        import jax
        if not hasattr(jax.random, "PRNGKeyArray"):
            jax.random.PRNGKeyArray = jax.Array
            applied.append("PRNGKeyArray")
    with unused_imports_stubbed(backend, applied):
        d2l = importlib.import_module(f"d2l.{backend}")
    download, extract = d2l.download, d2l.extract

    def extracted(path: str) -> bool:  # fra-eng.zip whose fra.txt is in place (run_once)
        return (os.path.basename(path) == "fra-eng.zip" and
                os.path.exists(os.path.join(os.path.dirname(path), "fra-eng", "fra.txt")))

    def download_offline(url: str, folder: str = "../data", sha1_hash: Any = None) -> str:
        fname = os.path.join(folder, url.split("/")[-1])
        if extracted(fname):
            if "fra-eng-offline" not in applied:
                applied.append("fra-eng-offline")
            return fname
        return download(url, folder, sha1_hash)

    def extract_offline(filename: str, folder: Any = None) -> None:
        if not extracted(filename):
            extract(filename, folder)
    d2l.download, d2l.extract = download_offline, extract_offline
    if backend in ("tensorflow", "jax"):
        reshape = d2l.reshape

        def reshape_scalar(x: Any, *args: Any, **kwargs: Any) -> Any:
            y = reshape(x, *args, **kwargs)
            return reshape(y, ()) if tuple(y.shape) == (1,) else y
        d2l.reshape = reshape_scalar
        applied.append("int-of-one-element")
    return d2l, applied


def patch_flax_gru(d2l: types.ModuleType, applied: list[str]) -> None:
    """The book's ``d2l.GRU`` (JAX) defined again from its own source, with the reader's
    one-line changes of the deep-rnn cell it was saved from (transcribe.py FIXES)."""
    with open(d2l.__file__, encoding="utf-8") as f:
        text = f.read()
    start = text.index("class GRU(d2l.RNN):")
    end = text.index("\nclass ", start)
    source = text[start:end]
    for old, new in load_file("tests", "book", "modern", "transcribe.py").FIXES[("deep-rnn",
                                                                                 "jax")]:
        if source.count(old) != 1:
            raise RuntimeError(f"d2l/jax.py's GRU: expected one {old!r}")
        source = source.replace(old, new)
    # at its own lines of d2l/jax.py, so that a traceback points there
    exec(compile("\n" * text[:start].count("\n") + source, d2l.__file__, "exec"), vars(d2l))
    applied.append("flax-gru")


# -- one run, in a fresh process ---------------------------------------------------------------
def load_file(*path: str) -> types.ModuleType:
    """A module of this repository by its path (the sibling scripts this one shares code with),
    without putting its folder on sys.path."""
    spec = importlib.util.spec_from_file_location(os.path.splitext(path[-1])[0],
                                                  os.path.join(ROOT, *path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def book_lines(section: str, backend: str) -> list[tuple[str, str]]:
    """(our line, the book's line) for the cells our transcription changed because a framework
    removed an API, where the book's own line runs on the book's library: its TensorFlow runs
    Keras 2 (``time_major=True``); the JAX changes (Flax's cell API) fail either way."""
    if section not in MODERN:
        return BOOK_LINES
    if backend != "tensorflow":
        return []
    fixes = load_file("tests", "book", "modern", "transcribe.py").FIXES
    return [(new, old) for old, new in fixes.get((section, TAB_NAMES[backend]), [])]


def read_tab(section: str, backend: str) -> str:
    """The tab's transcription; the MXNet deep-rnn tab with the concise fit the book leaves
    commented out (benchmarks/modern_runs.py, which trains it in the full runs, says which)."""
    path = os.path.join(ROOT, "tests", "book", SECTIONS[section][backend])
    if section in MODERN:
        from pathlib import Path
        changed_script = load_file("benchmarks", "modern_runs.py").changed_script
        with tempfile.TemporaryDirectory() as tmp:
            changed = changed_script(section.replace("-", "_"), backend, False,
                                     Path(tmp) / os.path.basename(path))
            return changed.read_text(encoding="utf-8")
    with open(path, encoding="utf-8") as f:
        return f.read()


def tab_source(backend: str, lib: str, epochs: int | None, section: str = "rnn-scratch") -> str:
    """The cells ``lib`` runs; ``epochs`` (None: the book's) written into ``max_epochs=``."""
    name = SECTIONS[section][backend]
    source = read_tab(section, backend)
    ours = f"from d2lrnn import {backend} as d2l"
    if source.count(ours) != 1 or len(re.findall(r"max_epochs=\d+", source)) != 1:
        raise RuntimeError(f"tests/book/{name}: expected one '{ours}' and one "
                           f"'max_epochs=<N>'")
    if lib == "book":
        source = source.replace(ours, f"from d2l import {backend} as d2l")
        for changed, original in book_lines(section, backend):
            source = source.replace(changed, original)
    if epochs is None:
        return source
    return re.sub(r"max_epochs=\d+", f"max_epochs={epochs}", source)


def compile_cells(source: str, name: str) -> Any:
    """Compile the cells under a file name whose lines ``linecache`` holds: TensorFlow's
    AutoGraph reads a function's source to convert it (``inspect.getsource``), and for code
    compiled under a name that is no file it read another file's lines (this script's) and the
    conversion failed, so d2lrnn's TensorFlow Trainer fell back to eager steps (about 4x
    slower) inside this harness only."""
    filename = os.path.join(ROOT, "tests", "book", f"<{name}>")
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    return compile(source, filename, "exec")


def last_points(board: Any) -> dict[str, float]:
    """The last averaged point of each curve on a model's board."""
    if hasattr(board, "history"):  # d2lrnn's board
        return {k: float(ys[-1]) for k, (_, ys) in board.history().items() if ys}
    return {k: float(v[-1].y) for k, v in getattr(board, "data", {}).items() if v}  # the book's


def printed_tail(printed: str, section: str) -> str:
    """What the tab printed last: the prediction; seq2seq: the four translations."""
    lines = [line for line in printed.strip().splitlines() if line.strip()]
    return " | ".join(lines[-4:] if section == "seq2seq" else lines[-1:])


def child(lib: str, backend: str, epochs: int | None, section: str) -> dict[str, Any]:
    """Run the tab once on ``lib`` ('book' or 'd2lrnn'); return each fit's timings and results.
    An exception in the cells ends the run: the fits done so far are kept and ``error`` says
    what was raised."""
    start = time.perf_counter()
    patches: list[str] = []
    if lib == "book":
        module, patches = import_book(backend)
        if (section, backend) == ("seq2seq", "jax"):
            patch_flax_gru(module, patches)
    else:
        sys.path.insert(0, ROOT)
        module = importlib.import_module(f"d2lrnn.{backend}")
    import_s = time.perf_counter() - start

    # Time each trainer.fit and its epochs (the class attributes the tab's Trainer uses).
    fits: list[dict[str, Any]] = []
    trainer_cls = module.Trainer
    fit, fit_epoch = trainer_cls.fit, trainer_cls.fit_epoch

    def timed_fit(self: Any, model: Any, data: Any, *a: Any, **k: Any) -> Any:
        fits.append({"epochs": [], "model": model})
        t = time.perf_counter()
        result = fit(self, model, data, *a, **k)  # a fit that raises is left without fit_s
        fits[-1]["fit_s"] = time.perf_counter() - t
        fits[-1]["tokens"] = self.num_train_batches * data.batch_size * data.num_steps
        return result

    def timed_epoch(self: Any, *a: Any, **k: Any) -> Any:
        t = time.perf_counter()
        try:
            return fit_epoch(self, *a, **k)
        finally:
            fits[-1]["epochs"].append(time.perf_counter() - t)
    trainer_cls.fit, trainer_cls.fit_epoch = timed_fit, timed_epoch

    code = compile_cells(tab_source(backend, lib, epochs, section),
                         f"{os.path.basename(SECTIONS[section][backend])} ({lib})")
    ns: dict[str, Any] = {"__name__": "__main__"}
    out = io.StringIO()
    error = None
    start = time.perf_counter()
    try:
        with contextlib.redirect_stdout(out):
            exec(code, ns)
    except Exception as err:  # noqa: BLE001 -- reported: the book's library on today's stack
        error = f"{type(err).__name__}: {err}".splitlines()[0][:300]
        frames = traceback.extract_tb(err.__traceback__)
        ours = [f for f in frames if f"{os.sep}d2l{os.sep}" in f.filename or
                f"{os.sep}d2lrnn{os.sep}" in f.filename or "<" in f.filename]
        where = (ours or frames)[-1]
        error += (f" (at {os.path.basename(os.path.dirname(where.filename))}/"
                  f"{os.path.basename(where.filename)}:{where.lineno}, {where.name})")
    cells_s = time.perf_counter() - start
    results = []
    for f in (f for f in fits if "fit_s" in f):
        epoch_s = f["epochs"]
        steady = statistics.median(epoch_s[1:]) if len(epoch_s) > 1 else epoch_s[0]
        points = last_points(f["model"].board)
        metric = "ppl" if "val_ppl" in points else "loss"
        results.append({"fit_s": f["fit_s"], "epochs": len(epoch_s),
                        "first_s": f["fit_s"] - sum(epoch_s[1:]), "steady_s": steady,
                        "tokens_per_s": f["tokens"] / steady, "metric": metric,
                        "train": points.get(f"train_{metric}", float("nan")),
                        "val": points.get(f"val_{metric}", float("nan"))})
    return {"lib": lib, "backend": backend, "section": section, "patches": patches,
            "import_s": import_s, "cells_s": cells_s, "fits": results, "error": error,
            "printed": printed_tail(out.getvalue(), section)}


def child_env(gpu: bool) -> dict[str, str]:
    """The environment of every run (tab or floor): headless, no PYTHONPATH, fixed hashing,
    the tab's own epochs; on the CPU table, any GPU hidden from every framework."""
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": "", "PYTHONHASHSEED": "0"}
    env.pop("D2LRNN_MAX_EPOCHS", None)
    if not gpu:
        env.update(CUDA_VISIBLE_DEVICES="", JAX_PLATFORMS="cpu")
    return env


def last_json(proc: subprocess.CompletedProcess, what: str) -> dict[str, Any]:
    """The JSON line a child printed last; its stderr's tail if it failed."""
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"{what} failed:\n{tail}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def write_data(tmp: str, section: str) -> None:
    """``<tmp>/data``: the book's download cache (``../data`` from the run's folder), as the
    book's DataModules look for it. The book's ``TimeMachine`` reads ``timemachine.txt`` there
    when its sha1 matches; its ``MTFraEng`` reads ``fra-eng/fra.txt`` (the patch
    fra-eng-offline), written from d2lrnn's bundled copy. d2lrnn reads its bundled files; both
    runs get the same folder layout."""
    os.makedirs(os.path.join(tmp, "data"))
    shutil.copy(os.path.join(ROOT, "d2lrnn", "data", "timemachine.txt"),
                os.path.join(tmp, "data", "timemachine.txt"))
    if section == "seq2seq":
        sys.path.insert(0, ROOT)
        from d2lrnn.core.download import bundled_bytes  # the SHA-1 checked fra.txt
        os.makedirs(os.path.join(tmp, "data", "fra-eng"))
        with open(os.path.join(tmp, "data", "fra-eng", "fra.txt"), "wb") as f:
            f.write(bundled_bytes("fra-eng.zip", "fra.txt"))


def run_once(lib: str, backend: str, epochs: int | None, gpu: bool,
             section: str) -> dict[str, Any]:
    """One run of the tab in a fresh process; ``error`` set (and the fits done before it kept)
    where the cells raised."""
    with tempfile.TemporaryDirectory() as tmp:
        write_data(tmp, section)
        cwd = os.path.join(tmp, "run")
        os.makedirs(cwd)
        proc = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", lib,
                               backend, str(epochs or 0), section], capture_output=True,
                              text=True, cwd=cwd, env=child_env(gpu))
    return last_json(proc, f"{lib} {backend}")


def run_floor(backend: str, epochs: int, section: str) -> dict[str, Any]:
    """benchmarks/layers_floor.py for the section's concise model, in a fresh process (the CPU
    table's environment)."""
    _, model, num_layers = FLOORS[section]
    proc = subprocess.run([sys.executable, os.path.join(ROOT, "benchmarks", "layers_floor.py"),
                           backend, "--model", model, "--num-layers", str(num_layers),
                           "--epochs", str(epochs)], capture_output=True, text=True,
                          env=child_env(gpu=False))
    return last_json(proc, f"layers_floor {backend}")


# -- the table -----------------------------------------------------------------------------------
def gpu_line() -> str | None:
    """None if an NVIDIA GPU is visible, else the line saying why the GPU mode is skipped."""
    smi = shutil.which("nvidia-smi")
    if smi:
        proc = subprocess.run([smi, "-L"], capture_output=True, text=True)
        if proc.returncode == 0 and "GPU" in proc.stdout:
            return None
    return "GPU mode skipped: no NVIDIA GPU on this machine (nvidia-smi -L lists none)"


def spread(values: list[float]) -> str:
    return f"{min(values):.2f}-{max(values):.2f}"


TIMES = ("fit_s", "first_s", "steady_s", "tokens_per_s")  # a fit's timings, medians per row


def median_of(runs: list[dict[str, Any]], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def book_epochs(section: str, backend: str) -> int:
    """The tab's own ``max_epochs=``."""
    return int(re.search(r"max_epochs=(\d+)", read_tab(section, backend)).group(1))


def at_epochs(fit: dict[str, Any], epochs: int) -> float:
    """A fit's time estimated at ``epochs`` epochs: its first epoch and epochs-1 steady ones."""
    return fit["first_s"] + (epochs - 1) * fit["steady_s"]


def summarize(backend: str, section: str, runs: list[tuple[dict | None, dict]],
              book_n: int | None = None) -> list[dict[str, Any]]:
    """One row per fit of the section: medians over the rounds where both libraries ran it
    (ratios: the median of the per-round ratios); where the book's library did not run it,
    d2lrnn's numbers alone and the book's error. ``book_n``: the book's epochs, at which the fit
    speed-up is also estimated (``at_epochs``)."""
    rows = []
    book_errors = [b["error"] for b, _ in runs if b is not None and b["error"]]
    ours_errors = [d["error"] for _, d in runs if d["error"]]
    for i, name in enumerate(FITS[section]):
        ours = [d["fits"][i] for _, d in runs if len(d["fits"]) > i]
        pairs = [(b["fits"][i], d["fits"][i]) for b, d in runs
                 if b is not None and len(b["fits"]) > i and len(d["fits"]) > i]
        row: dict[str, Any] = {"backend": backend, "fit": name, "rounds": len(runs),
                               "book_rounds": len(pairs), "ours_rounds": len(ours),
                               "patches": next((b["patches"] for b, _ in runs if b), []),
                               "epochs": (ours or [b for b, _ in pairs] or [{}])[0].get("epochs")}
        if ours:
            row.update({f"ours_{key}": median_of(ours, key) for key in TIMES},
                       ours_val=[f["val"] for f in ours], metric=ours[0]["metric"])
        else:
            row["ours_error"] = ours_errors[0] if ours_errors else "d2lrnn ran no such fit"
        if not pairs:
            book = [b["fits"][i] for b, _ in runs if b is not None and len(b["fits"]) > i]
            if book:  # the book ran it, d2lrnn did not (ours_error)
                row.update({f"book_{key}": median_of(book, key) for key in TIMES},
                           book_val=[f["val"] for f in book])
                rows.append(row)
                continue
            row["book_raised"] = book_errors[0] if book_errors else "no fit recorded"
            rows.append(row)
            continue
        fit_ratios = [b["fit_s"] / d["fit_s"] for b, d in pairs]
        book_val, ours_val = [b["val"] for b, _ in pairs], [d["val"] for _, d in pairs]
        row.update({f"book_{key}": median_of([b for b, _ in pairs], key) for key in TIMES},
                   fit_ratio=statistics.median(fit_ratios), fit_spread=spread(fit_ratios),
                   steady_ratio=statistics.median(b["steady_s"] / d["steady_s"]
                                                  for b, d in pairs),
                   book_n=book_n, book_n_ratio=statistics.median(
                       at_epochs(b, book_n or b["epochs"]) / at_epochs(d, book_n or d["epochs"])
                       for b, d in pairs),
                   book_val=book_val, metric=pairs[0][0]["metric"],
                   same_val=all(abs(o / b - 1) <= PPL_TOLERANCE
                                for b, o in zip(book_val, ours_val, strict=True)))
        if i == 0 and not book_errors and all(b is not None for b, _ in runs):
            row["cells_ratio"] = statistics.median(b["cells_s"] / d["cells_s"] for b, d in runs)
        rows.append(row)
    return rows


def print_table(rows: list[dict[str, Any]], epochs: str, device: str, section: str) -> None:
    print(f"\n{section}, {device}, {epochs} epochs; ratio = book's library time / d2lrnn "
          f"time, median of the per-round ratios (min-max); val: validation perplexity "
          f"(seq2seq: loss) at the last epoch, each round; cells: the whole tab, every fit and "
          f"the prediction (first row of a backend); at the book's epochs: the fit speed-up "
          f"estimated at the tab's own max_epochs N, (1st epoch + (N-1) x steady) of each")
    print("| backend | fit | rounds | fit speed-up | spread | cells speed-up | steady speed-up | "
          "at the book's epochs (est.) | book fit s | d2lrnn fit s | book 1st epoch s | "
          "d2lrnn 1st epoch s | book steady s/epoch | d2lrnn steady s/epoch | book val | "
          "d2lrnn val | same val |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    vals = lambda v: "/".join(f"{x:.2f}" for x in v)
    for r in rows:
        if "ours_error" in r:
            ours = ("FAILED | ", " | ", " | ", "")
        else:
            ours = (f"{r['ours_fit_s']:.1f} | ", f"{r['ours_first_s']:.2f} | ",
                    f"{r['ours_steady_s']:.3f} | ", vals(r["ours_val"]))
        head = f"| {r['backend']} | {r['fit']} | {r['rounds']} | "
        if "fit_ratio" not in r:
            why = ("book does not run: it raised (below)" if "book_raised" in r else
                   "d2lrnn FAILED (below)")
            book = [f"{r[k]:{f}}" if k in r else "—" for k, f in
                    (("book_fit_s", ".1f"), ("book_first_s", ".2f"), ("book_steady_s", ".3f"))]
            print(f"{head}{why} |  |  |  |  | {book[0]} | {ours[0]}{book[1]} | {ours[1]}"
                  f"{book[2]} | {ours[2]}{vals(r['book_val']) if 'book_val' in r else '—'} | "
                  f"{ours[3]} |  |")
            continue
        cells = f"{r['cells_ratio']:.2f}x" if "cells_ratio" in r else ""
        print(f"{head}{r['fit_ratio']:.2f}x | {r['fit_spread']} | {cells} | "
              f"{r['steady_ratio']:.2f}x | {r['book_n_ratio']:.2f}x ({r['book_n']}) | "
              f"{r['book_fit_s']:.1f} | {ours[0]}"
              f"{r['book_first_s']:.2f} | {ours[1]}{r['book_steady_s']:.3f} | {ours[2]}"
              f"{vals(r['book_val'])} | {ours[3]} | {'yes' if r['same_val'] else 'NO'} |")
    for r in rows:
        if (section, r["backend"], r["fit"]) in BOOK_DIFFERS:
            print(f"- {r['backend']} {r['fit']}: not the same work: "
                  f"{BOOK_DIFFERS[(section, r['backend'], r['fit'])]}")
        if "book_raised" in r:
            print(f"- {r['backend']} {r['fit']}: the book's library raised "
                  f"{r['book_raised']}")
        if "ours_error" in r:
            print(f"- {r['backend']} {r['fit']}: d2lrnn FAILED: {r['ours_error']}")
    if device != "CPU":
        print("\n| backend | fit | book tokens/s | d2lrnn tokens/s |")
        print("|---|---|---|---|")
        for r in rows:
            book = f"{r['book_tokens_per_s']:,.0f}" if "book_tokens_per_s" in r else "—"
            ours = f"{r['ours_tokens_per_s']:,.0f}" if "ours_tokens_per_s" in r else "—"
            print(f"| {r['backend']} | {r['fit']} | {book} | {ours} |")


def floor_ratios(rounds: list[tuple[dict, tuple[dict | None, dict]]], side: int, fit: int,
                 floor: str) -> list[float]:
    """Per round: the steady epoch of fit ``fit`` of the book's (side 0) or d2lrnn's (1) run,
    over that round's ``floor``; rounds where that run has no such fit are left out."""
    return [runs[side]["fits"][fit]["steady_s"] / f[floor] for f, runs in rounds
            if runs[side] is not None and len(runs[side]["fits"]) > fit]


def print_floors(rows: list[dict[str, Any]], section: str,
                 floors: dict[str, list[tuple[dict, tuple[dict | None, dict]]]]) -> None:
    """The floor table: per backend, for the section's concise fit, medians over rounds of the
    steady epochs (the floors at their faster thread count); d2lrnn's steady epoch / the
    floor's full step (the goal: within 1.15x); and the bound on any library's steady speed-up,
    book's steady epoch / (layers + loss), the median of the per-round ratios."""
    if not floors:
        return
    i, model, num_layers = FLOORS[section]
    print(f"\nsteady s/epoch of the {FITS[section][i]} fit against the floor "
          f"(benchmarks/layers_floor.py --model {model} --num-layers {num_layers}, same "
          "rounds): the reader's framework layers alone, with the framework's cross-entropy, "
          "and a full step (+ clipping + SGD) (torch: the faster of the Trainer's and torch's "
          "own thread count); d2lrnn / step: what d2lrnn adds to the reader's own loop (goal "
          "<= 1.15); bound = book's steady epoch / (layers + loss), about the most any library "
          "running the reader's model with that loss can show (median of rounds)")
    print("| backend | fit | book | d2lrnn | layers | layers + loss | step | threads (step) | "
          "d2lrnn / step | d2lrnn / (layers + loss) | steady speed-up | bound |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        if r["backend"] not in floors or r["fit"] != FITS[section][i] or "ours_error" in r:
            continue
        rounds = floors[r["backend"]]  # (floor, (book run, d2lrnn run)) per round
        floor_runs = [f for f, _ in rounds]
        threads = "/".join(str(f.get("step_threads", "-")) for f in floor_runs)
        ours_step = statistics.median(floor_ratios(rounds, 1, i, "step_s"))
        ours_loss = statistics.median(floor_ratios(rounds, 1, i, "layers+loss_s"))
        bound = floor_ratios(rounds, 0, i, "layers+loss_s")
        book = f"{r['book_steady_s']:.3f}" if "book_steady_s" in r else "—"
        speedup = f"{r['steady_ratio']:.2f}x" if "steady_ratio" in r else "—"
        print(f"| {r['backend']} | {r['fit']} | {book} | {r['ours_steady_s']:.3f} | "
              f"{median_of(floor_runs, 'layers_s'):.3f} | "
              f"{median_of(floor_runs, 'layers+loss_s'):.3f} | "
              f"{median_of(floor_runs, 'step_s'):.3f} | {threads} | {ours_step:.2f} | "
              f"{ours_loss:.2f} | {speedup} | "
              f"{f'{statistics.median(bound):.2f}x' if bound else '—'} |")


def main() -> None:
    if len(sys.argv) == 6 and sys.argv[1] == "--child":
        epochs = int(sys.argv[4]) or None
        result = child(sys.argv[2], sys.argv[3], epochs, sys.argv[5])
        print(json.dumps(result))
        return
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--section", choices=list(SECTIONS), default="rnn-scratch",
                   help="the book's section to run (rnn-scratch)")
    p.add_argument("--backends", nargs="+", choices=list(TABS),
                   help="frameworks (default: every tab of the section)")
    p.add_argument("--epochs", type=int, help="epochs of each fit (default: the book's: "
                   "100; gru, lstm 50; deep-rnn 100; seq2seq 30)")
    p.add_argument("--rounds", type=int, default=3, help="alternating rounds (3)")
    p.add_argument("--gpu", action="store_true", help="run on the GPU (num_gpus=1 as in the "
                   "book's cells) instead of the CPU; skipped with one line without a GPU")
    p.add_argument("--json", help="also write the per-run results and the table here")
    args = p.parse_args()
    if args.epochs is not None and args.epochs < 2:
        p.error(f"--epochs must be at least 2 (the steady state is epochs 2..N); got "
                f"{args.epochs}")
    if args.rounds < 1:
        p.error(f"--rounds must be a positive integer; got {args.rounds}")
    tabs = SECTIONS[args.section]
    if args.backends is None:
        args.backends = list(tabs)
    if missing := [b for b in args.backends if b not in tabs]:
        p.error(f"--backends: the book's {args.section} section has no runnable tab for "
                f"{', '.join(missing)} (it runs: {', '.join(tabs)})")
    if args.gpu and (line := gpu_line()):
        print(line)
        return
    ensure_installed(book_folder(), BOOK, os.path.join("d2l", "torch.py"))
    if "tensorflow" in args.backends:
        ensure_installed(tf_keras_folder(), TF_KERAS, os.path.join("tf_keras", "__init__.py"))
    print(f"book's library: {BOOK} in {book_folder()} (--no-deps); "
          f"python {sys.version.split()[0]}")
    floor_backends = load_file("benchmarks", "layers_floor.py").EPOCHS
    rows, raw = [], []
    floors: dict[str, list[tuple[dict, tuple[dict | None, dict]]]] = {}
    for backend in args.backends:
        runs: list[tuple[dict | None, dict]] = []
        epochs = args.epochs or book_epochs(args.section, backend)
        book_runs = True  # until the book's library raises before its first fit
        for rnd in range(args.rounds):
            order = ("book", "d2lrnn") if rnd % 2 == 0 else ("d2lrnn", "book")
            got = {lib: run_once(lib, backend, args.epochs, args.gpu, args.section)
                   for lib in order if lib == "d2lrnn" or book_runs}
            book, ours = got.get("book"), got["d2lrnn"]
            if book is not None and book["error"] and not book["fits"]:
                book_runs = False  # it does not get far enough to time anything
            runs.append((book, ours))
            raw.extend(got.values())
            if (args.section in FLOORS and backend in floor_backends and not args.gpu
                    and not ours["error"]):
                try:
                    floor = run_floor(backend, min(epochs, FLOOR_EPOCHS), args.section)
                except RuntimeError as err:  # the floor is a second table: say so, go on
                    print(f"{backend} round {rnd + 1}: {err}", flush=True)
                else:
                    floors.setdefault(backend, []).append((floor, runs[-1]))
                    raw.append({"lib": "layers_floor", **floor})
            line = []
            for name, b, d in zip(FITS[args.section], book["fits"] if book else [],
                                  ours["fits"], strict=False):
                line.append(f"{name}: fit book {b['fit_s']:.1f} s, d2lrnn {d['fit_s']:.1f} s "
                            f"({b['fit_s'] / d['fit_s']:.2f}x), val {b['metric']} "
                            f"{b['val']:.2f} / {d['val']:.2f}")
            for lib, run in got.items():
                if run["error"]:
                    line.append(f"{lib} raised {run['error']}")
            print(f"{backend} round {rnd + 1}: " + "; ".join(line), flush=True)
        rows.extend(summarize(backend, args.section, runs, book_epochs(args.section, backend)))
    print("\npatches applied to the book's library:")
    for name in dict.fromkeys(n for r in rows for n in r["patches"]):
        print(f"- {name} ({PATCHES[name][0]}): {PATCHES[name][1]}")
    if args.section == "deep-rnn" and "mxnet" in args.backends:
        print("- (not a patch) mxnet deep-rnn: the book's tab leaves its concise fit commented "
              "out (\"Running takes > 1h\"); both libraries run it here")
    epochs_label = str(args.epochs) if args.epochs else "the book's"
    print_table(rows, epochs_label, "GPU" if args.gpu else "CPU", args.section)
    print_floors(rows, args.section, floors)
    print("\nlast printed (book / d2lrnn):")
    last: dict[str, dict[str, str]] = {}
    for run in raw:
        if run.get("lib") in ("book", "d2lrnn"):
            last.setdefault(run["backend"], {})[run["lib"]] = run["printed"]
    for backend, printed in last.items():
        print(f"- {backend}: {printed.get('book', '—')} / {printed.get('d2lrnn', '—')}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"section": args.section, "epochs": args.epochs, "rows": rows,
                       "runs": raw}, f, indent=1)
    if any("ours_error" in r for r in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()

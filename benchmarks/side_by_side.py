"""The book's section "RNN Implementation from Scratch" (or, with ``--section rnn-concise``,
"Concise Implementation of RNNs"), run on the book's own library (d2l 1.0.3) and on d2lrnn,
side by side: same Python, same frameworks, same machine state.

    python benchmarks/side_by_side.py [--section rnn-scratch|rnn-concise]
                                      [--backends torch mxnet tensorflow jax] [--epochs 100]
                                      [--rounds 3] [--gpu] [--json out.json]

Both run the reader's cells of ``tests/book/<tab>_tab.py`` (rnn-concise:
``tests/book/rnn_concise_<tab>.py``) verbatim; the only differences are the import line
(``from d2l import <fw> as d2l`` vs ``from d2lrnn import <fw> as d2l``) and, with
``--epochs N``, ``max_epochs=100`` written as ``max_epochs=N`` in both. The rnn-concise
TensorFlow cell that Keras 3 broke (``SimpleRNN(..., time_major=True)``, which our transcription
writes ``d2l.SimpleRNN(``) is the book's ``tf.keras.layers.SimpleRNN(`` again on the book's
library, which runs Keras 2. The book's rnn-concise JAX tab only defines classes (its ``RNN``
raises ``NotImplementedError``), so that section has no JAX row. Each run is a fresh
subprocess; each round runs the book's library and d2lrnn one after the other (the order
alternates from round to round), so a busy phase of the machine falls on both. The table gives
the median of the per-round ratios (book's time / d2lrnn's time) and their spread.

The book's library is installed without its pins (it pins frameworks of 2023) into a private
folder, never into the project's environment: ``pip install --no-deps --target
~/.cache/d2lrnn/bench/d2l-1.0.3 d2l==1.0.3`` (and tf-keras beside it, for its TensorFlow code,
which is Keras 2 code). After that first fetch everything runs offline. The patches it needs on
today's stack are applied in its subprocess only, and printed (``PATCHES`` below).

Times: "fit" is ``trainer.fit`` wall time, first epoch included (this is the headline ratio);
"1st epoch" is fit minus epochs 2..N (set-up, tracing, compilation and the first epoch's
work); "steady" is the median of epochs 2..N. The book's library runs headless here, so its
board's figure is never rendered (in Jupyter it renders three times an epoch): its numbers are
the best case for it.
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
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import types
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TABS = {"torch": "pytorch_tab.py", "mxnet": "mxnet_tab.py", "tensorflow": "tensorflow_tab.py",
        "jax": "jax_tab.py"}
# section -> {backend: the transcription of its tab under tests/book/}
SECTIONS = {
    "rnn-scratch": TABS,
    "rnn-concise": {"torch": "rnn_concise_pytorch.py", "mxnet": "rnn_concise_mxnet.py",
                    "tensorflow": "rnn_concise_tensorflow.py"},
}
# section -> backends whose rounds also run benchmarks/layers_floor.py: what the reader's layers
# (and the framework's own cross-entropy) cost an epoch, with no library around them
FLOORS = {"rnn-concise": ("torch", "mxnet")}
# (our transcription's line, the book's line): cells a framework broke, as the book wrote them
BOOK_LINES = [("d2l.SimpleRNN(  # the book: tf.keras.layers.SimpleRNN(",
               "tf.keras.layers.SimpleRNN(")]
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
    if backend in ("tensorflow", "jax"):
        reshape = d2l.reshape

        def reshape_scalar(x: Any, *args: Any, **kwargs: Any) -> Any:
            y = reshape(x, *args, **kwargs)
            return reshape(y, ()) if tuple(y.shape) == (1,) else y
        d2l.reshape = reshape_scalar
        applied.append("int-of-one-element")
    return d2l, applied


# -- one run, in a fresh process ---------------------------------------------------------------
def tab_source(backend: str, lib: str, epochs: int, section: str = "rnn-scratch") -> str:
    name = SECTIONS[section][backend]
    with open(os.path.join(ROOT, "tests", "book", name), encoding="utf-8") as f:
        source = f.read()
    ours = f"from d2lrnn import {backend} as d2l"
    if source.count(ours) != 1 or source.count("max_epochs=100") != 1:
        raise RuntimeError(f"tests/book/{name}: expected one '{ours}' and one "
                           f"'max_epochs=100'")
    if lib == "book":
        source = source.replace(ours, f"from d2l import {backend} as d2l")
        for changed, original in BOOK_LINES:
            source = source.replace(changed, original)
    return source.replace("max_epochs=100", f"max_epochs={epochs}")


def compile_cells(source: str, name: str) -> Any:
    """Compile the cells under a file name whose lines ``linecache`` holds: TensorFlow's
    AutoGraph reads a function's source to convert it (``inspect.getsource``), and for code
    compiled under a name that is no file it read another file's lines (this script's) and the
    conversion failed, so d2lrnn's TensorFlow Trainer fell back to eager steps (about 4x
    slower) inside this harness only."""
    filename = os.path.join(ROOT, "tests", "book", f"<{name}>")
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    return compile(source, filename, "exec")


def last_point(board: Any, label: str) -> float:
    if hasattr(board, "last"):  # d2lrnn's board
        return float(board.last(label))
    return float(board.data[label][-1].y)  # the book's board: averaged Points


def child(lib: str, backend: str, epochs: int, section: str) -> dict[str, Any]:
    """Run the tab once on ``lib`` ('book' or 'd2lrnn'); return its timings and results."""
    start = time.perf_counter()
    patches = []
    if lib == "book":
        module, patches = import_book(backend)
    else:
        sys.path.insert(0, ROOT)
        module = importlib.import_module(f"d2lrnn.{backend}")
    import_s = time.perf_counter() - start

    # Time trainer.fit and each epoch (the class attributes the tab's Trainer uses).
    times: dict[str, Any] = {"epochs": []}
    trainer_cls = module.Trainer
    fit, fit_epoch = trainer_cls.fit, trainer_cls.fit_epoch

    def timed_fit(self: Any, *a: Any, **k: Any) -> Any:
        t = time.perf_counter()
        try:
            return fit(self, *a, **k)
        finally:
            times["fit"] = time.perf_counter() - t

    def timed_epoch(self: Any, *a: Any, **k: Any) -> Any:
        t = time.perf_counter()
        try:
            return fit_epoch(self, *a, **k)
        finally:
            times["epochs"].append(time.perf_counter() - t)
    trainer_cls.fit, trainer_cls.fit_epoch = timed_fit, timed_epoch

    code = compile_cells(tab_source(backend, lib, epochs, section),
                         f"{SECTIONS[section][backend]} ({lib})")
    ns: dict[str, Any] = {"__name__": "__main__"}
    out = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out):
        exec(code, ns)
    cells_s = time.perf_counter() - start
    trainer, data = ns["trainer"], ns["data"]
    epoch_s = times["epochs"]
    steady = statistics.median(epoch_s[1:]) if len(epoch_s) > 1 else epoch_s[0]
    tokens = trainer.num_train_batches * data.batch_size * data.num_steps
    return {"lib": lib, "backend": backend, "patches": patches, "import_s": import_s,
            "cells_s": cells_s, "fit_s": times["fit"], "epochs": len(epoch_s),
            "first_s": times["fit"] - sum(epoch_s[1:]), "steady_s": steady,
            "tokens_per_s": tokens / steady,
            "train_ppl": last_point(ns["model"].board, "train_ppl"),
            "val_ppl": last_point(ns["model"].board, "val_ppl"),
            "printed": out.getvalue().strip().splitlines()[-1]}


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


def run_once(lib: str, backend: str, epochs: int, gpu: bool, section: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        # The book's DataModule reads ../data/timemachine.txt when its sha1 matches (its own
        # download cache); d2lrnn ships the same file. Both runs get the same folder layout.
        os.makedirs(os.path.join(tmp, "data"))
        shutil.copy(os.path.join(ROOT, "d2lrnn", "data", "timemachine.txt"),
                    os.path.join(tmp, "data", "timemachine.txt"))
        cwd = os.path.join(tmp, "run")
        os.makedirs(cwd)
        proc = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", lib,
                               backend, str(epochs), section], capture_output=True,
                              text=True, cwd=cwd, env=child_env(gpu))
    return last_json(proc, f"{lib} {backend}")


def run_floor(backend: str, epochs: int) -> dict[str, Any]:
    """benchmarks/layers_floor.py in a fresh process (the CPU table's environment)."""
    proc = subprocess.run([sys.executable, os.path.join(ROOT, "benchmarks", "layers_floor.py"),
                           backend, "--epochs", str(epochs)], capture_output=True, text=True,
                          env=child_env(gpu=False))
    return last_json(proc, f"layers_floor {backend}")


def print_floors(rows: list[dict[str, Any]],
                 floors: dict[str, list[tuple[dict, tuple[dict, dict]]]]) -> None:
    """The floor table: per backend, medians over rounds of the steady epochs (the floors at
    their faster thread count), and the bound on any library's steady speed-up, book's steady
    epoch / (layers + loss), the median of the per-round ratios."""
    if not floors:
        return
    print("\nsteady s/epoch against the floor (benchmarks/layers_floor.py, same rounds): what the "
          "reader's layers cost alone, and with the framework's cross-entropy (torch: the "
          "faster of the Trainer's and torch's own thread count); bound = book's steady epoch / "
          "(layers + loss), about the most any library running the reader's model with that "
          "loss can show (median of rounds)")
    print("| backend | book | d2lrnn | layers | layers + loss | threads | "
          "d2lrnn / (layers + loss) | steady speed-up | bound |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        if r["backend"] not in floors:
            continue
        rounds = floors[r["backend"]]  # (floor, (book run, d2lrnn run)) per round
        floor_of = [f["layers+loss_s"] for f, _ in rounds]
        layers = statistics.median(f["layers_s"] for f, _ in rounds)
        threads = "/".join(str(f.get("layers+loss_threads", "-")) for f, _ in rounds)
        ours = statistics.median(d["steady_s"] / x for (_, (_, d)), x in zip(rounds, floor_of,
                                                                             strict=True))
        bound = statistics.median(b["steady_s"] / x for (_, (b, _)), x in zip(rounds, floor_of,
                                                                              strict=True))
        print(f"| {r['backend']} | {r['book_steady_s']:.3f} | {r['ours_steady_s']:.3f} | "
              f"{layers:.3f} | {statistics.median(floor_of):.3f} | {threads} | {ours:.2f} | "
              f"{r['steady_ratio']:.2f}x | {bound:.2f}x |")


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


def summarize(backend: str, runs: list[tuple[dict, dict]]) -> dict[str, Any]:
    ratio = lambda key: [b[key] / d[key] for b, d in runs]
    book_ppl = [b["val_ppl"] for b, _ in runs]
    ours_ppl = [d["val_ppl"] for _, d in runs]
    same = all(abs(o / b - 1) <= PPL_TOLERANCE for b, o in zip(book_ppl, ours_ppl, strict=True))
    med = lambda side, key: statistics.median(r[side][key] for r in
                                              ({"b": b, "d": d} for b, d in runs))
    return {"backend": backend, "rounds": len(runs),
            "fit_ratio": statistics.median(ratio("fit_s")), "fit_spread": spread(ratio("fit_s")),
            "cells_ratio": statistics.median(ratio("cells_s")),
            "steady_ratio": statistics.median(ratio("steady_s")),
            "book_fit_s": med("b", "fit_s"), "ours_fit_s": med("d", "fit_s"),
            "book_first_s": med("b", "first_s"), "ours_first_s": med("d", "first_s"),
            "book_steady_s": med("b", "steady_s"), "ours_steady_s": med("d", "steady_s"),
            "book_tokens_per_s": med("b", "tokens_per_s"),
            "ours_tokens_per_s": med("d", "tokens_per_s"),
            "book_val_ppl": book_ppl, "ours_val_ppl": ours_ppl, "same_ppl": same,
            "patches": runs[0][0]["patches"],
            "printed": (runs[-1][0]["printed"], runs[-1][1]["printed"])}


def print_table(rows: list[dict[str, Any]], epochs: int, device: str, section: str) -> None:
    print(f"\n{section}, {device}, {epochs} epochs; ratio = book's library time / d2lrnn "
          f"time, median of the per-round ratios (min-max)")
    print("| backend | rounds | fit speed-up | spread | cells speed-up | steady speed-up | "
          "book fit s | d2lrnn fit s | book 1st epoch s | d2lrnn 1st epoch s | "
          "book steady s/epoch | d2lrnn steady s/epoch | book val ppl | d2lrnn val ppl | "
          "same ppl |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        ppl = lambda v: "/".join(f"{x:.2f}" for x in v)
        print(f"| {r['backend']} | {r['rounds']} | {r['fit_ratio']:.2f}x | {r['fit_spread']} | "
              f"{r['cells_ratio']:.2f}x | {r['steady_ratio']:.2f}x | {r['book_fit_s']:.1f} | "
              f"{r['ours_fit_s']:.1f} | {r['book_first_s']:.2f} | {r['ours_first_s']:.2f} | "
              f"{r['book_steady_s']:.3f} | {r['ours_steady_s']:.3f} | {ppl(r['book_val_ppl'])} "
              f"| {ppl(r['ours_val_ppl'])} | {'yes' if r['same_ppl'] else 'NO'} |")
    if device != "CPU":
        print("\n| backend | book tokens/s | d2lrnn tokens/s |")
        print("|---|---|---|")
        for r in rows:
            print(f"| {r['backend']} | {r['book_tokens_per_s']:,.0f} | "
                  f"{r['ours_tokens_per_s']:,.0f} |")


def main() -> None:
    if len(sys.argv) == 6 and sys.argv[1] == "--child":
        result = child(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
        print(json.dumps(result))
        return
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--section", choices=list(SECTIONS), default="rnn-scratch",
                   help="the book's section to run (rnn-scratch)")
    p.add_argument("--backends", nargs="+", choices=list(TABS),
                   help="frameworks (default: every tab of the section the book can run)")
    p.add_argument("--epochs", type=int, default=100, help="epochs of the book's run (100)")
    p.add_argument("--rounds", type=int, default=3, help="alternating rounds (3)")
    p.add_argument("--gpu", action="store_true", help="run on the GPU (num_gpus=1 as in the "
                   "book's cells) instead of the CPU; skipped with one line without a GPU")
    p.add_argument("--json", help="also write the per-run results and the table here")
    args = p.parse_args()
    if args.epochs < 2:
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
    rows, raw = [], []
    floors: dict[str, list[tuple[dict, tuple[dict, dict]]]] = {}
    for backend in args.backends:
        runs = []
        for rnd in range(args.rounds):
            order = ("book", "d2lrnn") if rnd % 2 == 0 else ("d2lrnn", "book")
            got = {lib: run_once(lib, backend, args.epochs, args.gpu, args.section)
                   for lib in order}
            runs.append((got["book"], got["d2lrnn"]))
            raw.extend(got.values())
            if backend in FLOORS.get(args.section, ()) and not args.gpu:
                floor = run_floor(backend, args.epochs)
                floors.setdefault(backend, []).append((floor, runs[-1]))
                raw.append({"lib": "layers_floor", **floor})
            book, ours = got["book"], got["d2lrnn"]
            print(f"{backend} round {rnd + 1}: fit book {book['fit_s']:.1f} s, d2lrnn "
                  f"{ours['fit_s']:.1f} s ({book['fit_s'] / ours['fit_s']:.2f}x); "
                  f"val ppl {book['val_ppl']:.2f} / {ours['val_ppl']:.2f}",
                  flush=True)
        rows.append(summarize(backend, runs))
    print("\npatches applied to the book's library:")
    for name in dict.fromkeys(n for r in rows for n in r["patches"]):
        print(f"- {name} ({PATCHES[name][0]}): {PATCHES[name][1]}")
    print_table(rows, args.epochs, "GPU" if args.gpu else "CPU", args.section)
    print_floors(rows, floors)
    print("\nlast line each printed (book / d2lrnn):")
    for r in rows:
        print(f"- {r['backend']}: {r['printed'][0]} / {r['printed'][1]}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"section": args.section, "epochs": args.epochs, "rows": rows,
                       "runs": raw}, f, indent=1)


if __name__ == "__main__":
    main()

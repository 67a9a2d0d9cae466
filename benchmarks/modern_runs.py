"""The modern chapter's full runs, as the book runs them: each section's transcribed cells
(tests/book/modern/<section>_<tab>.py, only the import line changed) with the book's epochs,
from d2l.seed(SEED), on each framework; one fresh process per run. Prints a markdown table of
every fit's last epoch and what the section prints last (the prediction, or the translations).

    python benchmarks/modern_runs.py [--sections lstm gru deep_rnn seq2seq]
                                     [--backends torch mxnet tensorflow jax] [--seed 0]
                                     [--embed-normal]

The MXNet deep-RNN tab leaves its concise model's training commented out ("Running takes > 1h
(pending fix from MXNet)"); the full run trains it (the two lines uncommented: BOOK_LEFT_OFF).

--embed-normal makes the seq2seq section's one reader change of docs/modern.md ("Seq2seq:
why the tabs differ"): the MXNet, TensorFlow and JAX embedding tables drawn from N(0, 1), as
PyTorch's nn.Embedding draws them, instead of each framework's default.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODERN = ROOT / "tests" / "book" / "modern"
TABS = {"torch": "pytorch", "mxnet": "mxnet", "tensorflow": "tensorflow", "jax": "jax"}

RUNNER = """
import importlib, json, runpy, sys
sys.path.insert(0, {book!r})
from run_section import record_fits
fits = record_fits()
importlib.import_module('d2lrnn.{backend}').seed({seed})
runpy.run_path({script!r}, run_name='__main__')
print('FITS ' + json.dumps(fits))
"""


#: --embed-normal: (the reader's line, the changed line) per tab of the seq2seq section
EMBED_NORMAL = {
    "mxnet": ("self.initialize(init.Xavier())",
              "self.initialize(init.Xavier())\n"
              "        self.embedding.initialize(init.Normal(1.0), force_reinit=True)"),
    "tensorflow": ("tf.keras.layers.Embedding(vocab_size, embed_size)",
                   "tf.keras.layers.Embedding(vocab_size, embed_size, embeddings_initializer="
                   "tf.keras.initializers.RandomNormal(stddev=1.0))"),
    "jax": ("nn.Embed(self.vocab_size, self.embed_size)",
            "nn.Embed(self.vocab_size, self.embed_size, "
            "embedding_init=nn.initializers.normal(stddev=1.0))"),
}


#: cells the book leaves commented out, which the full run trains: (section, backend) -> lines
BOOK_LEFT_OFF = {
    ("deep_rnn", "mxnet"): ("# trainer.fit(model, data)",
                            "# model.predict('it has', 20, data.vocab, d2l.try_gpu())"),
}


def changed_script(section: str, backend: str, embed_normal: bool, out: Path) -> Path:
    """The section's transcription, with the book's left-off lines uncommented and, for
    --embed-normal, the encoder's and the decoder's embeddings from N(0, 1); written to `out`
    where anything changed."""
    script = MODERN / f"{section}_{TABS[backend]}.py"
    source = original = script.read_text()
    for line in BOOK_LEFT_OFF.get((section, backend), ()):
        assert source.count(line) == 1, (section, backend, line)
        code = line[2:]
        source = source.replace(line, f"_show(({code}))" if "predict" in code else code)
    if embed_normal and section == "seq2seq" and backend in EMBED_NORMAL:
        old, new = EMBED_NORMAL[backend]
        assert source.count(old) == 2, (backend, old)  # the encoder's and the decoder's
        source = source.replace(old, new)
    if source == original:
        return script
    out.write_text(source)
    return out


def run(section: str, backend: str, seed: int, embed_normal: bool = False) -> dict:
    script = changed_script(section, backend, embed_normal,
                            Path(tempfile.mkdtemp()) / f"{section}_{TABS[backend]}.py")
    code = RUNNER.format(book=str(ROOT / "tests" / "book"), backend=backend, seed=seed,
                         script=str(script))
    env = {**os.environ, "MPLBACKEND": "Agg", "TF_CPP_MIN_LOG_LEVEL": "2",
           "PYTHONPATH": str(ROOT)}
    env.pop("D2LRNN_MAX_EPOCHS", None)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, cwd=ROOT / "runs" if (ROOT / "runs").is_dir() else ROOT)
    seconds = time.perf_counter() - start
    if proc.returncode:
        return {"error": proc.stderr.strip().splitlines()[-1], "seconds": seconds}
    lines = proc.stdout.strip().splitlines()
    fits = json.loads(lines[-1][len("FITS "):])
    shown = [line for line in lines[:-1] if line.strip()]
    return {"fits": [fit[-1] for fit in fits if fit], "shown": shown, "seconds": seconds}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sections", nargs="+", default=["lstm", "gru", "deep_rnn", "seq2seq"])
    p.add_argument("--backends", nargs="+", default=list(TABS), choices=list(TABS))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--embed-normal", action="store_true",
                   help="seq2seq: embeddings from N(0, 1) on every tab, as PyTorch's")
    args = p.parse_args(argv)
    print("| section | backend | fits: last epoch (train / val) | last output | s |")
    print("|---|---|---|---|---|")
    for section in args.sections:
        for backend in args.backends:
            r = run(section, backend, args.seed, args.embed_normal)
            if "error" in r:
                print(f"| {section} | {backend} | error: {r['error']} | | {r['seconds']:.0f} |")
                continue
            fits = "; ".join(
                " / ".join(f"{f[k]:.3f}" for k in (f"train_{m}", f"val_{m}") if k in f)
                + f" ({m})" for f in r["fits"]
                for m in (["ppl"] if "train_ppl" in f else ["loss"]))
            shown = " ".join(r["shown"][-4:]) if section == "seq2seq" else (
                r["shown"][-1] if r["shown"] else "")
            print(f"| {section} | {backend} | {fits} | {shown} | {r['seconds']:.0f} |",
                  flush=True)


if __name__ == "__main__":
    main()

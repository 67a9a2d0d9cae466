"""Writes the chapter notebooks (one per framework, plus the comparison), without outputs.

    python notebooks/build.py
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).parent

IMPORTS = {
    "torch": "import torch\nfrom torch.nn import functional as F",
    "mxnet": "from mxnet import np, npx\nnpx.set_np()",
    "tensorflow": "import tensorflow as tf",
    "jax": "import jax\nfrom jax import numpy as jnp",
}
ONE_HOT = {
    "torch": "F.one_hot(torch.tensor([0, 2]), 5)",
    "mxnet": "npx.one_hot(np.array([0, 2]), 5)",
    "tensorflow": "tf.one_hot(tf.constant([0, 2]), 5)",
    "jax": "jax.nn.one_hot(jnp.array([0, 2]), 5)",
}
RNN_SHAPES = {
    "jax": "(outputs, state), _ = rnn.init_with_output(d2l.get_key(), X)",
}
LM_SHAPES = {
    "jax": ("model = d2l.RNNLMScratch(rnn, num_inputs)\n"
            "outputs, _ = model.init_with_output(\n"
            "    d2l.get_key(), d2l.ones((batch_size, num_steps), dtype=d2l.int32))"),
}
TRAIN = {
    "tensorflow": ("with d2l.try_gpu():\n"
                   "    rnn = d2l.RNNScratch(num_inputs=len(data.vocab), num_hiddens=32)\n"
                   "    model = d2l.RNNLMScratch(rnn, vocab_size=len(data.vocab), lr=1)\n"
                   "trainer = d2l.Trainer(max_epochs=100, gradient_clip_val=1)\n"),
}
PREDICT = {
    "jax": "model.predict('it has', 20, data.vocab, trainer.state.params)",
    "tensorflow": "model.predict('it has', 20, data.vocab)",
}


def framework_notebook(fw: str) -> nbformat.NotebookNode:
    train = TRAIN.get(fw, "rnn = d2l.RNNScratch(num_inputs=len(data.vocab), num_hiddens=32)\n"
                          "model = d2l.RNNLMScratch(rnn, vocab_size=len(data.vocab), lr=1)\n"
                          "trainer = d2l.Trainer(max_epochs=100, gradient_clip_val=1, "
                          "num_gpus=1)\n")
    cells = [
        new_markdown_cell(f"# RNN Implementation from Scratch ({fw})\n\n"
                          "The section of *Dive into Deep Learning* on `d2lrnn`. Training runs "
                          "the book's 100 epochs; set the environment variable "
                          "`D2LRNN_MAX_EPOCHS` to shorten it."),
        new_code_cell(f"%matplotlib inline\nfrom d2lrnn import {fw} as d2l\nimport inspect\n"
                      + IMPORTS[fw] + "\nd2l.seed(0)  # same weights and batches on every "
                                      "framework"),
        new_markdown_cell("## RNN model\n\nThe hidden state is updated one time step at a "
                          "time: $H_t = \\tanh(X_t W_{xh} + H_{t-1} W_{hh} + b_h)$."),
        new_code_cell("print(inspect.getsource(d2l.RNNScratch))"),
        new_code_cell("batch_size, num_inputs, num_hiddens, num_steps = 2, 16, 32, 100\n"
                      "rnn = d2l.RNNScratch(num_inputs, num_hiddens)\n"
                      "X = d2l.ones((num_steps, batch_size, num_inputs))\n"
                      + RNN_SHAPES.get(fw, "outputs, state = rnn(X)") + "\n"
                      "d2l.check_len(outputs, num_steps)\n"
                      "d2l.check_shape(outputs[0], (batch_size, num_hiddens))\n"
                      "d2l.check_shape(state, (batch_size, num_hiddens))"),
        new_markdown_cell("## One-hot encoding"),
        new_code_cell(ONE_HOT[fw]),
        new_markdown_cell("## The language model and its output layer"),
        new_code_cell("print(inspect.getsource(d2l.RNNLMScratch.one_hot))\n"
                      "print(inspect.getsource(d2l.RNNLMScratch.output_layer))"),
        new_code_cell(LM_SHAPES.get(fw, "model = d2l.RNNLMScratch(rnn, num_inputs)\n"
                                        "outputs = model(d2l.ones((batch_size, num_steps), "
                                        "dtype=d2l.int64))") +
                      "\nd2l.check_shape(outputs, (batch_size, num_steps, num_inputs))"),
        new_markdown_cell("## Gradient clipping\n\n"
                          "$\\mathbf{g} \\leftarrow \\min\\left(1, \\frac{\\theta}"
                          "{\\|\\mathbf{g}\\|}\\right) \\mathbf{g}$, called by the Trainer "
                          "after every backward pass when `gradient_clip_val > 0`."),
        new_code_cell("print(inspect.getsource(d2l.Trainer.clip_gradients))"),
        new_markdown_cell("## Training (the perplexity plot updates live)"),
        new_code_cell("data = d2l.TimeMachine(batch_size=1024, num_steps=32)\n" + train +
                      "trainer.fit(model, data)"),
        new_markdown_cell("## Decoding"),
        new_code_cell(PREDICT.get(fw, "model.predict('it has', 20, data.vocab, "
                                      "d2l.try_gpu())")),
    ]
    return new_notebook(cells=cells, metadata={"kernelspec": {
        "name": "python3", "display_name": "Python 3", "language": "python"}})


def comparison_notebook() -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell("# Four frameworks, one model\n\nThe book's run on every framework "
                          "from the same seed (same initial weights, same batches), the "
                          "perplexity curves overlaid, and the parity table."),
        new_code_cell("%matplotlib inline\nimport os\nfrom IPython.display import Image, "
                      "display\nfrom d2lrnn import BACKENDS\nfrom d2lrnn.session import "
                      "train\nepochs = int(os.environ.get('D2LRNN_MAX_EPOCHS', 100))\n"
                      "runs = {b: train(b, epochs=epochs, seed=0) for b in BACKENDS}"),
        new_code_cell("from d2lrnn.cli import _overlay\n"
                      "png = _overlay({b: r.model.board.history() for b, r in runs.items()},"
                      " 'compare.png')\ndisplay(Image(filename=png))"),
        new_code_cell("for b, r in runs.items():\n    m = r.metrics[-1]\n"
                      "    print(f\"{b:>10}: train ppl {m['train_ppl']:.3f}, val ppl "
                      "{m['val_ppl']:.3f}, {r.seconds / len(r.metrics):.3f} s/epoch, "
                      "{r.predict('it has', 20)!r}\")"),
        new_markdown_cell("## Parity with the NumPy reference"),
        new_code_cell("from d2lrnn.parity import report\nreport(list(BACKENDS), epochs=0)"),
    ]
    return new_notebook(cells=cells, metadata={"kernelspec": {
        "name": "python3", "display_name": "Python 3", "language": "python"}})


def main() -> None:
    for fw in IMPORTS:
        nbformat.write(framework_notebook(fw), HERE / f"rnn_scratch_{fw}.ipynb")
    nbformat.write(comparison_notebook(), HERE / "compare_frameworks.ipynb")


if __name__ == "__main__":
    main()

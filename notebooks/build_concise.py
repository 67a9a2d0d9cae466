"""Writes the notebooks of the section "Concise Implementation of RNNs", one per framework,
without outputs (the scratch section's notebooks come from build.py).

    python notebooks/build_concise.py
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).parent

LAYER = {"torch": "torch.nn.RNN", "mxnet": "mxnet.gluon.rnn.RNN (tanh)",
         "tensorflow": "Keras 3 SimpleRNN (d2l.SimpleRNN keeps the book's time_major=True)",
         "jax": "Flax nn.RNN over nn.SimpleCell (the book's JAX tab only defines the classes)"}
RNN = {"torch": "rnn = d2l.RNN(num_inputs=len(data.vocab), num_hiddens=32)"}
TRAIN = {"tensorflow": "with d2l.try_gpu():\n"
                       "    trainer = d2l.Trainer(max_epochs=100, gradient_clip_val=1)\n",
         }
UNTRAINED = {"jax": None}  # Flax models get their weights from the Trainer's set-up
PREDICT = {"jax": "model.predict('it has', 20, data.vocab, trainer.state.params)",
           "tensorflow": "model.predict('it has', 20, data.vocab)"}


def concise_notebook(fw: str) -> nbformat.NotebookNode:
    untrained = UNTRAINED.get(fw, "model.predict('it has', 20, data.vocab)")
    cells = [
        new_markdown_cell(f"# Concise Implementation of RNNs ({fw})\n\n"
                          "The section of *Dive into Deep Learning* on `d2lrnn`, with the "
                          f"framework's own RNN layer: {LAYER[fw]}. Training runs the book's "
                          "100 epochs; set the environment variable `D2LRNN_MAX_EPOCHS` to "
                          "shorten it."),
        new_code_cell(f"%matplotlib inline\nfrom d2lrnn import {fw} as d2l\nimport inspect\n"
                      "d2l.seed(0)"),
        new_markdown_cell("## Defining the model\n\n`d2l.RNN` wraps the framework's RNN layer; "
                          "`d2l.RNNLM` adds a dense output layer to the from-scratch LM."),
        new_code_cell("print(inspect.getsource(d2l.RNN))\nprint(inspect.getsource(d2l.RNNLM))"),
        new_markdown_cell("## Training and predicting"),
        new_code_cell("data = d2l.TimeMachine(batch_size=1024, num_steps=32)\n"
                      + RNN.get(fw, "rnn = d2l.RNN(num_hiddens=32)") + "\n"
                      "model = d2l.RNNLM(rnn, vocab_size=len(data.vocab), lr=1)"
                      + (f"\n{untrained}" if untrained else "")),
        new_code_cell(TRAIN.get(fw, "trainer = d2l.Trainer(max_epochs=100, gradient_clip_val=1, "
                                    "num_gpus=1)\n") + "trainer.fit(model, data)"),
        new_markdown_cell("The framework layer's weights under the book's names (through the "
                          "backend's `LAYER_MAP`):"),
        new_code_cell("{k: v.shape for k, v in trainer.get_params().items()}"),
        new_code_cell(PREDICT.get(fw, "model.predict('it has', 20, data.vocab, d2l.try_gpu())")),
    ]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


def main() -> None:
    for fw in ("torch", "mxnet", "tensorflow", "jax"):
        nbformat.write(concise_notebook(fw), HERE / f"rnn_concise_{fw}.ipynb")


if __name__ == "__main__":
    main()

"""Backend-neutral driving of the book's machine translation (section "Sequence-to-Sequence
Learning for Machine Translation"): train ``d2l.Seq2Seq`` on the bundled English-French data
with the book's settings, translate sentences greedily, score them with the book's BLEU. The
command line's ``d2lrnn translate`` uses this; it imports a framework only through
``load_backend``, and reads sentences the way ``MTFraEng.build`` does (framework-free)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from d2lrnn import check_backend, load_backend
from d2lrnn.core import nmt
from d2lrnn.core.models.seq2seq import BOOK_RUN, BOOK_SENTENCES, SEQ2SEQ_GRU
from d2lrnn.core.seq2seq import bleu
from d2lrnn.core.text import Vocab
from d2lrnn.session import Run, fit

__all__ = ["BOOK_RUN", "BOOK_SENTENCES", "book_bleu", "read_sentence", "sentence_batch",
           "train", "translate", "unknown_words"]


def train(backend: str, epochs: int = BOOK_RUN["epochs"], seed: int | None = 0,
          on_epoch: Callable[[Any], None] | None = None,
          on_start: Callable[[Any], None] | None = None) -> Run:
    """The book's run on ``backend`` from ``seed``: ``MTFraEng(batch_size=128)``, two-layer GRU
    encoder and decoder (256 embedding and hidden units, dropout 0.2), Adam with lr 0.005,
    gradient clipping 1, ``epochs`` epochs (the book's 30). ``on_start(trainer)`` is called
    before the first epoch, ``on_epoch(trainer)`` after each (as ``session.train``)."""
    d2l = load_backend(check_backend(backend))
    d2l.seed(seed)
    data = d2l.MTFraEng(batch_size=BOOK_RUN["batch_size"], num_steps=BOOK_RUN["num_steps"])
    vocabs = {"src": data.src_vocab, "tgt": data.tgt_vocab}
    hparams = {"backend": backend, "epochs": epochs, "seed": seed,
               **{k: v for k, v in BOOK_RUN.items() if k != "epochs"},
               "tgt_pad": data.tgt_vocab["<pad>"]}
    model = SEQ2SEQ_GRU.build(d2l, {r: len(v) for r, v in vocabs.items()}, hparams)
    trainer = d2l.Trainer(max_epochs=epochs, gradient_clip_val=BOOK_RUN["clip"], num_gpus=1)
    run = Run(backend, d2l, model, trainer, None, hparams, data, family=SEQ2SEQ_GRU.name,
              vocabs=vocabs)
    return fit(run, on_epoch, on_start)


def read_sentence(sentence: str) -> str:
    """``sentence`` as the data set reads its text (``MTFraEng._preprocess``): lower case, a
    space before ``, . ! ?``; its tokens are the words between spaces."""
    return " ".join(nmt.preprocess(sentence).split())


def unknown_words(sentence: str, src_vocab: Vocab) -> list[str]:
    """The words of ``sentence`` (as read) that the source vocabulary lacks: read as <unk>."""
    return [t for t in read_sentence(sentence).split(" ") if src_vocab[t] == src_vocab["<unk>"]
            and t != "<unk>"]


def sentence_batch(sentences: Sequence[str], src_vocab: Vocab, tgt_vocab: Vocab,
                   num_steps: int) -> tuple[np.ndarray, ...]:
    """(source, decoder input, source valid lengths, label) of English ``sentences`` as NumPy
    arrays, as ``data.build(sentences, references)`` makes them (source: the words then <eos>,
    padded or trimmed to ``num_steps``); decoding reads only the decoder input's first column,
    <bos>, so the target side is empty."""
    src = [[*read_sentence(s).split(" "), "<eos>"] for s in sentences]
    src_array, _, src_valid_len = nmt.build_array(src, src_vocab, num_steps)
    tgt_array, _, _ = nmt.build_array([["<eos>"]] * len(src), tgt_vocab, num_steps,
                                      is_tgt=True)
    return src_array, tgt_array[:, :-1], src_valid_len, tgt_array[:, 1:]


def translate(run: Run, sentences: Sequence[str]) -> list[list[str]]:
    """Greedy translations (the book's ``predict_step`` for ``num_steps`` tokens) of English
    ``sentences`` with the trained or loaded ``run``: each the French tokens before the first
    <eos>."""
    src_vocab, tgt_vocab = run.vocabs["src"], run.vocabs["tgt"]
    num_steps = int(run.hparams["num_steps"])
    converter = run.d2l.DataModule()
    batch = [converter.to_tensor(np.ascontiguousarray(a))
             for a in sentence_batch(sentences, src_vocab, tgt_vocab, num_steps)]
    run.trainer.set_mode(train=False)  # no dropout (torch: a loaded model is in train mode)
    predict = run.model.predict_step
    if "params" in inspect.signature(predict).parameters:  # Flax: the book's JAX tab
        preds, _ = predict(run.trainer.state.params, batch, num_steps)
    else:
        device = run.trainer.gpus[0] if run.trainer.gpus else run.d2l.cpu()
        preds, _ = predict(batch, device, num_steps)
    out = []
    for row in np.asarray(run.d2l.numpy(preds)).tolist():
        tokens = tgt_vocab.to_tokens(row)
        out.append(tokens[:tokens.index("<eos>")] if "<eos>" in tokens else tokens)
    return out


def book_bleu(sentence: str, translation: Sequence[str]) -> float | None:
    """The BLEU (k=2) the book prints for one of its four sentences, against its reference;
    None for any other sentence."""
    references = dict(BOOK_SENTENCES)
    read = read_sentence(sentence)
    if read not in references:
        return None
    return bleu(" ".join(translation), references[read], k=2)

"""The book's RNN encoder--decoder (section "Sequence-to-Sequence Learning for Machine
Translation") as a model family, ``seq2seq-gru``: ``d2l.Seq2Seq`` over ``d2l.Seq2SeqEncoder`` and
the section's ``Seq2SeqDecoder`` (each backend's ``seq2seq.Seq2SeqDecoder``), two GRU layers each,
on the frameworks' own layers (``d2l.GRU``: the reset-after GRU), with the NumPy oracle
``reference.seq2seq.Seq2Seq('gru-reset-after', num_layers=2)``.

Parameters, as the oracle names them (E embed_size, H num_hiddens)::

    encoder.W_emb (V_src, E)   encoder.l0.W_xz (E, H) ...      encoder.l1.W_xz (H, H) ...
    decoder.W_emb (V_tgt, E)   decoder.l0.W_xz (E + H, H) ...  decoder.l1.W_xz (H, H) ...
    decoder.W_hq (H, V_tgt)    decoder.b_q (V_tgt,)

Its data kind is ``SEQ2SEQ``: vocabularies ``src`` and ``tgt`` (a checkpoint stores them as
``vocab_src`` and ``vocab_tgt``); the hyperparameters name ``embed_size``, ``num_hiddens``,
``dropout``, ``lr`` and ``tgt_pad`` (the target vocabulary's ``<pad>``).

Each backend's ``layer_map.py`` declares its map for the family (``SEQ2SEQ``), composed by
``core.layer_map.seq2seq_map`` from its slots of one GRU layer.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Mapping
from typing import Any

from d2lrnn.core.models.cells import GRU_RESET_AFTER
from d2lrnn.core.models.family import SEQ2SEQ, Block, Family, register
from d2lrnn.core.models.spec import Param, Table, table
from d2lrnn.core.reference.seq2seq import Seq2Seq as OracleSeq2Seq

#: d2l.GRU layers in the encoder and in the decoder (the book's run)
NUM_LAYERS = 2

#: The section's run (PyTorch tab): ``MTFraEng(batch_size=128)`` (num_steps 9), ``embed_size,
#: num_hiddens, num_layers, dropout = 256, 256, 2, 0.2``, ``Seq2Seq(..., lr=0.005)`` (Adam),
#: ``Trainer(max_epochs=30, gradient_clip_val=1)``.
BOOK_RUN: dict[str, Any] = {"batch_size": 128, "num_steps": 9, "embed_size": 256,
                            "num_hiddens": 256, "num_layers": NUM_LAYERS, "dropout": 0.2,
                            "lr": 0.005, "clip": 1.0, "epochs": 30}

#: the sentences the section translates, and the references its BLEU is computed against
BOOK_SENTENCES: tuple[tuple[str, str], ...] = (
    ("go .", "va !"), ("i lost .", "j'ai perdu ."), ("he's calm .", "il est calme ."),
    ("i'm home .", "je suis chez moi ."))


def _gru_reading(inputs: str) -> Table:
    """The reset-after GRU's table with its input weights W_x* reading ``inputs``."""
    return Table(tuple(Param(p.name, (inputs, *p.dims[1:]), p.init)
                       if p.dims[:1] == ("num_inputs",) else p for p in GRU_RESET_AFTER.params))


def _blocks(num_layers: int) -> tuple[Block, ...]:
    blocks = []
    for part, first in (("encoder", "embed_size"), ("decoder", "decoder_inputs")):
        vocab = "src_vocab_size" if part == "encoder" else "tgt_vocab_size"
        blocks.append(Block(table(("W_emb", (vocab, "embed_size"))), f"{part}."))
        blocks += [Block(_gru_reading(first if l == 0 else "num_hiddens"), f"{part}.l{l}.")
                   for l in range(num_layers)]
    head = table(("W_hq", ("num_hiddens", "tgt_vocab_size")),
                 ("b_q", ("tgt_vocab_size",), "zeros"))
    return (*blocks, Block(head, "decoder."))


def seq2seq_sizes(vocab: Mapping[str, int], hparams: Mapping[str, Any]) -> dict[str, int]:
    """The dimensions: vocabularies, E, H, and the decoder's first-layer inputs E + H (each
    embedded token beside the context)."""
    E, H = int(hparams["embed_size"]), int(hparams["num_hiddens"])
    return {"src_vocab_size": vocab["src"], "tgt_vocab_size": vocab["tgt"], "embed_size": E,
            "num_hiddens": H, "decoder_inputs": E + H}


def decoder_class(d2l: Any) -> type:
    """The backend's ``Seq2SeqDecoder`` (the section's cell, which the book does not save to
    ``d2l``): ``seq2seq.Seq2SeqDecoder`` in the backend's package."""
    return importlib.import_module(f"{d2l.__name__}.seq2seq").Seq2SeqDecoder


def _build(d2l: Any, vocab: Mapping[str, int], hparams: Mapping[str, Any]) -> Any:
    E, H = int(hparams["embed_size"]), int(hparams["num_hiddens"])
    dropout = float(hparams.get("dropout", 0))
    encoder = d2l.Seq2SeqEncoder(vocab["src"], E, H, NUM_LAYERS, dropout)
    decoder = decoder_class(d2l)(vocab["tgt"], E, H, NUM_LAYERS, dropout)
    kwargs: dict[str, Any] = {}
    if "training" in inspect.signature(d2l.Seq2Seq).parameters:  # Flax: the book's JAX tab
        kwargs["training"] = True
    return d2l.Seq2Seq(encoder, decoder, tgt_pad=int(hparams["tgt_pad"]),
                       lr=float(hparams.get("lr", BOOK_RUN["lr"])), **kwargs)


#: d2l.Seq2Seq(d2l.Seq2SeqEncoder, Seq2SeqDecoder), two GRU layers each (the book's run)
SEQ2SEQ_GRU = register(Family(
    name="seq2seq-gru", blocks=_blocks(NUM_LAYERS), builder=_build,
    reference=OracleSeq2Seq("gru-reset-after", num_layers=NUM_LAYERS), sizes=seq2seq_sizes,
    state=GRU_RESET_AFTER.state, data=SEQ2SEQ,
    description="the book's Seq2Seq: Seq2SeqEncoder and Seq2SeqDecoder, two layers of the "
                "framework's GRU each (reset after), English -> French",
))

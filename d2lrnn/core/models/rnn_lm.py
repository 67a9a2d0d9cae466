"""The RNN chapter's language models as families: the scratch LM (``RNNScratch`` inside
``RNNLMScratch``) and the concise one (``d2l.RNNLM`` over ``d2l.RNN``, the framework's layer),
with the same canonical parameters W_xh, W_hh, b_h, W_hq, b_q."""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

from d2lrnn.core import reference
from d2lrnn.core.models.cells import LM_HEAD, RNN
from d2lrnn.core.models.family import LM, Block, Family, register


def lm_sizes(vocab: Mapping[str, int], hparams: Mapping[str, Any]) -> dict[str, int]:
    """A language model over one vocabulary: one-hot inputs, one output per token."""
    V = vocab["vocab"]
    return {"num_inputs": V, "vocab_size": V, "num_hiddens": int(hparams["num_hiddens"])}


def _build_scratch(d2l: Any, vocab: Mapping[str, int], hparams: Mapping[str, Any]) -> Any:
    V = vocab["vocab"]
    rnn = d2l.RNNScratch(num_inputs=V, num_hiddens=int(hparams["num_hiddens"]))
    return d2l.RNNLMScratch(rnn, vocab_size=V, lr=float(hparams.get("lr", 1.0)))


def concise_lm(d2l: Any, layer: Any, vocab: Mapping[str, int], hparams: Mapping[str, Any],
               **layer_kwargs: Any) -> Any:
    """``d2l.RNNLM`` over the concise ``layer`` (``d2l.RNN``, ``d2l.GRU``): torch's layers take
    num_inputs, the other frameworks' learn it from the first batch."""
    V = vocab["vocab"]
    kwargs: dict[str, Any] = {"num_hiddens": int(hparams["num_hiddens"]), **layer_kwargs}
    if "num_inputs" in inspect.signature(layer).parameters:
        kwargs["num_inputs"] = V
    return d2l.RNNLM(layer(**kwargs), vocab_size=V, lr=float(hparams.get("lr", 1.0)))


def _build_concise(d2l: Any, vocab: Mapping[str, int], hparams: Mapping[str, Any]) -> Any:
    return concise_lm(d2l, d2l.RNN, vocab, hparams)


_BLOCKS = (Block(RNN.params), Block(LM_HEAD))

#: The section "RNN Implementation from Scratch": RNNScratch inside RNNLMScratch.
RNN_LM_SCRATCH = register(Family(
    name="rnn-lm-scratch", blocks=_BLOCKS, builder=_build_scratch, reference=reference,
    sizes=lm_sizes, state=RNN.state, data=LM,
    description="the book's RNNScratch + RNNLMScratch (W_xh, W_hh, b_h, W_hq, b_q)",
))

#: The section "Concise Implementation of RNNs": d2l.RNNLM over d2l.RNN, the framework's own RNN
#: layer; the same canonical parameters, mapped by each backend's layer map for this family.
RNN_LM_CONCISE = register(Family(
    name="rnn-lm-concise", blocks=_BLOCKS, builder=_build_concise, reference=reference,
    sizes=lm_sizes, state=RNN.state, data=LM,
    description="the book's RNN + RNNLM on the framework's RNN layer (torch.nn.RNN, "
                "gluon.rnn.RNN, Keras SimpleRNN, Flax nn.RNN)",
))

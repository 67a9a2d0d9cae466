"""The book's RNN encoder-decoder (section "Sequence-to-Sequence Learning for Machine
Translation", Seq2SeqEncoder / Seq2SeqDecoder / Seq2Seq), composed from the parts:

    encoder: src (B, T_s) -> embedding (T_s, B, E) -> stacked GRU -> outputs (T_s, B, H), states
    decoder: tgt_in (B, T) -> embedding (T, B, E), concatenated on the feature axis with the
             context = the encoder's top-layer output at its last step (B, H), repeated over T
             -> stacked GRU (E + H inputs) from the encoder's final states -> dense head
             -> logits (B, T, V_tgt)
    loss:    the per-token cross-entropy averaged where the label is not <pad> (Seq2Seq.loss)

Parameters (L layers; the stack names of recurrent.py under ``encoder.`` and ``decoder.``):

    encoder.W_emb (V_src, E)   encoder.W_xz ... (or encoder.l0.W_xz ... when L > 1)
    decoder.W_emb (V_tgt, E)   decoder.W_xz ... (its W_x* take E + H inputs)
    decoder.W_hq (H, V_tgt)    decoder.b_q (V_tgt,)

The cell defaults to ``gru-reset-after``: the frameworks' GRU layers (d2l.GRU) that the book's
encoder-decoder uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from d2lrnn.core.reference import decoding, layers, losses, recurrent
from d2lrnn.core.reference.cells import Params

ENC, DEC = "encoder.", "decoder."


@dataclass(frozen=True)
class Seq2Seq:
    cell: str = "gru-reset-after"
    num_layers: int = 1

    def shapes(self, src_vocab_size: int, tgt_vocab_size: int, embed_size: int,
               num_hiddens: int) -> dict[str, tuple[int, ...]]:
        E, H, L = embed_size, num_hiddens, self.num_layers
        return {f"{ENC}W_emb": (src_vocab_size, E),
                **recurrent.stack_shapes(self.cell, E, H, L, prefix=ENC),
                f"{DEC}W_emb": (tgt_vocab_size, E),
                **recurrent.stack_shapes(self.cell, E + H, H, L, prefix=DEC),
                f"{DEC}W_hq": (H, tgt_vocab_size), f"{DEC}b_q": (tgt_vocab_size,)}

    def encode(self, params: Params, src: np.ndarray) -> tuple[np.ndarray, list[Any], Any]:
        """src (B, T_s) -> (outputs (T_s, B, H), [final state of each layer], cache)."""
        embs = layers.embedding(params[f"{ENC}W_emb"], src)                  # (T_s, B, E)
        outputs, states, rnn_cache = recurrent.stack(self.cell, params, embs, self.num_layers,
                                                     prefix=ENC)
        return outputs, states, (src, rnn_cache)

    def decode(self, params: Params, tgt_in: np.ndarray, context: np.ndarray,
               states: list[Any]) -> tuple[np.ndarray, list[Any], Any]:
        """tgt_in (B, T), context (B, H), states -> (logits (B, T, V_tgt), states, cache)."""
        embs = layers.embedding(params[f"{DEC}W_emb"], tgt_in)               # (T, B, E)
        ctx = np.broadcast_to(context, (embs.shape[0], *context.shape))      # (T, B, H)
        inputs = np.concatenate([embs, ctx], axis=-1)                         # (T, B, E + H)
        hiddens, states, rnn_cache = recurrent.stack(self.cell, params, inputs, self.num_layers,
                                                     state=states, prefix=DEC)
        W_hq, b_q = params[f"{DEC}W_hq"], params[f"{DEC}b_q"]
        logits = layers.dense(W_hq, b_q, hiddens).swapaxes(0, 1)             # (B, T, V)
        return logits, states, (tgt_in, embs.shape[-1], rnn_cache, hiddens)

    def forward(self, params: Params, src: np.ndarray, tgt_in: np.ndarray
                ) -> tuple[np.ndarray, Any]:
        """Teacher forcing: (src (B, T_s), tgt_in (B, T)) -> (logits (B, T, V_tgt), cache)."""
        enc_outputs, enc_states, enc_cache = self.encode(params, src)
        logits, _, dec_cache = self.decode(params, tgt_in, enc_outputs[-1], enc_states)
        return logits, (enc_outputs.shape, enc_cache, dec_cache)

    def backward(self, params: Params, cache: Any, d_logits: np.ndarray) -> Params:
        """d_logits (B, T, V_tgt) -> the gradients of every parameter."""
        enc_shape, (src, enc_rnn), (tgt_in, E, dec_rnn, hiddens) = cache
        d_hiddens, d_W_hq, d_b_q = layers.dense_backward(params[f"{DEC}W_hq"], hiddens,
                                                         d_logits.swapaxes(0, 1))
        d_inputs, d_states0, dec_grads = recurrent.stack_backward(dec_rnn, d_hiddens)
        d_enc_outputs = np.zeros(enc_shape)                                  # (T_s, B, H)
        d_enc_outputs[-1] = d_inputs[..., E:].sum(axis=0)                    # the context's
        d_embs, _, enc_grads = recurrent.stack_backward(enc_rnn, d_enc_outputs, d_states0)
        grads = {f"{ENC}W_emb": layers.embedding_backward(params[f"{ENC}W_emb"], src, d_embs),
                 **enc_grads,
                 f"{DEC}W_emb": layers.embedding_backward(params[f"{DEC}W_emb"], tgt_in,
                                                          d_inputs[..., :E]),
                 **dec_grads, f"{DEC}W_hq": d_W_hq, f"{DEC}b_q": d_b_q}
        return grads

    def loss_and_grads(self, params: Params, src: np.ndarray, tgt_in: np.ndarray,
                       Y: np.ndarray, pad: int) -> tuple[float, Params]:
        """The book's Seq2Seq.loss (labels Y (B, T), padding ``pad`` masked) and its gradients."""
        logits, cache = self.forward(params, src, tgt_in)
        value, d_logits = losses.masked_cross_entropy(logits, Y, pad)
        return value, self.backward(params, cache, d_logits)

    def loss(self, params: Params, src: np.ndarray, tgt_in: np.ndarray, Y: np.ndarray,
             pad: int) -> float:
        return losses.masked_cross_entropy(self.forward(params, src, tgt_in)[0], Y, pad)[0]

    def predict(self, params: Params, src: np.ndarray, bos: int, eos: int, num_steps: int
                ) -> list[list[int]]:
        """Greedy translation of each source sentence in src (B, T_s): token ids, each ending
        before its first <eos> or after num_steps tokens."""
        enc_outputs, states, _ = self.encode(params, src)
        context = enc_outputs[-1]

        def step(tokens: np.ndarray, states: list[Any]) -> tuple[np.ndarray, list[Any]]:
            logits, states, _ = self.decode(params, tokens[:, None], context, states)
            return logits[:, 0], states

        return decoding.greedy_seq2seq(step, states, bos, eos, num_steps, len(src))

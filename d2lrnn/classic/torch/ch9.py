"""Chapter 9's encoder-decoder and sequence-to-sequence sections on PyTorch: what is PyTorch's
own (the layers, ``sequence_mask``, ``MaskedSoftmaxCELoss``, the training and decoding steps).
The loops of ``train_seq2seq`` and ``predict_seq2seq`` and ``bleu`` are shared
(``d2lrnn.classic.seq2seq``)."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from d2lrnn.classic import seq2seq as _s2s
from d2lrnn.classic.seq2seq import bleu  # noqa: F401  (the book's, written once)
from d2lrnn.classic.torch.ch8 import _hooks as _ch8_hooks
from d2lrnn.classic.torch.ch8 import grad_clipping
from d2lrnn.core import encdec as _encdec
from d2lrnn.torch import tensors as _tensors
from d2lrnn.torch.threads import fitting_threads


class Encoder(_encdec.EncoderBase, nn.Module):
    """The base encoder interface for the encoder-decoder architecture."""


class Decoder(_encdec.DecoderBase, nn.Module):
    """The base decoder interface for the encoder-decoder architecture."""


class EncoderDecoder(_s2s.EncoderDecoderBase, nn.Module):
    """The base class for the encoder-decoder architecture."""


class Seq2SeqEncoder(Encoder):
    """The RNN encoder for sequence to sequence learning."""

    def __init__(self, vocab_size: int, embed_size: int, num_hiddens: int, num_layers: int,
                 dropout: float = 0, **kwargs: Any) -> None:
        _encdec.check_encoder_args(vocab_size, embed_size)
        super().__init__(**kwargs)
        # Embedding layer
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.GRU(embed_size, num_hiddens, num_layers, dropout=dropout)

    def forward(self, X: torch.Tensor, *args: Any) -> tuple[torch.Tensor, torch.Tensor]:
        # The output `X` shape: (`batch_size`, `num_steps`, `embed_size`)
        X = self.embedding(X)
        # In RNN models, the first axis corresponds to time steps
        X = X.permute(1, 0, 2)
        # When state is not mentioned, it defaults to zeros
        output, state = self.rnn(X)
        # `output` shape: (`num_steps`, `batch_size`, `num_hiddens`)
        # `state` shape: (`num_layers`, `batch_size`, `num_hiddens`)
        return output, state


def sequence_mask(X: torch.Tensor, valid_len: torch.Tensor, value: float = 0) -> torch.Tensor:
    """Mask irrelevant entries in sequences: the entries of X (batch_size, num_steps, ...) at
    steps >= valid_len become ``value`` (in place, as the book's; X is returned)."""
    maxlen = X.size(1)
    mask = torch.arange((maxlen), dtype=torch.float32,
                        device=X.device)[None, :] < valid_len[:, None]
    X[~mask] = value
    return X


class MaskedSoftmaxCELoss(nn.CrossEntropyLoss):
    """The softmax cross-entropy loss with masks: one loss per sequence, the mean over its
    steps of the per-token losses, those past its valid length counted as 0."""

    # `pred` shape: (`batch_size`, `num_steps`, `vocab_size`)
    # `label` shape: (`batch_size`, `num_steps`)
    # `valid_len` shape: (`batch_size`,)
    def forward(self, pred: torch.Tensor, label: torch.Tensor, valid_len: torch.Tensor
                ) -> torch.Tensor:
        weights = torch.ones_like(label)
        weights = sequence_mask(weights, valid_len)
        self.reduction = "none"
        unweighted_loss = super().forward(pred.permute(0, 2, 1), label)
        weighted_loss = (unweighted_loss * weights).mean(dim=1)
        return weighted_loss


def xavier_init_weights(m: nn.Module) -> None:
    """The book's initialization: Xavier-uniform weights of the dense and GRU layers."""
    if type(m) == nn.Linear:  # noqa: E721  (the book's test)
        nn.init.xavier_uniform_(m.weight)
    if type(m) == nn.GRU:  # noqa: E721
        for param in m._flat_weights_names:
            if "weight" in param:
                nn.init.xavier_uniform_(m._parameters[param])


class _Hooks(_s2s.Seq2SeqHooks):
    loss = MaskedSoftmaxCELoss()

    def check_device(self, device: Any) -> Any:
        return _ch8_hooks.check_device(device)

    def check_net(self, net: Any) -> None:
        if not isinstance(net, nn.Module):
            raise TypeError(f"net must be a torch model (an nn.Module such as "
                            f"d2l.EncoderDecoder(encoder, decoder)); got {type(net).__name__}")

    def vocab_sizes(self, net: Any) -> tuple[int | None, int | None]:
        return tuple(getattr(getattr(part, "embedding", None), "num_embeddings", None)
                     for part in (net.encoder, net.decoder))

    def running(self) -> Any:
        return fitting_threads()  # D2LRNN_TORCH_THREADS, as a Trainer fits (else torch's own)

    def prepare(self, net, lr, device, batch):
        net.apply(xavier_init_weights)
        net.to(device)
        net.train()
        return torch.optim.Adam(net.parameters(), lr=lr)

    def step(self, net, optimizer, batch, bos, device):
        optimizer.zero_grad()
        X, X_valid_len, Y, Y_valid_len = [x.to(device) for x in batch]
        dec_input = _s2s.teacher_forcing(_tensors, Y, bos)  # Teacher forcing
        Y_hat, _ = net(X, dec_input, X_valid_len)
        l = self.loss(Y_hat, Y, Y_valid_len)
        l.sum().backward()  # Make the loss scalar for `backward`
        grad_clipping(net, 1)
        optimizer.step()
        return l.detach().sum(), Y_valid_len.sum()

    def begin_decoding(self, net, src_tokens, enc_valid_len, device):
        net.eval()  # Set `net` to eval mode for inference
        enc_valid_len = torch.tensor([enc_valid_len], device=device)
        # Add the batch axis
        enc_X = torch.tensor([src_tokens], dtype=torch.long, device=device)
        with torch.no_grad():
            enc_outputs = net.encoder(enc_X, enc_valid_len)
            return net.decoder.init_state(enc_outputs, enc_valid_len)

    def decode_step(self, net, token, state, device):
        dec_X = torch.tensor([[token]], dtype=torch.long, device=device)
        with torch.no_grad():
            Y, state = net.decoder(dec_X, state)
        return int(Y.argmax(dim=2).reshape(-1)[0]), state


_seq2seq_hooks = _Hooks()
train_seq2seq, predict_seq2seq = _s2s.book_functions(_seq2seq_hooks)

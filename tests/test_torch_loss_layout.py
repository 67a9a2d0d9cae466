"""The torch Classifier's loss on logits stored time-major (the concise RNNLM swaps its Linear's
output, (batch, steps, vocab) viewed over (steps, batch, vocab) memory): the same mean and
gradients as on contiguous logits, without copying them (d2lrnn/torch/module.py)."""

from __future__ import annotations

import torch

from d2lrnn import torch as d2l


def logits_and_labels(seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    stored = torch.randn(5, 3, 7, generator=g, requires_grad=True)  # (steps, batch, vocab)
    Y = torch.randint(0, 7, (3, 5), generator=g)                      # (batch, steps)
    return stored, Y


def test_time_major_logits_same_loss_and_gradient():
    model = d2l.Classifier()
    stored, Y = logits_and_labels()
    view = stored.swapaxes(0, 1)  # (batch, steps, vocab), not contiguous
    assert not view.is_contiguous()
    got = model.loss(view, Y)
    (g_got,) = torch.autograd.grad(got, stored)
    dense = stored.detach().swapaxes(0, 1).contiguous().requires_grad_(True)
    want = model.loss(dense, Y)
    (g_want,) = torch.autograd.grad(want, dense)
    torch.testing.assert_close(got, want)
    torch.testing.assert_close(g_got, g_want.swapaxes(0, 1))
    # the gradient reaches the stored logits in their own layout (no transposing copy)
    assert g_got.is_contiguous()


def test_unaveraged_losses_keep_the_batch_major_order():
    model = d2l.Classifier()
    stored, Y = logits_and_labels(1)
    view = stored.swapaxes(0, 1)
    got = model.loss(view, Y, averaged=False)
    want = torch.nn.functional.cross_entropy(view.reshape(-1, 7), Y.reshape(-1),
                                             reduction="none")
    torch.testing.assert_close(got, want)

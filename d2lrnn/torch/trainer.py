"""The PyTorch Trainer: only the gradient step differs from the shared loop."""

from __future__ import annotations

import contextlib
from typing import Any

import torch

from d2lrnn.core import trainer as core_trainer
from d2lrnn.core.layer_map import grads_to_canonical
from d2lrnn.torch.device import gpu
from d2lrnn.torch.device import num_gpus as available_gpus
from d2lrnn.torch.layer_map import table_for
from d2lrnn.torch.module import get_params, set_params
from d2lrnn.torch.threads import fitting_threads


class Trainer(core_trainer.Trainer):
    """``Trainer(max_epochs, num_gpus=0, gradient_clip_val=0)``; ``fit(model, data)``."""

    params_io = (get_params, set_params)

    def find_gpus(self, num_gpus: int) -> list[torch.device]:
        return [gpu(i) for i in range(min(num_gpus, available_gpus()))]

    def fitting(self) -> contextlib.AbstractContextManager[Any]:
        return fitting_threads()  # one thread on small machines (d2lrnn/torch/threads.py)

    def prepare_batch(self, batch: Any) -> Any:
        if self.gpus:
            batch = [a.to(self.gpus[0]) for a in batch]
        return batch

    def prepare_model(self, model: Any) -> None:
        super().prepare_model(model)
        if self.gpus:
            model.to(self.gpus[0])

    def set_mode(self, train: bool) -> None:
        self.model.train(train)

    def fit_batch(self, batch: Any) -> torch.Tensor:
        loss = self.model.training_step(batch)
        self.optim.zero_grad()
        loss.backward()
        if self.gradient_clip_val > 0:
            with torch.no_grad():
                self.clip_gradients(self.gradient_clip_val, self.model)
        self.optim.step()
        return loss.detach()

    def validate_batch(self, batch: Any) -> None:
        with torch.inference_mode():  # no autograd bookkeeping at all
            self.model.validation_step(batch)

    def clip_gradients(self, grad_clip_val: float, model: torch.nn.Module) -> None:
        """g <- min(1, theta / ||g||) g over all parameters, in place. The min is taken on the
        tensor, so the step never waits on the host (same numbers as the book's ``if``)."""
        params = [p for p in model.parameters() if p.requires_grad and p.grad is not None]
        norm = torch.sqrt(sum(torch.sum(p.grad ** 2) for p in params))
        scale = torch.clamp(grad_clip_val / norm, max=1.0)
        for param in params:
            param.grad.mul_(scale)

    def probe(self, batch: Any) -> dict[str, Any]:
        named = dict(self.model.named_parameters())
        read = lambda: grads_to_canonical(((n, p.grad.detach().cpu().numpy())
                                           for n, p in named.items()), table_for(self.model))
        self.model.zero_grad(set_to_none=True)
        logits = self.model(*batch[:-1])
        loss = self.model.loss(logits, batch[-1])
        loss.backward()
        grads = read()
        if self.gradient_clip_val > 0:
            with torch.no_grad():
                self.clip_gradients(self.gradient_clip_val, self.model)
        clipped = read()
        self.model.zero_grad(set_to_none=True)
        return {"logits": logits.detach().cpu().numpy(), "loss": float(loss.detach()),
                "grads": grads, "clipped": clipped}

"""The MXNet Trainer: ``autograd.record()`` around the step (bias gradients by GEMM, see
``fast.py``), ``backward()``, clip, SGD."""

from __future__ import annotations

from typing import Any

from mxnet import autograd, np  # d2lrnn.mxnet.__init__ ran the compat step first

from d2lrnn.core import trainer as core_trainer
from d2lrnn.core.layer_map import grads_to_canonical
from d2lrnn.mxnet import fast
from d2lrnn.mxnet.device import gpu, num_gpus
from d2lrnn.mxnet.layer_map import table_for
from d2lrnn.mxnet.module import get_params, set_params


class Trainer(core_trainer.Trainer):
    """``Trainer(max_epochs, num_gpus=0, gradient_clip_val=0)``; ``fit(model, data)``."""

    params_io = (get_params, set_params)

    def find_gpus(self, num_gpus_wanted: int) -> list[Any]:
        return [gpu(i) for i in range(min(num_gpus_wanted, num_gpus()))]

    def prepare_batch(self, batch: Any) -> Any:
        if self.gpus:
            batch = [a.as_in_ctx(self.gpus[0]) for a in batch]
        return batch

    def prepare_model(self, model: Any) -> None:
        super().prepare_model(model)
        if self.gpus:  # Gluon parameters and scratch arrays alike (copyto would copy, not move)
            if len(model.collect_params().keys()):
                model.collect_params().reset_ctx(self.gpus[0])
            model.set_scratch_params_device(self.gpus[0])
        else:  # the reader's own scratch arrays (the modern chapter's GRUScratch writes
            # d2l.randn(...) * sigma) get their gradients here, as set_scratch_params_device
            # gives them on a GPU
            for _, array in model.named_scratch_params():
                if array.grad is None:
                    array.attach_grad()

    def prepare_fit(self) -> None:
        super().prepare_fit()
        fast.enabled()  # a bad D2LRNN_MXNET_GEMM_BIAS fails here, before the first step

    def fit_batch(self, batch: Any) -> Any:
        with autograd.record(), fast.gemm_bias_grads():  # same values, faster bias grads (fast.py)
            loss = self.model.training_step(batch)
        loss.backward()
        if self.gradient_clip_val > 0:
            self.clip_gradients(self.gradient_clip_val, self.model)
        self.optim.step(1)
        return loss.detach()

    def validate_batch(self, batch: Any) -> None:
        self.model.validation_step(batch)

    def clip_gradients(self, grad_clip_val: float, model: Any) -> None:
        """g <- min(1, theta / ||g||) g over all parameters, in place (``grad[:] *= ...``).
        The min is taken on the array, so the step does not wait for the engine."""
        params = model.parameters()
        if not isinstance(params, list):
            params = [p.data() for p in params.values()]
        norm = np.sqrt(sum((p.grad ** 2).sum() for p in params))
        scale = np.minimum(grad_clip_val / norm, 1.0)
        for param in params:
            param.grad[:] *= scale

    def probe(self, batch: Any) -> dict[str, Any]:
        named = self.model.named_arrays()
        table = table_for(self.model)
        read = lambda: grads_to_canonical(((n, p.grad.asnumpy()) for n, p in named), table)
        saved = [p.grad.copy() for _, p in named]
        with autograd.record(), fast.gemm_bias_grads():
            logits = self.model(*batch[:-1])
            loss = self.model.loss(logits, batch[-1])
        loss.backward()
        grads = read()
        if self.gradient_clip_val > 0:
            self.clip_gradients(self.gradient_clip_val, self.model)
        clipped = read()
        for (_, p), g in zip(named, saved, strict=True):
            p.grad[:] = g
        return {"logits": logits.asnumpy(), "loss": float(loss), "grads": grads,
                "clipped": clipped}

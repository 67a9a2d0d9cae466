"""The JAX Trainer: one ``jax.jit``-compiled step does value_and_grad, clipping and the Optax
update; the model code inside it stays the book's readable Python loop over time steps."""

from __future__ import annotations

import weakref
from typing import Any

import jax
import numpy as np
from flax.training import train_state
from jax import numpy as jnp

from d2lrnn.core import trainer as core_trainer
from d2lrnn.jax.cache import enable_compilation_cache
from d2lrnn.jax.device import try_all_gpus
from d2lrnn.jax.tensors import get_key


class TrainState(train_state.TrainState):
    """Flax's TrainState (params, optimizer state, step, apply_fn) and, as the book's, a
    ``dropout_rng``: models with dropout pass ``rngs={'dropout': state.dropout_rng}`` to
    ``apply``; the jitted step gives every batch a fresh key."""

    dropout_rng: Any = None


class Trainer(core_trainer.Trainer):
    """``Trainer(max_epochs, num_gpus=0, gradient_clip_val=0)``; after ``fit``,
    ``trainer.state.params`` holds the trained parameters."""

    _key: Any = None  # fit(model, data, key=...) overrides the key for initialisation

    def find_gpus(self, num_gpus: int) -> list[Any]:
        return try_all_gpus()[:num_gpus]

    def prepare_batch(self, batch: Any) -> Any:
        return jax.device_put(tuple(batch), self.gpus[0]) if self.gpus else batch

    def materialize(self, model: Any) -> None:
        """Nothing to do: Flax creates every parameter in ``init_state``, from the first batch."""

    def attach(self, model: Any) -> None:
        object.__setattr__(model, "trainer", self)  # Flax modules are frozen dataclasses

    def fit(self, model: Any, data: Any, key: Any = None) -> None:
        self._key = key
        super().fit(model, data)

    def init_state(self, key: Any = None) -> TrainState:
        """Initialise parameters from a dummy batch and wrap them with the optimizer."""
        loader = self.train_dataloader
        first = loader.first() if hasattr(loader, "first") else next(iter(loader))
        dummy_input = first[:-1]
        key = key if key is not None else get_key()
        variables = self.model.apply_init(dummy_input, key=key)
        # the dropout key is derived from the initialisation key (the initialisation itself
        # is unchanged: same key, same weights)
        return TrainState.create(apply_fn=self.model.apply, params=variables["params"],
                                 tx=self.optim, dropout_rng=jax.random.fold_in(key, 1))

    def prepare_fit(self) -> None:
        enable_compilation_cache()  # compiled steps are reused across runs (cache.py)
        self.state = self.init_state(self._key)
        if self.gpus:  # parameters and optimizer state live on the chosen device
            self.state = jax.device_put(self.state, self.gpus[0])
        # The compiled steps take and return plain arrays (step, params, optimizer state) and
        # reach the trainer and model through weak references: JAX's caches keep what a
        # jitted function's arguments and closure refer to, and a strong reference there
        # would keep every Trainer, model and dataset of a process alive (measured: +38 MB per
        # fit). __del__ then drops this trainer's compiled executables.
        me = weakref.ref(self)

        def rebuild(step: Any, params: Any, opt_state: Any, dropout_rng: Any) -> TrainState:
            trainer = me()
            return TrainState(step=step, apply_fn=trainer.model.apply, params=params,
                              tx=trainer.optim, opt_state=opt_state, dropout_rng=dropout_rng)

        def train_step(step: Any, params: Any, opt_state: Any, dropout_rng: Any,
                       batch: Any) -> Any:
            trainer = me()
            state = rebuild(step, params, opt_state, dropout_rng)
            with trainer.capturing("train") as recorded:  # runs only while tracing
                value, grads = trainer.model.training_step(state.params, batch, state)
                clip = trainer.gradient_clip_val
                if clip > 0:
                    grads = trainer.clip_gradients(clip, grads)
                state = state.apply_gradients(grads=grads)
            loss = value[0] if isinstance(value, tuple) else value
            # the next batch's dropout key (the book's Trainer splits it after every update)
            next_rng = jax.random.split(dropout_rng)[0]
            return (state.step, state.params, state.opt_state, next_rng, loss,
                    trainer.captured_values(recorded))

        def val_step(step: Any, params: Any, opt_state: Any, dropout_rng: Any,
                     batch: Any) -> Any:
            trainer = me()
            state = rebuild(step, params, opt_state, dropout_rng)
            with trainer.capturing("val") as recorded:
                trainer.model.validation_step(state.params, batch, state)
            return trainer.captured_values(recorded)

        # The old parameters' buffers are donated to the new ones: no copy per step.
        self._train_step = jax.jit(train_step, donate_argnums=(1, 2))
        self._val_step = jax.jit(val_step)

    def __del__(self) -> None:
        for name in ("_train_step", "_val_step"):
            fn = self.__dict__.get(name)
            if fn is not None and hasattr(fn, "clear_cache"):
                fn.clear_cache()

    def set_params(self, params: Any) -> None:
        """Replace ``state.params`` (a dict with canonical names, or a params tree)."""
        from d2lrnn.jax.layer_map import table_for
        from d2lrnn.jax.module import set_params
        if isinstance(params, dict) and not any(isinstance(v, dict) for v in params.values()):
            params = set_params(self.state.params, params, table_for(self.model))
        self.state = self.state.replace(params=params)

    def fit_batch(self, batch: Any) -> Any:
        s = self.state
        step, params, opt_state, dropout_rng, loss, values = self._train_step(
            s.step, s.params, s.opt_state, s.dropout_rng, tuple(batch))
        self.state = s.replace(step=step, params=params, opt_state=opt_state,
                               dropout_rng=dropout_rng)
        self.replay("train", values)
        return loss

    def validate_batch(self, batch: Any) -> None:
        s = self.state
        self.replay("val", self._val_step(s.step, s.params, s.opt_state, s.dropout_rng,
                                          tuple(batch)))

    def clip_gradients(self, grad_clip_val: float, grads: Any) -> Any:
        """g <- min(1, theta / ||g||) g over all leaves (traceable: no Python ``if``)."""
        grad_leaves, _ = jax.tree_util.tree_flatten(grads)
        norm = jnp.sqrt(sum(jnp.vdot(x, x) for x in grad_leaves))
        clip = lambda grad: jnp.where(norm < grad_clip_val, grad,
                                      grad * (grad_clip_val / norm))
        return jax.tree_util.tree_map(clip, grads)

    def get_params(self) -> dict[str, Any]:
        from d2lrnn.jax.layer_map import table_for
        from d2lrnn.jax.module import get_params
        return get_params(self.state.params, table_for(self.model))

    def probe(self, batch: Any) -> dict[str, Any]:
        from d2lrnn.core.layer_map import grads_to_canonical
        from d2lrnn.jax.layer_map import table_for
        from d2lrnn.jax.module import named_leaves
        table = table_for(self.model)
        read = lambda tree: grads_to_canonical(
            ((n, np.asarray(v)) for n, v in named_leaves(tree)), table)

        def values(state: Any, batch: Any) -> tuple[Any, Any, Any, Any]:
            logits = state.apply_fn({"params": state.params}, *batch[:-1])
            (loss, _), grads = jax.value_and_grad(self.model.loss_and_aux, has_aux=True)(
                state.params, batch[:-1], batch[-1], state)
            clipped = (self.clip_gradients(self.gradient_clip_val, grads)
                       if self.gradient_clip_val > 0 else grads)
            return logits, loss, grads, clipped

        # compiled: one XLA program, not the model's ops dispatched one by one (a recurrent
        # layer's scan, eagerly, costs seconds)
        logits, loss, grads, clipped = jax.jit(values)(self.state, tuple(batch))
        return {"logits": np.asarray(logits), "loss": float(loss),
                "grads": read(grads), "clipped": read(clipped)}

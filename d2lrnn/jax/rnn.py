"""The section's models on JAX (Flax linen), written as the book writes them."""

from __future__ import annotations

from typing import Any

import jax
import numpy as np
from flax import linen as nn
from jax import numpy as jnp

from d2lrnn.core import params as core_params
from d2lrnn.core.lm import RNNLMScratchBase
from d2lrnn.core.rnn import RNNScratchBase
from d2lrnn.jax import tensors
from d2lrnn.jax.module import Classifier, TableParams


class RNNScratch(RNNScratchBase, TableParams, nn.Module):
    """The RNN model implemented from scratch (the loop: ``d2lrnn/core/rnn.py``)."""

    ops = tensors

    num_inputs: int
    num_hiddens: int
    sigma: float = 0.01

    def __post_init__(self) -> None:
        core_params.check_rnn_args(self.num_inputs, self.num_hiddens, self.sigma)
        super().__post_init__()

    def setup(self) -> None:
        # The cell's table (Module.new_param: Flax params drawn from the seeded NumPy stream,
        # the same as the other backends for one seed).
        self.create_params()

    def begin_state(self, inputs: jax.Array, state: Any) -> jax.Array:
        if state is None:
            return jnp.zeros((inputs.shape[1], self.num_hiddens), inputs.dtype)
        return state

    def __call__(self, inputs: jax.Array, state: Any = None) -> tuple[list[jax.Array], Any]:
        return self.forward(inputs, state)


class RNNLMScratch(RNNLMScratchBase, Classifier):
    """The RNN-based language model implemented from scratch."""

    rnn: nn.Module
    vocab_size: int
    lr: float = 0.01
    ops = tensors  # output_layer and forward come from the shared RNNLMScratchBase

    def __post_init__(self) -> None:
        core_params.check_lm_args(self.rnn, self.vocab_size, self.lr)
        super().__post_init__()

    def setup(self) -> None:
        if isinstance(self.rnn, RNNScratch):
            _ = self.rnn.W_xh  # set up the RNN's parameters first: the other tabs' draw order
        self.init_params()

    def training_step(self, params: Any, batch: Any, state: Any) -> Any:
        value, grads = jax.value_and_grad(
            self.loss, has_aux=True)(params, batch[:-1], batch[-1], state)
        l, _ = value
        self.plot("ppl", jnp.exp(l), train=True)
        return value, grads

    def validation_step(self, params: Any, batch: Any, state: Any) -> None:
        l, _ = self.loss(params, batch[:-1], batch[-1], state)
        self.plot("ppl", jnp.exp(l), train=False)

    def one_hot(self, X: jax.Array) -> jax.Array:
        # (batch_size, num_steps) -> (num_steps, batch_size, vocab_size)
        return jax.nn.one_hot(X.T, self.vocab_size)

    def predict(self, prefix: str, num_preds: int, vocab: Any, params: Any = None, *,
                temperature: float | None = None, alpha: float | None = None,
                seed: int | None = None) -> str:
        """Continue ``prefix`` by ``num_preds`` characters with ``params`` (the book passes
        ``trainer.state.params``; by default the parameters of the trainer that fitted this
        model): greedy as in the book, or sampled."""
        if params is None:
            trainer = getattr(self, "trainer", None)
            if trainer is None or getattr(trainer, "state", None) is None:
                raise TypeError("predict needs params (e.g. trainer.state.params) or a model "
                                "that a Trainer has fitted")
            params = trainer.state.params
        if not isinstance(params, dict) or "rnn" not in params:
            raise TypeError("params must be the model's parameter tree, e.g. "
                            "trainer.state.params")
        return self._generate(prefix, num_preds, vocab, params, temperature, alpha, seed)

    def decode_step(self, params: Any) -> Any:
        step_fn = _predict_step(self)

        def step(token: int, state: Any, need_logits: bool) -> tuple[Any, Any]:
            logits, state = step_fn(params, jnp.array([[token]]), state)
            return (np.asarray(logits) if need_logits else None), state
        return step


def _predict_step(model: RNNLMScratch):
    """One compiled decoding step: token (1, 1) and state -> logits (V,) and new state."""
    def step(params: Any, X: jax.Array, state: Any) -> tuple[jax.Array, jax.Array]:
        # state None: the model's RNN starts from its own initial state (zeros; (H, C) for an
        # LSTM)
        rnn_outputs, state = model.rnn.apply({"params": params["rnn"]}, model.one_hot(X), state)
        Y = model.apply({"params": params}, rnn_outputs, method=model.output_layer)
        return Y[0, 0], state
    return jax.jit(step)

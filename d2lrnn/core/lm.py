"""The parts of the book's ``RNNLMScratch`` that read the same on every framework (the book's
``%%tab all`` cells), written once. A backend's ``RNNLMScratch`` adds what differs: ``one_hot``
and one decoding step (``decode_step``); its Module supplies ``parameter(value, name)``.

``ops`` is the backend's tensor-alias module (``d2l.exp``, ``d2l.matmul``, ``d2l.stack``...).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from d2lrnn.core import decoding
from d2lrnn.core.models.cells import LM_HEAD
from d2lrnn.core.params import check_lm_args


class RNNLMScratchBase:
    """Training/validation steps, output layer, forward and predict of the RNN LM."""

    ops: ClassVar[Any]

    def __init__(self, rnn: Any, vocab_size: int, lr: float = 0.01) -> None:
        check_lm_args(rnn, vocab_size, lr)
        super().__init__()
        self.save_hyperparameters()
        self.init_params()

    def init_params(self) -> None:
        # the output layer's table: W_hq (num_hiddens, vocab_size), b_q (vocab_size,)
        LM_HEAD.create(self, self.head_sizes(), self.rnn.sigma)

    def head_sizes(self) -> dict[str, int]:
        return {"num_hiddens": self.rnn.num_hiddens, "vocab_size": self.vocab_size}

    def training_step(self, batch: Any) -> Any:
        l = self.loss(self(*batch[:-1]), batch[-1])
        self.plot("ppl", self.ops.exp(l), train=True)
        return l

    def validation_step(self, batch: Any) -> None:
        l = self.loss(self(*batch[:-1]), batch[-1])
        self.plot("ppl", self.ops.exp(l), train=False)

    def output_layer(self, rnn_outputs: list[Any]) -> Any:
        # num_steps x (batch_size, num_hiddens) -> (batch_size, num_steps, vocab_size)
        outputs = [self.ops.matmul(H, self.W_hq) + self.b_q for H in rnn_outputs]
        return self.ops.stack(outputs, 1)

    def forward(self, X: Any, state: Any = None) -> Any:
        embs = self.one_hot(X)  # (num_steps, batch_size, vocab_size)
        rnn_outputs, _ = self.rnn(embs, state)
        return self.output_layer(rnn_outputs)

    def materialize(self) -> None:
        """Run one token through the model, so that layers that create their weights at their
        first call (torch's LazyLinear, Gluon's deferred init, Keras layers) have them."""
        self.decode_step(None)(0, None, True)

    def decode_step(self, context: Any) -> decoding.StepFn:
        """step(token, state, need_logits) -> (NumPy logits (vocab_size,) or None, state)."""
        raise NotImplementedError

    def predict(self, prefix: str, num_preds: int, vocab: Any, device: Any = None, *,
                temperature: float | None = None, alpha: float | None = None,
                seed: int | None = None) -> str:
        """Continue ``prefix`` by ``num_preds`` characters: greedy (the book), or sampled with
        ``temperature`` or ``alpha`` (p**alpha), reproducibly for a given ``seed``."""
        return self._generate(prefix, num_preds, vocab, device, temperature, alpha, seed)

    def _generate(self, prefix: str, num_preds: int, vocab: Any, context: Any,
                  temperature: float | None, alpha: float | None, seed: int | None) -> str:
        decoding.check_predict_args(prefix, num_preds, vocab, self.vocab_size, temperature,
                                    alpha)
        step: Callable[..., Any] = self.decode_step(context)
        return decoding.generate(step, prefix, num_preds, vocab, temperature, alpha, seed)

"""The recurrent cells' parameters, declared once (the book's names and creation order).

    tanh RNN          W_xh, W_hh, b_h                                     state H
    GRU (the book's)  W_xz, W_hz, b_z, W_xr, W_hr, b_r, W_xh, W_hh, b_h   state H
    GRU, reset after  the GRU's, plus b_hh: H~ = tanh(X W_xh + b_h + R * (H W_hh + b_hh)),
                      what torch, Gluon, Keras 3 and Flax layers compute
    LSTM              W_xi, W_hi, b_i, W_xf, W_hf, b_f, W_xo, W_ho, b_o,
                      W_xc, W_hc, b_c                                     state (H, C)

Shapes: W_x* (num_inputs, num_hiddens), W_h* (num_hiddens, num_hiddens), b_* (num_hiddens,).
The output layer of a language model: W_hq (num_hiddens, vocab_size), b_q (vocab_size,).
"""

from __future__ import annotations

from dataclasses import dataclass

from d2lrnn.core.models.spec import Param, Table, gate_table, table


@dataclass(frozen=True)
class Cell:
    """A recurrent cell: its parameter table and the names of its state's parts."""

    kind: str
    params: Table
    state: tuple[str, ...] = ("H",)

    def reading(self, inputs: str) -> Table:
        """The cell's table with its input weights reading the dimension ``inputs``
        (W_x* (inputs, num_hiddens)): a stacked layer above the first reads the layer
        below's outputs, not the model's inputs."""
        return Table(tuple(Param(p.name, (inputs, *p.dims[1:]), p.init)
                           if p.dims[:1] == ("num_inputs",) else p for p in self.params))


RNN = Cell("rnn", gate_table("h"))
GRU = Cell("gru", gate_table("zrh"))
GRU_RESET_AFTER = Cell("gru-reset-after", Table(
    (*gate_table("zrh").params, Param("b_hh", ("num_hiddens",), "zeros"))))
LSTM = Cell("lstm", gate_table("ifoc"), state=("H", "C"))

CELLS: dict[str, Cell] = {c.kind: c for c in (RNN, GRU, GRU_RESET_AFTER, LSTM)}



def lm_head(inputs: str = "num_hiddens") -> Table:
    """A language model's output layer reading ``inputs`` features: W_hq (inputs,
    vocab_size), b_q (vocab_size,)."""
    return table(("W_hq", (inputs, "vocab_size")), ("b_q", ("vocab_size",), "zeros"))


#: The language model's output layer (the book's RNNLMScratch.init_params).
LM_HEAD = lm_head()


def cell(kind: str) -> Cell:
    """The cell called ``kind``; a ValueError listing the cells otherwise."""
    if kind not in CELLS:
        raise ValueError(f"cell must be one of {', '.join(CELLS)}; got {kind!r}")
    return CELLS[kind]

"""Run one transcribed section (``python run_section.py SCRIPT EXPR...``) as the reader does,
then print one JSON line: ``{EXPR: value}`` evaluated in the script's globals (tests read it).
Values are made JSON-friendly: framework tensors become nested lists."""

from __future__ import annotations

import json
import runpy
import sys

import numpy as np


def plain(value):
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    for to_numpy in ("asnumpy", "numpy"):  # MXNet, TensorFlow, torch
        if callable(getattr(value, to_numpy, None)):
            try:
                return np.asarray(getattr(value, to_numpy)()).tolist()
            except (TypeError, RuntimeError):
                pass
    if hasattr(value, "detach"):
        return value.detach().cpu().numpy().tolist()
    return np.asarray(value).tolist()


def record_fits() -> list:
    """Every ``Trainer.fit``'s metrics, in order (a section may refit one trainer with another
    model, as the modern chapter's scratch-then-concise cells do): ``_fits`` in the scope."""
    from d2lrnn.core.trainer import Trainer

    fits: list = []
    fit = Trainer.fit

    def recording(self, *args, **kwargs):
        try:
            return fit(self, *args, **kwargs)
        finally:
            fits.append(list(getattr(self, "metrics", [])))
    Trainer.fit = recording
    return fits


if __name__ == "__main__":
    script, exprs = sys.argv[1], sys.argv[2:]
    fits = record_fits()
    scope = runpy.run_path(script, run_name="__main__")
    scope["onp"] = np  # plain NumPy for the expressions (the mxnet tab binds np to mxnet.np)
    scope["_fits"] = fits
    print(json.dumps({e: plain(eval(e, scope)) for e in exprs}))

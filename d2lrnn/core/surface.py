"""Binding a backend package's declared names (``d2lrnn/core/names.py``) from the modules that
implement them, so that no backend lists them again. Framework-free.

``export_names`` copies named attributes of one module (a backend's tensor aliases, its device
helpers) and fails naming every one it lacks; ``fill_names`` gives each declared name the
package still lacks from the first of several modules that defines it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from types import ModuleType
from typing import Any

_NOWHERE = object()


def _name_of(source: ModuleType | Mapping[str, Any]) -> str:
    return source.__name__ if isinstance(source, ModuleType) else type(source).__name__


def export_names(namespace: dict[str, Any], source_module: ModuleType,
                 names: Iterable[str]) -> None:
    """Bind ``namespace[n] = source_module.n`` for each of ``names``; nothing is bound, and an
    ImportError names every missing one, when ``source_module`` lacks any."""
    names = list(names)
    missing = [n for n in names if not hasattr(source_module, n)]
    if missing:
        raise ImportError(f"{source_module.__name__} lacks {', '.join(missing)}, which "
                          "d2lrnn/core/names.py declares", name=source_module.__name__)
    for n in names:
        namespace[n] = getattr(source_module, n)


def fill_names(namespace: dict[str, Any], names: Iterable[str],
               sources: Sequence[ModuleType | Mapping[str, Any]], complete: bool = True) -> None:
    """Bind each of ``names`` that ``namespace`` lacks to the value of that name in the first
    of ``sources`` (modules or mappings) that defines it; a module found under a declared name
    is passed over (a backend never exports a module). Only what a source defines counts: a
    module's ``__getattr__`` is never called. With ``complete``, the names no source defines
    are an ImportError that names them and the sources."""
    scopes = [vars(s) if isinstance(s, ModuleType) else s for s in sources]
    missing = []
    for n in names:
        if n in namespace:
            continue
        found = next((scope[n] for scope in scopes
                      if n in scope and not isinstance(scope[n], ModuleType)), _NOWHERE)
        if found is _NOWHERE:
            missing.append(n)
        else:
            namespace[n] = found
    if missing and complete:
        where = namespace.get("__name__", "the namespace")
        raise ImportError(f"{where}: no module defines {', '.join(missing)}, which "
                          "d2lrnn/core/names.py declares (looked in "
                          f"{', '.join(_name_of(s) for s in sources)})", name=where)


def assemble_current(namespace: dict[str, Any], *, own: Sequence[ModuleType],
                     tensors: ModuleType, device: ModuleType) -> None:
    """Bind the current edition's surface (``names.current_exports(namespace["BACKEND"])``) in
    a backend package's ``namespace`` (its ``globals()``). What the package defines before the
    call stays (``seed``); the tensor aliases and device helpers come from ``tensors`` and
    ``device`` (all of them, or an ImportError naming the missing); every other declared name
    from the first of ``own`` (the backend's modules: its Module, Trainer, models, data), the
    tab's own names in ``tensors`` (``swapaxes``, ``to``, ...), and the framework-free core.
    ``d2l.plt`` is the module ``__getattr__`` this binds (matplotlib, imported on first use)."""
    import d2lrnn.core as core
    from d2lrnn.core import download, names, nmt, plot, seq2seq, trainer

    module = namespace["__name__"]
    export_names(namespace, tensors, names.TENSOR_ALIASES)  # d2l.matmul, d2l.reshape...
    export_names(namespace, device, names.DEVICE)  # d2l.try_gpu, d2l.cpu...
    declared = [n for n in names.current_exports(namespace["BACKEND"]) if n != "plt"]
    sources = [*own, tensors, core, download, nmt, plot, seq2seq,
               {"TrainingDivergedError": trainer.TrainingDivergedError}]
    fill_names(namespace, declared, sources)
    # sections on their way (not yet on every backend): what this backend has already
    arriving = {n for names_ in names.CURRENT.values() for n in names_} - set(declared)
    fill_names(namespace, sorted(arriving - {"plt"}), sources, complete=False)
    namespace["__getattr__"] = plot.lazy_plt(module)
    namespace["__all__"] = names.current_exports(namespace["BACKEND"])

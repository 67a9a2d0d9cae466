"""JAX's persistent compilation cache for d2lrnn's compiled steps.

Compiling the book's training step (32 unrolled time steps, forward and backward) takes XLA
about 2 s per batch shape, and the book's data has four shapes (full and last batch, for
training and validation): about 5 s before the first epoch ends, every run. With the cache,
a second run of the same model loads the compiled steps from disk (first epoch ~0.9 s
instead of ~5 s here; `benchmarks/bench.py` measures both).

Where: ``$D2LRNN_JAX_CACHE``, else ``$XDG_CACHE_HOME/d2lrnn/jax`` (default
``~/.cache/d2lrnn/jax``). ``D2LRNN_JAX_CACHE=0`` turns it off. A cache directory the user has
configured in JAX already is left alone.
"""

from __future__ import annotations

import os

import jax


def cache_dir() -> str | None:
    setting = os.environ.get("D2LRNN_JAX_CACHE")
    if setting == "0":
        return None
    if setting:
        return setting
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "d2lrnn", "jax")


def enable_compilation_cache() -> str | None:
    """Point JAX's persistent cache at d2lrnn's directory unless JAX already has one."""
    path = cache_dir()
    if path is None or jax.config.jax_compilation_cache_dir:
        return None
    jax.config.update("jax_compilation_cache_dir", path)
    # only steps worth caching (the training and validation steps), not tiny helpers
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.3)
    return path

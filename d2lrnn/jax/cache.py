"""JAX's persistent compilation cache for d2lrnn's compiled steps.

Compiling the book's training step (32 unrolled time steps, forward and backward) takes XLA
about 2 s per batch shape, and the book's data has four shapes (full and last batch, for
training and validation): about 5 s before the first epoch ends, every run. With the cache,
a second run of the same model loads the compiled steps from disk (first epoch ~0.9 s
instead of ~5 s here; `benchmarks/bench.py` measures both).

Where: ``$D2LRNN_JAX_CACHE``, else ``$XDG_CACHE_HOME/d2lrnn/jax`` (default
``~/.cache/d2lrnn/jax``). ``D2LRNN_JAX_CACHE=0`` turns it off. A cache directory the user has
configured in JAX already is left alone. Nothing is written until a d2lrnn ``Trainer``
compiles its first step (importing ``d2lrnn.jax`` changes no JAX setting).
"""

from __future__ import annotations

import jax

from d2lrnn import config


def cache_dir() -> str | None:
    return config.jax_cache_dir()


def enable_compilation_cache() -> str | None:
    """Point JAX's persistent cache at d2lrnn's directory unless JAX already has one. Called
    when a d2lrnn Trainer first compiles (never at import); returns the directory it set."""
    path = cache_dir()
    if path is None or jax.config.jax_compilation_cache_dir:
        return None
    jax.config.update("jax_compilation_cache_dir", path)
    # only steps worth caching (the training and validation steps), not tiny helpers
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.3)
    return path

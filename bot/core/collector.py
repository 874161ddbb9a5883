"""Pausing Python's cyclic garbage collector while a burst of work builds many objects.

Reading the export builds a few hundred thousand tuples, none of them in a cycle, and each batch of
700 new objects triggers a collection that walks them again: about a third of the reading time at
national scale (README, Benchmarks). Reference counting still frees everything as usual while the
collector is paused.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_collection() -> Iterator[None]:
    """Run the block with the cyclic collector paused, then restore it as it was."""
    # The collector is process-wide: one paused by someone else (another export in another
    # thread, say) is left for them to restart.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

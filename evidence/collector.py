"""Pausing Python's cyclic garbage collector around work that builds millions of objects.

A reference list's parse, a resolve's batches and a big report each make millions of small
dicts, lists and strings that live until the work is done and form no reference cycles. Every
automatic full collection walks all of them (and everything else alive) for nothing: 15-20%
of such a run. `paused()` turns the collector off for the work and, with `freeze`, moves what
existed before out of the collections that follow, so a long-lived process (the workspace)
does not walk its modules again. Undone on the way out, whatever happens. The pause is
process-wide: nested or concurrent pauses leave the collector on when the outermost, started
with it on, ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused(*, freeze: bool = True) -> Iterator[None]:
    enabled = gc.isenabled()
    if freeze:
        gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        if freeze:
            gc.unfreeze()

"""Bulk work with the cyclic garbage collector's full passes held back.

Python's collector runs a full pass over every container object the process holds once enough
objects have survived its young passes. Reading and indexing documents makes hundreds of
thousands of objects that live just long enough to survive them (a page's elements, its blocks,
its chunks' terms), so an ingest set off several full passes over the whole heap, a third of a
second each in a process that has loaded the model. Within ``bulk()`` only the young passes run:
they still free any reference cycle made there (an ingest makes a few hundred objects' worth),
and the full pass, if one is due, runs at the first collection after the work ends. Opening an
index is the other case: every object it makes lives on, and the heap it grows was scanned whole
by a dozen full passes on the way (half the time it took to open 104,000 passages); held, it is
scanned once.

The threshold is process-wide, so nested and concurrent ``bulk()`` blocks share one hold: the
first in sets it, the last out restores it, unless something else changed it meanwhile.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_HELD = 2**31 - 1
"""A full pass waits for this many young-generation passes: never, in practice."""

_lock = threading.Lock()
_holders = 0
_saved: tuple[int, int, int] | None = None


@contextmanager
def bulk() -> Iterator[None]:
    """Run the enclosed work with only the collector's young passes."""
    global _holders, _saved
    with _lock:
        if _holders == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(_saved[0], _saved[1], _HELD)
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _saved is not None:
                if gc.get_threshold()[2] == _HELD:
                    gc.set_threshold(*_saved)
                _saved = None

"""Give freed heap memory back to the operating system after a large, short-lived allocation.

Loading the lexical index reads every chunk once, page by page; Python frees those pages, but
glibc keeps the freed memory in its arenas, so the resident size stays at the high-water mark.
``malloc_trim(0)`` returns it. A no-op where the C library has no ``malloc_trim`` (musl, macOS).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
from collections.abc import Callable


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        fn = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_size_t]
    fn.restype = ctypes.c_int
    return fn


#: below this many chunks the garbage is small and a collection costs more than it returns
#: (``gc.collect()`` with the model loaded takes about 0.1 s)
WORTH_IT = 10_000


def release_free_memory(items: int = WORTH_IT) -> bool:
    """After handling ``items`` objects' worth of data: collect garbage and hand free heap pages
    back to the OS. Does nothing for fewer than :data:`WORTH_IT`; True if memory was trimmed."""
    if items < WORTH_IT:
        return False
    gc.collect()
    trim = _malloc_trim()
    return bool(trim is not None and trim(0))

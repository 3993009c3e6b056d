"""Results of a costly computation kept for their last few inputs: a cache, not state (any process
rebuilds the same result from the database), so each process may hold its own.

A result being made is made once: when every phone asks for the harvest at the same moment, the
first request computes it (off the event loop, cafe/offload.py) and the others wait for it."""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from cafe import offload

T = TypeVar("T")


class Recent(Generic[T]):
    """The results for the `size` most recently used keys."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._kept: OrderedDict[Hashable, T] = OrderedDict()
        self._making: dict[Hashable, threading.Event] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        """The kept result for `key`, or `make()` kept for next time (the oldest one goes)."""
        while True:
            with self._lock:
                if key in self._kept:
                    self._kept.move_to_end(key)
                    return self._kept[key]
                making = self._making.get(key)
                if making is None:
                    making = self._making[key] = threading.Event()
                    break
                if offload.may_not_yield():
                    return make()  # inside a write transaction nothing may wait: make our own
            # someone else is making it: wait, then take it (or make it, if that failed)
            making.wait()
        try:
            value = make()
            with self._lock:
                self._kept[key] = value
                if len(self._kept) > self.size:
                    self._kept.popitem(last=False)
            return value
        finally:
            with self._lock:
                del self._making[key]
            making.set()

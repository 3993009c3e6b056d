"""Results of a costly computation kept for their last few inputs: a cache, not state (any process
rebuilds the same result from the database), so each process may hold its own."""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class Recent(Generic[T]):
    """The results for the `size` most recently used keys."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._kept: OrderedDict[Hashable, T] = OrderedDict()

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        """The kept result for `key`, or `make()` kept for next time (the oldest one goes)."""
        if key in self._kept:
            self._kept.move_to_end(key)
            return self._kept[key]
        value = self._kept[key] = make()
        if len(self._kept) > self.size:
            self._kept.popitem(last=False)
        return value

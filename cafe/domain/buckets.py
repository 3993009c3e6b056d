"""Token buckets: how many requests one sender may make, refilled over time (pure; the clock is passed in)."""
from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True)
class Rate:
    """A bucket's size: `burst` requests at once, then one every `every_s` seconds."""

    burst: int
    every_s: float

    def __post_init__(self) -> None:
        if self.burst < 1 or self.every_s <= 0:
            raise ValueError("a rate needs burst >= 1 and every_s > 0")


@dataclass
class Bucket:
    """The tokens one sender has left at `stamp` (seconds on the caller's clock)."""

    tokens: float
    stamp: float

    def refill(self, rate: Rate, now: float) -> None:
        """Add the tokens earned since the last look (never above the burst)."""
        if now > self.stamp:
            self.tokens = min(float(rate.burst), self.tokens + (now - self.stamp) / rate.every_s)
            self.stamp = now

    def wait(self, rate: Rate, cost: float = 1.0) -> float:
        """Seconds until `cost` tokens are there (0 when they already are)."""
        return 0.0 if self.tokens >= cost else (cost - self.tokens) * rate.every_s


class Buckets:
    """One bucket per key (a participant, a connection, an address), forgetting the oldest beyond `keep`
    keys so a flood of new keys cannot grow memory without bound; a forgotten key starts full again."""

    def __init__(self, rate: Rate, keep: int = 100_000) -> None:
        self.rate = rate
        self.keep = keep
        self._buckets: OrderedDict[object, Bucket] = OrderedDict()

    def _bucket(self, key: object, now: float) -> Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = Bucket(float(self.rate.burst), now)
            while len(self._buckets) > self.keep:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
            bucket.refill(self.rate, now)
        return bucket

    def wait(self, key: object, now: float, cost: float = 1.0) -> float:
        """Seconds `key` must wait before `cost` more requests (0: it may go now); takes nothing."""
        return self._bucket(key, now).wait(self.rate, cost)

    def take(self, key: object, now: float, cost: float = 1.0) -> None:
        """Spend `cost` tokens of `key`'s bucket (call after `wait` said 0 for every bucket involved)."""
        self._bucket(key, now).tokens -= cost

    def forget(self, key: object) -> None:
        """Drop `key`'s bucket (a connection that closed)."""
        self._buckets.pop(key, None)

    def __len__(self) -> int:
        return len(self._buckets)


def retry_after(seconds: float) -> int:
    """Whole seconds to tell a client to wait (at least 1, so it never retries at once)."""
    return max(1, math.ceil(seconds))


class Window:
    """Counts events per key in a sliding window of `window_s` seconds; a key that reached `limit`
    is blocked for `block_s` seconds from its last counted event."""

    def __init__(self, limit: int, window_s: float, block_s: float, keep: int = 100_000) -> None:
        self.limit, self.window_s, self.block_s, self.keep = limit, window_s, block_s, keep
        self._events: OrderedDict[object, list[float]] = OrderedDict()

    def note(self, key: object, now: float) -> None:
        """Count one event of `key` at `now`."""
        events = self._events.setdefault(key, [])
        self._events.move_to_end(key)
        events.append(now)
        del events[:-self.limit]  # only the last `limit` events decide anything
        while len(self._events) > self.keep:
            self._events.popitem(last=False)

    def blocked_for(self, key: object, now: float) -> float:
        """Seconds `key` stays blocked (0: not blocked)."""
        events = self._events.get(key)
        if not events or len(events) < self.limit:
            return 0.0
        first, last = events[0], events[-1]
        if last - first > self.window_s:
            return 0.0  # the last `limit` events were spread wider than the window
        return max(0.0, last + self.block_s - now)

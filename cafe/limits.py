"""The process's limits on what one sender may do: token buckets per participant, per connection and
per address, caps on open connections, and the wrong-join-code counter. Kept in memory per process
(a rebuildable guard, not data: a restart starts everyone with full buckets)."""
from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable

from flask import Flask, current_app, request
from flask_babel import gettext as _

from cafe.domain.buckets import Buckets, Rate, Window, retry_after
from cafe.errors import RateLimited

# which per-participant bucket an event spends from (others: LIMIT_PARTICIPANT_OTHER)
PARTICIPANT_EVENTS = {
    "post_insight": "LIMIT_POST_INSIGHT",
    # correcting an insight costs what posting one does: an edit loop is a post flood
    "edit_insight": "LIMIT_POST_INSIGHT",
    "withdraw_insight": "LIMIT_POST_INSIGHT",
    # A host writing for someone at the table spends from their own posting bucket.
    "scribe_insight": "LIMIT_POST_INSIGHT",
    "resonate": "LIMIT_RESONATE",
    "harvest_feedback": "LIMIT_HARVEST_FEEDBACK",
}


def _rate(config, name: str) -> Rate:
    burst, every = config[name]
    return Rate(int(burst), float(every))


class Limits:
    """Every limit of one app; `clock` gives seconds (monotonic), passed in so tests can move it."""

    def __init__(self, config, clock: Callable[[], float] = time.monotonic) -> None:
        self.enabled = bool(config.get("LIMITS_ENABLED", True))
        self.clock = clock
        self._lock = threading.Lock()
        self.per_event = {name: Buckets(_rate(config, name)) for name in set(PARTICIPANT_EVENTS.values())}
        self.participant_other = Buckets(_rate(config, "LIMIT_PARTICIPANT_OTHER"))
        self.facilitator = Buckets(_rate(config, "LIMIT_FACILITATOR"))
        self.sync = Buckets(_rate(config, "LIMIT_SYNC"))
        self.connection = Buckets(_rate(config, "LIMIT_CONNECTION"))
        self.address = Buckets(_rate(config, "LIMIT_ADDRESS"))
        self.ignored = Buckets(_rate(config, "LIMIT_IGNORED_REFUSALS"))
        self.wrong_codes = Window(int(config["LIMIT_WRONG_CODES"]), float(config["LIMIT_WRONG_CODES_WINDOW_S"]),
                                  float(config["LIMIT_WRONG_CODES_BLOCK_S"]))
        self.max_per_address = int(config["LIMIT_CONNECTIONS_PER_ADDRESS"])
        self.max_per_cafe = int(config["LIMIT_CONNECTIONS_PER_CAFE"])
        self.open_by_cafe: Counter[object] = Counter()
        self.cafe_of: dict[str, object] = {}
        self.max_total = int(config["LIMIT_CONNECTIONS_TOTAL"])
        self.open_by_address: Counter[str] = Counter()
        self.open_sids: dict[str, str] = {}

    def spend(self, buckets: list[tuple[Buckets, object]]) -> None:
        """Take one token from each (bucket set, key), or none at all and raise RateLimited."""
        if not self.enabled:
            return
        with self._lock:
            now = self.clock()
            wait = max(group.wait(key, now) for group, key in buckets)
            if wait > 0:
                seconds = retry_after(wait)
                raise RateLimited(_("Slow down a little: try again in %(seconds)s s.", seconds=seconds), seconds)
            for group, key in buckets:
                group.take(key, now)

    def event(self, event: str, role: str, caller: object, sid: str, address: str) -> None:
        """Spend for one socket event from `caller` (a participant id, or the café id for its facilitator)."""
        if role == "participant":
            name = PARTICIPANT_EVENTS.get(event)
            mine = (self.per_event[name] if name else self.participant_other, caller)
        elif role == "facilitator":
            mine = (self.facilitator, caller)
        else:
            mine = (self.connection, sid)
        self.spend([mine, (self.connection, sid), (self.address, address)])

    def refused(self, sid: str) -> bool:
        """Count one refusal sent to this connection; True when it has ignored so many that it
        should be closed (each refused event still costs the loop a decode and a reply)."""
        if not self.enabled:
            return False
        with self._lock:
            now = self.clock()
            if self.ignored.wait(sid, now) > 0:
                return True
            self.ignored.take(sid, now)
        return False

    def sync_event(self, role: str, cafe_id: object, sid: str, address: str) -> None:
        """Spend for one `sync`: a small bucket per connection for phones and walls (anyone with the
        public code can open one); the facilitator's laptop, which holds the host link, spends from
        its own generous bucket as for its other events."""
        mine = (self.facilitator, cafe_id) if role == "facilitator" else (self.sync, sid)
        self.spend([mine, (self.connection, sid), (self.address, address)])

    # ---- open connections ----

    def open(self, sid: str, address: str) -> str | None:
        """Count a new connection; the refusal message when a cap is reached (then nothing is counted)."""
        if not self.enabled:
            return None
        with self._lock:
            if len(self.open_sids) >= self.max_total:
                return _("The server is full. Try again in a minute.")
            if self.open_by_address[address] >= self.max_per_address:
                return _("Too many connections from your network. Try again in a minute.")
            self.open_sids[sid] = address
            self.open_by_address[address] += 1
        return None

    def enter(self, sid: str, cafe_id: object) -> str | None:
        """Count an open connection against its café, once it is known who connected; the
        refusal message when the café is full (then nothing is counted)."""
        if not self.enabled:
            return None
        with self._lock:
            if self.open_by_cafe[cafe_id] >= self.max_per_cafe:
                return _("This café has as many connections as it can take. Try again in a minute.")
            self.cafe_of[sid] = cafe_id
            self.open_by_cafe[cafe_id] += 1
        return None

    def close(self, sid: str) -> None:
        """Forget a connection that closed (its buckets too)."""
        with self._lock:
            cafe_id = self.cafe_of.pop(sid, None)
            if cafe_id is not None:
                self.open_by_cafe[cafe_id] -= 1
                if self.open_by_cafe[cafe_id] <= 0:
                    del self.open_by_cafe[cafe_id]
            address = self.open_sids.pop(sid, None)
            if address is not None:
                self.open_by_address[address] -= 1
                if self.open_by_address[address] <= 0:
                    del self.open_by_address[address]
            self.sync.forget(sid)
            self.connection.forget(sid)
            self.ignored.forget(sid)

    # ---- wrong join codes ----

    def wrong_code(self, address: str) -> None:
        """Count one request for a join code no café has."""
        if self.enabled:
            with self._lock:
                self.wrong_codes.note(address, self.clock())

    def code_block(self, address: str) -> int:
        """Seconds this address may not ask about join codes any more (0: it may)."""
        if not self.enabled:
            return 0
        with self._lock:
            wait = self.wrong_codes.blocked_for(address, self.clock())
        return retry_after(wait) if wait > 0 else 0


def init_app(app: Flask) -> None:
    """Give the app its own limits (a test's app starts with fresh ones)."""
    app.extensions["cafe_limits"] = Limits(app.config)


def limits() -> Limits:
    """The current app's limits."""
    return current_app.extensions["cafe_limits"]


def address() -> str:
    """The caller's address as this process sees it (behind a proxy: the proxy's, unless it is trusted)."""
    return request.remote_addr or "unknown"

"""The server's log: no secrets in it, and no flood from one sender's malformed traffic."""
from __future__ import annotations

import logging
import re
import sys
import time

# What a log line must never show: the host link's token (/f/<token>), a participant's token in a
# query or JSON, and cookies (the participant cookie cafe_<CODE>, Flask's session).
_SECRETS = [
    (re.compile(r"(/f/)[A-Za-z0-9_\-]{8,}"), r"\1[redacted]"),
    (re.compile(r"((?:host|participant)_token[\"']?\s*[=:]\s*[\"']?)[A-Za-z0-9_\-.]+", re.I), r"\1[redacted]"),
    (re.compile(r"\b((?:cafe_[A-Za-z0-9]+|session)=)[^;\s\"',]+"), r"\1[redacted]"),
    (re.compile(r"((?:Cookie|Set-Cookie|Authorization)[\"']?\s*[:=]\s*)[^\n]+", re.I), r"\1[redacted]"),
]


def redact(text: str) -> str:
    """The text with every secret the patterns know replaced by [redacted]."""
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecrets(logging.Filter):
    """Rewrites each record's message (and traceback text) without secrets; it drops nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class RepeatLimiter(logging.Filter):
    """Keeps the first `burst` records of one kind (logger, level, message template) per `window`
    seconds, then one line per `every` with the count, so a sender replaying malformed packets
    cannot fill the disk or bury the lines that matter."""

    def __init__(self, burst: int = 5, every: int = 100, window: float = 60.0, clock=time.monotonic) -> None:
        super().__init__()
        self.burst, self.every, self.window, self.clock = burst, every, window, clock
        self._seen: dict[tuple, list] = {}  # kind -> [window start, count]

    def filter(self, record: logging.LogRecord) -> bool:
        kind = (record.name, record.levelno, str(record.msg)[:200])
        now = self.clock()
        entry = self._seen.get(kind)
        if entry is None or now - entry[0] > self.window:
            if len(self._seen) > 10_000:  # bounded memory: forget old kinds wholesale
                self._seen.clear()
            entry = self._seen[kind] = [now, 0]
        entry[1] += 1
        if entry[1] <= self.burst:
            return True
        if entry[1] % self.every == 0:
            record.msg = f"{record.getMessage()} [repeated {entry[1]} times in {self.window:.0f} s; showing one in {self.every}]"
            record.args = None
            return True
        return False


def install(verbose: bool) -> logging.Logger:
    """Log to stderr through both filters; returns the logger that gets one line per request."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets())  # redact first, so the limiter counts kinds of clean lines
    handler.addFilter(RepeatLimiter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    for name in ("engineio", "socketio", "engineio.server", "socketio.server", "werkzeug"):
        logging.getLogger(name).propagate = True
    # Alembic announces each of its plugins at INFO on every start; the schema step says what matters itself.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    access = logging.getLogger("cafe.access")
    access.setLevel(logging.INFO if verbose else logging.WARNING)
    logging.getLogger("werkzeug").setLevel(logging.INFO if verbose else logging.WARNING)
    return access

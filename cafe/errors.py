"""Errors a use case can refuse with; each maps to an error reply code in docs/protocol.md."""
from __future__ import annotations


class CafeError(Exception):
    """A refused request. Nothing has been changed when one is raised."""

    code = "invalid"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def reply(self) -> dict[str, object]:
        """The acknowledgement payload for a socket event."""
        return {"ok": False, "error": self.code, "message": self.message}


class Invalid(CafeError):
    code = "invalid"


class Forbidden(CafeError):
    code = "forbidden"


class NotFound(CafeError):
    code = "not_found"


class UnknownCode(NotFound):
    """No café has the join code asked for (counted against the asking address: codes must not be guessable)."""


class RateLimited(CafeError):
    """Too many requests from one sender; `retry_after` says in how many seconds to try again."""

    code = "rate_limited"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after

    def reply(self) -> dict[str, object]:
        """The acknowledgement payload, with the seconds to wait."""
        return {**super().reply(), "retry_after": self.retry_after}


class Conflict(CafeError):
    code = "conflict"

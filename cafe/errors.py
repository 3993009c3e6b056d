"""Errors a use case can refuse with; each maps to an error reply code in docs/protocol.md.

An error carries its stable `code` and its text as a deferred `Text` (cafe.messages) with the
values in it (`params`): the core raises it without knowing the reader's language, and the edge
says it (`reply()`, `message`) in the request's language."""
from __future__ import annotations

from typing import Any

from cafe.messages import Text, translate


class CafeError(Exception):
    """A refused request. Nothing has been changed when one is raised."""

    code = "invalid"

    def __init__(self, message: str | Text) -> None:
        # a str is a sentence already said (the edge's checks translate their own): kept as it is
        self._deferred = isinstance(message, Text)
        self.text = message if isinstance(message, Text) else Text(message)
        super().__init__(self.text.english())

    @property
    def message(self) -> str:
        """The sentence in the current language (English outside any app context)."""
        return str(translate(self.text)) if self._deferred else self.text.msgid

    @property
    def english(self) -> str:
        """The sentence in English, its values filled (for logs and for telling refusals apart)."""
        return self.text.english()

    @property
    def params(self) -> dict[str, Any]:
        """The values the sentence says (a table number, a status, a name)."""
        return dict(self.text.params)

    def reply(self) -> dict[str, object]:
        """The acknowledgement payload for a socket event: the code, and the sentence in the caller's language."""
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

    def __init__(self, message: str | Text, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after

    def reply(self) -> dict[str, object]:
        """The acknowledgement payload, with the seconds to wait."""
        return {**super().reply(), "retry_after": self.retry_after}


class Conflict(CafeError):
    code = "conflict"

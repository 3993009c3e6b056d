"""Join codes asked for over HTTP: a wrong one counts against the address that asked."""
from __future__ import annotations

from cafe import limits


def note_wrong_code() -> None:
    """Count a request for a join code no café has, against the asking address."""
    limits.limits().wrong_code(limits.address())

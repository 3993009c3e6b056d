"""Perspectives people bring to a café, in the order the join form offers them."""
from __future__ import annotations

PERSPECTIVES: tuple[str, ...] = (
    "lived_experience",
    "family_carer",
    "practitioner",
    "manager_commissioner",
    "researcher",
    "policy_maker",
    "prefer_not_to_say",
)


def is_perspective(value: object) -> bool:
    """True for one of the known perspective keys."""
    return isinstance(value, str) and value in PERSPECTIVES

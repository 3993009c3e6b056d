"""The self-declared perspectives a participant may give, with their translatable labels."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from cafe.domain.perspective import PERSPECTIVES

LABELS = {
    "lived_experience": _l("Lived experience"),
    "family_carer": _l("Family carer"),
    "practitioner": _l("Practitioner"),
    "manager_commissioner": _l("Manager or commissioner"),
    "researcher": _l("Researcher"),
    "policy_maker": _l("Policy maker"),
    "prefer_not_to_say": _l("Prefer not to say"),
}
assert tuple(LABELS) == PERSPECTIVES


def choices() -> list[tuple[str, str]]:
    """(key, translated label) pairs in display order."""
    return [(key, str(LABELS[key])) for key in PERSPECTIVES]


def labels() -> dict[str, str]:
    """key -> translated label, for screens and reports."""
    return dict(choices())


def label(key: str | None) -> str:
    """Translated label for a perspective key; 'Not given' for none."""
    if not key:
        return str(_l("Not given"))
    return str(LABELS.get(key, key))

"""Checks for untrusted payloads from sockets and forms; each failure is an Invalid error."""
from __future__ import annotations

import uuid
from typing import Any, Literal, overload

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from cafe.domain.textclean import UnsafeText, clean
from cafe.errors import Invalid

# The longest text each kind of live input may be; `cafe import` holds a file to the same.
MAX_INSIGHT = 500
MAX_BULLET = 200
MAX_BULLETS = 5
MAX_NOTE = 300
MAX_NUDGE = 200
MAX_PERSON_NAME = 40
MAX_THEME = 200

# How each payload field is named in messages people read on their phones.
_NAMES = {
    "text": _l("The text"), "id": _l("The insight id"), "insight_id": _l("The insight id"), "bullets": _l("The hand-over"),
    "minutes": _l("Minutes"), "participant_id": _l("The participant"), "table": _l("The table"), "round": _l("The round"),
    "do_not_quote": _l("Do not quote me"),
    "theme": _l("The theme"), "version": _l("The version"), "label": _l("The name of the sub-theme"),
    "k": _l("The number of sub-themes"),
    "other_id": _l("The other participant"),
    "name": _l("The display name"), "perspective": _l("The perspective"),
}


def _name(key: str) -> str:
    return str(_NAMES.get(key, key))


def payload(data: Any, allowed: set[str]) -> dict[str, Any]:
    """The event payload as a dict with no unknown keys ({} for a missing payload)."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise Invalid(_("The message must be an object."))
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise Invalid(_("Unknown field: %(field)s.", field=", ".join(map(str, unknown))))
    return data


def versions(data: dict[str, Any]) -> dict[str, int]:
    """A client's stream numbers ({stream: version}, docs/protocol.md), at most 16 of them."""
    value = data.get("versions", {})
    if (not isinstance(value, dict) or len(value) > 16
            or not all(isinstance(k, str) and len(k) <= 40 and type(v) is int and 0 <= v < 2**53 for k, v in value.items())):
        raise Invalid(_("versions must be an object of at most 16 stream numbers."))
    return value


def text(data: dict[str, Any], key: str, *, max_len: int, required: bool = True, multiline: bool = False) -> str:
    """Text cleaned as the café keeps it (cafe.domain.textclean) of at most max_len characters."""
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise Invalid(_("%(field)s must be text.", field=_name(key)))
    value = clean_text(value, key, multiline=multiline)
    if required and not value:
        raise Invalid(_("%(field)s must not be empty.", field=_name(key)))
    if len(value) > max_len:
        raise Invalid(_("%(field)s is too long: at most %(max)d characters.", field=_name(key), max=max_len))
    return value


def clean_text(value: str, key: str, *, multiline: bool = False) -> str:
    """`value` cleaned at the boundary; a lone surrogate is refused (no database can store it)."""
    try:
        return clean(value, multiline=multiline)
    except UnsafeText:
        raise Invalid(_("%(field)s contains characters that are not valid text.", field=_name(key))) from None


@overload
def integer(data: dict[str, Any], key: str, *, low: int, high: int, nullable: Literal[False] = False) -> int: ...
@overload
def integer(data: dict[str, Any], key: str, *, low: int, high: int, nullable: bool) -> int | None: ...
def integer(data: dict[str, Any], key: str, *, low: int, high: int, nullable: bool = False) -> int | None:
    """A whole number in [low, high] (bools are refused)."""
    value = data.get(key)
    if value is None and nullable and key in data:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(_("%(field)s must be a whole number.", field=_name(key)))
    if not low <= value <= high:
        raise Invalid(_("%(field)s must be between %(low)d and %(high)d.", field=_name(key), low=low, high=high))
    return value


def flag(data: dict[str, Any], key: str) -> bool:
    """An optional boolean, false when absent."""
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise Invalid(_("%(field)s must be true or false.", field=_name(key)))
    return value


def client_id(data: dict[str, Any], key: str) -> str:
    """An id made on the phone: a UUID in its canonical lower-case form."""
    value = data.get(key)
    if not isinstance(value, str):
        raise Invalid(_("%(field)s must be a UUID.", field=_name(key)))
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        raise Invalid(_("%(field)s must be a UUID.", field=_name(key))) from None
    return str(parsed)


def text_list(data: dict[str, Any], key: str, *, min_items: int, max_items: int, max_len: int) -> list[str]:
    """A list of non-empty strings (empty entries are dropped before counting)."""
    value = data.get(key)
    if not isinstance(value, list):
        raise Invalid(_("%(field)s must be a list.", field=_name(key)))
    items = [text({key: item}, key, max_len=max_len, required=False) for item in value]
    items = [item for item in items if item]
    if not min_items <= len(items) <= max_items:
        raise Invalid(_("%(field)s needs %(low)d to %(high)d entries.", field=_name(key), low=min_items, high=max_items))
    return items

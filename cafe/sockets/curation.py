"""The facilitator curates the harvest (the Harvest studio sends these)."""
from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _

from cafe import validation as check
from cafe.domain.harvest.curation import MAX_K, MAX_LABEL, OPS, Op
from cafe.errors import Invalid
from cafe.services import curating, views
from cafe.sockets.common import handler, now

_COMMON = {"theme", "version", "op"}
# Per op: the fields it needs, then the fields it may have.
_FIELDS: dict[str, tuple[set[str], set[str]]] = {
    "rename": ({"subtheme", "label"}, set()),
    "merge": ({"subtheme", "into"}, set()),
    "split": ({"subtheme"}, {"insight_ids"}),
    "move": ({"insight_id"}, {"to"}),
    "hide": ({"insight_id"}, set()),
    "unhide": ({"insight_id"}, {"to"}),
    "pin": ({"insight_id"}, set()),
    "unpin": ({"subtheme"}, set()),
    "set_k": ({"k"}, set()),
    "reset": (set(), set()),
}
_SUB_ID = re.compile(r"s[1-9][0-9]{0,8}")
# What `curate_many` may carry: edits of single insights, which cost no regrouping.
BULK_OPS = ("move", "hide", "unhide")
MAX_BULK = 200


def _sub_id(data: dict[str, Any], key: str, nullable: bool = False) -> str | None:
    value = data.get(key)
    if value is None and nullable:
        return None
    if not isinstance(value, str) or not _SUB_ID.fullmatch(value):
        raise Invalid(_("%(field)s must be a sub-theme id such as s3.", field=key))
    return value


def _op(data: Any) -> tuple[str, int, Op]:
    """The checked payload of `curate`: theme, version and the edit."""
    data = check.payload(data, _COMMON | {f for need, may in _FIELDS.values() for f in need | may})
    kind = data.get("op")
    if not isinstance(kind, str) or kind not in _FIELDS:
        raise Invalid(_("op must be one of: %(ops)s.", ops=", ".join(OPS)))
    need, may = _FIELDS[kind]
    check.payload(data, _COMMON | need | may)
    missing = sorted((need | {"theme", "version"}) - set(data))
    if missing:
        raise Invalid(_("Missing field: %(field)s.", field=", ".join(missing)))
    theme = check.text(data, "theme", max_len=200)
    version = check.integer(data, "version", low=0, high=2**31)
    fields: dict[str, Any] = {}
    for key in ("subtheme", "into"):
        if key in data:
            fields[key] = _sub_id(data, key)
    if "to" in data:
        fields["to"] = _sub_id(data, "to", nullable=True)
    if "insight_id" in data:
        fields["insight_id"] = check.client_id(data, "insight_id")
    if "insight_ids" in data:
        value = data["insight_ids"]
        if not isinstance(value, list) or not 1 <= len(value) <= 500:
            raise Invalid(_("insight_ids must be a list of 1 to 500 insight ids."))
        fields["insight_ids"] = tuple(check.client_id({"insight_ids": v}, "insight_ids") for v in value)
    if "label" in data:
        fields["label"] = check.text(data, "label", max_len=MAX_LABEL)
    if "k" in data:
        fields["k"] = check.integer(data, "k", low=1, high=MAX_K)
    return theme, version, Op(kind, **fields)


def _prepare_curate(db, cafe, data: Any) -> None:
    theme, _version, op = _op(data)
    curating.prepare(views.Snapshot(db, cafe, now(), ""), theme, op)


@handler("facilitator", "curate", prepare=_prepare_curate)
def curate(db, cafe, data: Any):
    """Facilitator edits one theme's harvest; every screen gets cafe_changed (harvest_changed)."""
    theme, version, op = _op(data)
    return curating.curate(views.Snapshot(db, cafe, now(), ""), theme, version, op)


def _bulk(data: Any) -> tuple[str, int, tuple[Op, ...]]:
    """The checked payload of `curate_many`: theme, version and up to MAX_BULK insight edits."""
    data = check.payload(data, {"theme", "version", "ops"})
    missing = sorted({"theme", "version", "ops"} - set(data))
    if missing:
        raise Invalid(_("Missing field: %(field)s.", field=", ".join(missing)))
    ops = data["ops"]
    if not isinstance(ops, list) or not 1 <= len(ops) <= MAX_BULK:
        raise Invalid(_("ops must be a list of 1 to %(n)d edits.", n=MAX_BULK))
    checked = []
    for item in ops:
        if not isinstance(item, dict) or item.get("op") not in BULK_OPS:
            raise Invalid(_("Each of ops must be one of: %(ops)s.", ops=", ".join(BULK_OPS)))
        checked.append(_op({**item, "theme": data["theme"], "version": data["version"]})[2])
    version = check.integer(data, "version", low=0, high=2**31) or 0  # required: never None here
    return check.text(data, "theme", max_len=200), version, tuple(checked)


@handler("facilitator", "curate_many")
def curate_many(db, cafe, data: Any):
    """Facilitator moves, hides or shows again several insights of one theme at once, all or none;
    every screen gets cafe_changed (harvest_changed) once."""
    theme, version, ops = _bulk(data)
    return curating.curate_many(views.Snapshot(db, cafe, now(), ""), theme, version, ops)

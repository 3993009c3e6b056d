"""The harvest read model: what each reader may see of people's words, decided in one place.

The rule is cafe/domain/harvest/privacy.py's: a "do not quote me" insight or note counts everywhere and
its words reach only the facilitator (dashboard, studio, JSON archive) and its author; an insight
hidden while curating is shown nowhere in the harvest. Screens (views.py), broadcasts
(posting.py), the harvest payload (harvesting.py, harvest_extras.py) and every export but the
JSON archive (exporting.render) read words through here, so no other module repeats the rule.
"""
from __future__ import annotations

import copy
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from cafe.messages import ngettext

from cafe import presenters
from cafe.domain.harvest.privacy import Reader, is_private_label, may_read
from cafe.models import InsightRow, ParticipantRow
from cafe.services import Broadcast

__all__ = ["Reader", "anonymised", "insight", "insight_posted", "is_private_label", "label", "public_record", "quotable_texts",
           "readable", "visible", "withhold"]


def readable(row: InsightRow, reader: Reader, hidden: Collection[str] = ()) -> bool:
    """Whether this reader gets the words of this insight."""
    return may_read(reader, row, row.id in hidden)


def withhold(payload: Mapping[str, Any]) -> dict[str, Any]:
    """An <insight> without its words or who wrote it: other phones learn that a note was
    added (so the table's count is right), not what it says."""
    return {**payload, "text": None, "author": None, "author_id": None, "perspective": None, "private": True}


def visible(row: InsightRow, reader: Reader, hidden: Collection[str] = ()) -> bool:
    """Whether this reader is told of the insight at all: one the facilitator hid is gone for
    others (the wall, other phones), while a do-not-quote one shows up withheld."""
    return reader is not Reader.OTHERS or row.id not in hidden


def insight(row: InsightRow, author: ParticipantRow | None, resonance: int, reader: Reader,
            mine: bool | None = None, hidden: Collection[str] = ()) -> dict[str, Any]:
    """An <insight> as this reader may see it; the facilitator and the author learn that it is
    hidden (`hidden`), the others never get it (see `visible`)."""
    payload = presenters.insight(row, author, resonance, mine)
    payload["hidden"] = row.id in hidden
    return payload if readable(row, reader, hidden) else withhold(payload)


def reader_of(row: InsightRow, viewer: ParticipantRow | None) -> Reader:
    """A phone reads its own insights as their author and everyone else's as another person."""
    return Reader.AUTHOR if viewer is not None and row.participant_id == viewer.id else Reader.OTHERS


def insight_posted(payload: dict[str, Any], cafe_id: int, round_no: int, table: int) -> list[Broadcast]:
    """`insight_posted` to its table's phones, the dashboard and the wall; an insight not to be
    quoted reaches the dashboard whole, the table's phones and the wall withheld (so their counts
    are the dashboard's; the author's phone has it from its own reply)."""
    at_table = ("table", cafe_id, round_no, table)
    if not payload.get("do_not_quote"):
        return [Broadcast("insight_posted", payload, at_table), Broadcast("insight_posted", payload, ("staff", cafe_id))]
    return [Broadcast("insight_posted", withhold(payload), at_table),
            Broadcast("insight_posted", withhold(payload), ("wall", cafe_id)),
            Broadcast("insight_posted", payload, ("facilitator", cafe_id))]


def quotable_texts(rows: Iterable[InsightRow], hidden: Collection[str]) -> dict[str, str]:
    """id -> text of every insight whose words a label or a quote may use."""
    return {row.id: row.text for row in rows if readable(row, Reader.OTHERS, hidden)}


def label(stored: str, count: int) -> str:
    """A sub-theme's label as shown: the neutral label of a group of unquotable insights is said
    in the reader's language with its size ("3 notes kept private"); the harvest payload is kept
    per language (harvesting.harvest), so the label is said as it is built."""
    if is_private_label(stored):
        return str(ngettext("%(num)d note kept private", "%(num)d notes kept private", count))
    return stored


def anonymised(data: Mapping[str, Any]) -> dict[str, Any]:
    """The export record with nobody's name: every person (participants, authors, hosts) becomes
    anonymous, while perspectives, ids, counts and words stay, so every figure is the same."""
    def scrub(value: Any) -> Any:
        if isinstance(value, list):
            return [scrub(v) for v in value]
        if not isinstance(value, dict):
            return value
        out = {k: scrub(v) for k, v in value.items()}
        if "author" in out:
            out["author"] = None
        if "name" in out and "perspective" in out:  # a person: {"id", "name", "perspective", ...}
            out["name"] = None
        return out

    # the café's plan (themes have names too) is not about people: keep it as it is
    return {k: (v if k in ("plan", "cafe") else scrub(v)) for k, v in data.items()}


def public_record(data: Mapping[str, Any]) -> dict[str, Any]:
    """The export record as every rendering but the JSON archive gets it: the texts of insights and
    "missing" notes marked do-not-quote (and of hidden insights) are gone; their rows stay, so
    every count is the same. The labels, quotes and questions of the harvest never held them."""
    public = copy.deepcopy(dict(data))
    for item in public.get("insights", []):
        if item.get("do_not_quote") or item.get("hidden"):
            item["text"] = None
    for note in public.get("feedback", []) or []:
        if isinstance(note, dict) and note.get("do_not_quote"):
            note["text"] = None
    return public

"""What the report shows beyond each theme: patterns across themes, open questions, each table,
and who hosted which table in which round (named only in the appendix, like every author)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _


@dataclass
class Pattern:
    """An idea heard under several themes."""

    label: str
    themes: list[str]
    subthemes: list[str]


@dataclass
class Question:
    """A question the room raised; `where` says which tables, `asked` how often."""

    text: str
    where: str
    asked: int
    resonance: int


@dataclass
class TableGist:
    """One table's conversation over all its rounds, as sub-theme labels and counts."""

    table_label: str
    insight_count: int
    subthemes: list[tuple[str, int]] = field(default_factory=list)


def hosts(data: Mapping[str, Any]) -> dict[tuple[int, int], int]:
    """(round, table) -> the host's participant id: the hand-over's writer, else the table's host."""
    found: dict[tuple[int, int], int] = {}
    standing = {p.get("host_of"): p["id"] for p in data.get("participants", []) if p.get("host_of") is not None}
    rounds = int((data.get("cafe") or {}).get("rounds") or 0)
    for table, pid in standing.items():
        for rnd in range(1, rounds + 1):
            found[(rnd, table)] = pid
    for h in data.get("handovers", []):
        if h.get("host_participant_id") is not None:
            found[(int(h.get("round", 0)), h.get("table"))] = h["host_participant_id"]
    return found


def host_name(person: Mapping[str, Any]) -> str:
    """How a host is named in the appendix: their display name, or that they stayed anonymous."""
    return str(person.get("name") or _("anonymous"))


def patterns(harvest: Mapping[str, Any]) -> list[Pattern]:
    return [Pattern(str(p.get("label", "")), [str(t) for t in p.get("themes", [])],
                    [str(s.get("label", "")) for s in p.get("subthemes", [])])
            for p in harvest.get("crosscutting") or []]


def questions(harvest: Mapping[str, Any], hidden: set[Any], private: set[Any]) -> list[Question]:
    """Open questions; one taken from an insight hidden or marked "do not quote me" is left out."""
    found = []
    for q in harvest.get("open_questions") or []:
        if q.get("insight_id") in hidden or q.get("insight_id") in private:
            continue
        tables = ", ".join(str(t) for t in q.get("tables", []))
        where = " · ".join(filter(None, [", ".join(q.get("themes", [])),
                                         _("Tables %(labels)s", labels=tables) if tables else ""]))
        found.append(Question(str(q.get("text", "")), where, int(q.get("asked", 1)), int(q.get("resonance", 0))))
    return found


def tables(harvest: Mapping[str, Any]) -> list[TableGist]:
    return [TableGist(str(t.get("table_label", t.get("table"))), int(t.get("insight_count", 0)),
                      [(str(s.get("label", "")), int(s.get("count", 0))) for s in t.get("subthemes", [])])
            for t in harvest.get("tables") or []]

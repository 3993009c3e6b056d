"""Checking a café export before `cafe import` writes it: every field by the rules live input
meets, and every reference between rows.

An export is a file anyone may hand a facilitator. Before this check, a 2-million-character
insight made the harvest build a 6.7 GiB array, a made-up status left the imported café unable to
start a round, and a wrong type stopped the command with a traceback. Now any of those is
refused with one line naming the field (`insights[3].text: ...`), and nothing is written.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, UTC
from typing import Any

from cafe import validation as check
from cafe.domain.perspective import PERSPECTIVES
from cafe.domain.plan import Plan, PlanError, plan_from_input
from cafe.domain.timer import RoundStatus
from cafe.errors import Invalid
from cafe.services.exporting import FORMAT
MAX_FILE_BYTES = 32 * 1024 * 1024  # generous: an export holds 500 characters per insight, twice at most
MAX_ROWS = 100_000  # entries in any one list
MAX_TABLE = 10_000  # the highest table number a facilitator can name live
STAGES = ("rounds", "harvest")


def _fail(path: str, message: str) -> Invalid:
    return Invalid(f"{path}: {message}")


def _object(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(path, "must be an object")
    return value


def _list(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise _fail(path, "must be a list")
    if len(value) > MAX_ROWS:
        raise _fail(path, f"has more than {MAX_ROWS:,} entries")
    return value


def _int(value: Any, path: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(path, "must be a whole number")
    if not low <= value <= high:
        raise _fail(path, f"must be between {low} and {high}")
    return value


def _bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise _fail(path, "must be true or false")
    return value


def _text(value: Any, path: str, max_len: int, *, multiline: bool = False) -> str:
    """Text by the live rule (check.text): cleaned, not empty, at most max_len characters."""
    try:
        return check.text({"text": value}, "text", max_len=max_len, multiline=multiline)
    except Invalid as error:
        raise _fail(path, error.message) from None


def _uuid(value: Any, path: str) -> str:
    try:
        return check.client_id({"id": value}, "id")
    except Invalid:
        raise _fail(path, "must be a UUID") from None


def _new_uuid(value: Any, path: str, seen: set[str]) -> str:
    """A UUID not given before in this list (an id names one row)."""
    made = _uuid(value, path)
    if made in seen:
        raise _fail(path, "is given twice")
    seen.add(made)
    return made


def _time(value: Any, path: str, *, required: bool = False) -> datetime | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or len(value) > 40:
        raise _fail(path, "must be a time such as 2026-11-25T10:00:00+00:00")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _fail(path, "must be a time such as 2026-11-25T10:00:00+00:00") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _one_of(value: Any, path: str, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise _fail(path, f"must be one of: {', '.join(choices)}")
    return value


@dataclass
class Checked:
    """An export whose every field passed; rows refer to each other by the file's own ids."""

    plan: Plan
    cafe: dict[str, Any]
    tables: dict[int, int | None] = field(default_factory=dict)  # number -> host's file id
    people: dict[int, dict[str, Any]] = field(default_factory=dict)
    seats: list[tuple[int, int, int]] = field(default_factory=list)
    round_themes: dict[int, dict[int, str]] = field(default_factory=dict)
    rounds_log: list[tuple[int, datetime | None, datetime | None]] = field(default_factory=list)
    insights: list[dict[str, Any]] = field(default_factory=list)
    resonances: list[tuple[str, int]] = field(default_factory=list)
    handovers: list[dict[str, Any]] = field(default_factory=list)
    nudges: list[tuple[str, datetime | None]] = field(default_factory=list)
    feedback: list[dict[str, Any]] = field(default_factory=list)


def _cafe_info(info: dict[str, Any], plan: Plan, tables: int) -> dict[str, Any]:
    round_no = _int(info.get("round", 1), "cafe.round", 1, plan.rounds)
    return {
        "stage": _one_of(info.get("stage", "rounds"), "cafe.stage", STAGES),
        "round": round_no,
        "status": _one_of(info.get("status", "ended"), "cafe.status", tuple(s.value for s in RoundStatus)),
        "theme_stride": _int(info.get("theme_stride", 1), "cafe.theme_stride", 1, max(1, tables)),
        "created_at": _time(info.get("created_at"), "cafe.created_at"),
    }


def _people(c: Checked, entries: list[Any]) -> None:
    for n, entry in enumerate(entries):
        path = f"participants[{n}]"
        p = _object(entry, path)
        pid = _int(p.get("id"), f"{path}.id", 1, 2**31)
        if pid in c.people:
            raise _fail(f"{path}.id", f"{pid} is given twice")
        name = p.get("name")
        if name is not None:
            name = " ".join(check.text({"name": name}, "name", max_len=10**6, required=False).split())
            if len(name) > check.MAX_PERSON_NAME:
                raise _fail(f"{path}.name", f"at most {check.MAX_PERSON_NAME} characters")
        perspective = p.get("perspective")
        if perspective is not None:
            _one_of(perspective, f"{path}.perspective", PERSPECTIVES)
        host_of = p.get("host_of")
        if host_of is not None:
            host_of = _int(host_of, f"{path}.host_of", 1, MAX_TABLE)
            if host_of not in c.tables:
                raise _fail(f"{path}.host_of", f"table {host_of} is not in tables")
            if c.tables[host_of] is not None:
                raise _fail(f"{path}.host_of", f"table {host_of} already has a host")
            c.tables[host_of] = pid
        c.people[pid] = {"name": name or None, "perspective": perspective,
                         "joined_at": _time(p.get("joined_at"), f"{path}.joined_at")}


def _person(c: Checked, value: Any, path: str) -> int:
    pid = _int(value, path, 1, 2**31)
    if pid not in c.people:
        raise _fail(path, f"participant {pid} is not in participants")
    return pid


def _table(c: Checked, value: Any, path: str) -> int:
    number = _int(value, path, 1, MAX_TABLE)
    if number not in c.tables:
        raise _fail(path, f"table {number} is not in tables")
    return number


def _round(c: Checked, value: Any, path: str) -> int:
    return _int(value, path, 1, c.plan.rounds)


def _theme(c: Checked, value: Any, path: str) -> str:
    names = tuple(t.name for t in c.plan.themes)
    if not isinstance(value, str) or value not in names:
        raise _fail(path, "must be the name of one of the plan's themes")
    return value


def _seating(c: Checked, data: dict[str, Any]) -> None:
    taken: set[tuple[int, int]] = set()
    for n, entry in enumerate(_list(data.get("seats", []), "seats")):
        path = f"seats[{n}]"
        s = _object(entry, path)
        seat = (_person(c, s.get("participant_id"), f"{path}.participant_id"), _round(c, s.get("round"), f"{path}.round"),
                _table(c, s.get("table"), f"{path}.table"))
        if seat[:2] in taken:
            raise _fail(path, f"participant {seat[0]} has two seats in round {seat[1]}")
        taken.add(seat[:2])
        c.seats.append(seat)
    for n, entry in enumerate(_list(data.get("round_themes", []), "round_themes")):
        path = f"round_themes[{n}]"
        t = _object(entry, path)
        round_no, table = _round(c, t.get("round"), f"{path}.round"), _table(c, t.get("table"), f"{path}.table")
        if table in c.round_themes.get(round_no, {}):
            raise _fail(path, f"table {table} has two themes in round {round_no}")
        c.round_themes.setdefault(round_no, {})[table] = _theme(c, t.get("theme"), f"{path}.theme")
    logged: set[int] = set()
    for n, entry in enumerate(_list(data.get("rounds_log", []), "rounds_log")):
        path = f"rounds_log[{n}]"
        r = _object(entry, path)
        round_no = _round(c, r.get("round"), f"{path}.round")
        if round_no in logged:
            raise _fail(path, f"round {round_no} is logged twice")
        logged.add(round_no)
        c.rounds_log.append((round_no, _time(r.get("started_at"), f"{path}.started_at"),
                             _time(r.get("ended_at"), f"{path}.ended_at")))


def _conversation(c: Checked, data: dict[str, Any]) -> None:
    seen: set[str] = set()
    for n, entry in enumerate(_list(data.get("insights", []), "insights")):
        path = f"insights[{n}]"
        i = _object(entry, path)
        insight_id = _new_uuid(i.get("id"), f"{path}.id", seen)
        c.insights.append({
            "id": insight_id, "participant_id": _person(c, i.get("participant_id"), f"{path}.participant_id"),
            "round": _round(c, i.get("round"), f"{path}.round"), "table": _table(c, i.get("table"), f"{path}.table"),
            "theme": _theme(c, i.get("theme"), f"{path}.theme"),
            "text": _text(i.get("text"), f"{path}.text", check.MAX_INSIGHT, multiline=True),
            "do_not_quote": _bool(i.get("do_not_quote", False), f"{path}.do_not_quote"),
            "posted_at": _time(i.get("posted_at"), f"{path}.posted_at", required=True),
        })
    insight_ids = seen
    pairs: set[tuple[str, int]] = set()
    for n, entry in enumerate(_list(data.get("resonances", []), "resonances")):
        path = f"resonances[{n}]"
        r = _object(entry, path)
        insight_id = _uuid(r.get("insight_id"), f"{path}.insight_id")
        if insight_id not in insight_ids:
            raise _fail(f"{path}.insight_id", "is not in insights")
        pair = (insight_id, _person(c, r.get("participant_id"), f"{path}.participant_id"))
        if pair in pairs:
            raise _fail(path, "is given twice")
        pairs.add(pair)
        c.resonances.append(pair)
    written: set[tuple[int, int]] = set()
    for n, entry in enumerate(_list(data.get("handovers", []), "handovers")):
        path = f"handovers[{n}]"
        h = _object(entry, path)
        key = (_round(c, h.get("round"), f"{path}.round"), _table(c, h.get("table"), f"{path}.table"))
        if key in written:
            raise _fail(path, f"table {key[1]} has two hand-overs in round {key[0]}")
        written.add(key)
        host = h.get("host_participant_id")
        try:
            bullets = check.text_list({"bullets": h.get("bullets")}, "bullets", min_items=1,
                                      max_items=check.MAX_BULLETS, max_len=check.MAX_BULLET)
        except Invalid as error:
            raise _fail(f"{path}.bullets", error.message) from None
        c.handovers.append({"round": key[0], "table": key[1], "bullets": bullets,
                            "host": None if host is None else _person(c, host, f"{path}.host_participant_id"),
                            "written_at": _time(h.get("written_at"), f"{path}.written_at")})
    for n, entry in enumerate(_list(data.get("nudges", []), "nudges")):
        path = f"nudges[{n}]"
        item = _object(entry, path)
        c.nudges.append((_text(item.get("text"), f"{path}.text", check.MAX_NUDGE), _time(item.get("at"), f"{path}.at")))


def _feedback(c: Checked, data: dict[str, Any]) -> None:
    seen: set[str] = set()
    for n, entry in enumerate(_list(data.get("feedback", []), "feedback")):
        path = f"feedback[{n}]"
        f = _object(entry, path)
        feedback_id = _new_uuid(f.get("id"), f"{path}.id", seen)
        kind = _one_of(f.get("kind"), f"{path}.kind", ("reflects", "missing"))
        theme = None if f.get("theme") is None else _theme(c, f.get("theme"), f"{path}.theme")
        if kind == "missing":
            text: str | None = _text(f.get("text"), f"{path}.text", check.MAX_NOTE, multiline=True)
        elif f.get("text") is not None:
            raise _fail(f"{path}.text", "a reflects entry has no text")
        else:
            text = None
        c.feedback.append({"id": feedback_id, "kind": kind, "theme": theme, "text": text,
                           "do_not_quote": _bool(f.get("do_not_quote", False), f"{path}.do_not_quote") and kind == "missing",
                           "participant_id": _person(c, f.get("participant_id"), f"{path}.participant_id"),
                           "at": _time(f.get("at"), f"{path}.at")})


def check_export(data: Any) -> Checked:
    """Every field of an export checked (and its texts cleaned) by the rules of live input."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise Invalid(f"not a cafe export: 'format' must be {FORMAT!r}")
    try:
        plan = plan_from_input(data.get("plan"), source="plan")
    except PlanError as error:
        raise Invalid(str(error)) from None
    info = _object(data.get("cafe"), "cafe")
    tables = _list(data.get("tables", []), "tables")
    c = Checked(plan, {})
    for n, entry in enumerate(tables):
        number = _int(_object(entry, f"tables[{n}]").get("number"), f"tables[{n}].number", 1, MAX_TABLE)
        if number in c.tables:
            raise _fail(f"tables[{n}].number", f"table {number} is given twice")
        c.tables[number] = None
    c.cafe = _cafe_info(info, plan, len(c.tables))
    _people(c, _list(data.get("participants", []), "participants"))
    _seating(c, data)
    _conversation(c, data)
    _feedback(c, data)
    return c

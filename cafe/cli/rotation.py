"""`cafe rotation FILE.json`: plan a whole café's seating from a JSON request and print it as JSON.

Input: {"participants": [{"id", "perspective"?, "host"?, "stays"?}], "tables", "rounds",
"themes"?, "theme_mode"? ("rotate" | "fixed"), "min_size"?, "max_size"?, "seed"?, "seating"?}
where "seating" holds the rounds already seated, in the shape of the output's "rounds".
Output: {"rounds": [[{"table", "theme", "host", "members"}, ...], ...], "metrics": {...}}.
Bad input gets one line on standard error and exit status 2.
"""
from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from typing import Any, Literal, overload

from cafe.domain.rotation.planner import Participant, RotationError, RotationRequest, TableSeating, plan_rotation
from cafe.domain.rotation.metrics import plan_metrics

FIELDS = {"participants", "tables", "rounds", "themes", "theme_mode", "min_size", "max_size", "seed", "seating"}
PERSON_FIELDS = {"id", "perspective", "host", "stays"}
TABLE_FIELDS = {"table", "theme", "host", "members"}


class InputError(ValueError):
    """The request file is not a valid rotation request."""


@overload
def _integer(value: Any, where: str, *, optional: Literal[False] = False) -> int: ...
@overload
def _integer(value: Any, where: str, *, optional: bool) -> int | None: ...
def _integer(value: Any, where: str, *, optional: bool = False) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"{where} must be a whole number, not {json.dumps(value)}")
    return value


def _person_id(value: Any, where: str) -> int | str:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise InputError(f"{where} must be a number or a string, not {json.dumps(value)}")
    return value


def _object(value: Any, allowed: set[str], where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise InputError(f"{where} must be an object")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise InputError(f"{where} has unknown field {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise InputError(f"{where} must be a list")
    return value


def _flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise InputError(f"{where} must be true or false")
    return value


def _participant(raw: Any, i: int) -> Participant:
    where = f"participants[{i}]"
    data = _object(raw, PERSON_FIELDS, where)
    if "id" not in data:
        raise InputError(f"{where} has no id")
    perspective = data.get("perspective")
    if perspective is not None and not isinstance(perspective, str):
        raise InputError(f"{where}.perspective must be a string or null")
    return Participant(_person_id(data["id"], f"{where}.id"), perspective or None,
                       _flag(data.get("host", False), f"{where}.host"), _flag(data.get("stays", False), f"{where}.stays"))


def _table(raw: Any, where: str) -> TableSeating:
    data = _object(raw, TABLE_FIELDS, where)
    if "table" not in data or "members" not in data:
        raise InputError(f"{where} needs table and members")
    theme = data.get("theme")
    if theme is not None and not isinstance(theme, str):
        raise InputError(f"{where}.theme must be a string or null")
    host = data.get("host")
    members = tuple(_person_id(m, f"{where}.members") for m in _list(data["members"], f"{where}.members"))
    return TableSeating(_integer(data["table"], f"{where}.table"), theme,
                        None if host is None else _person_id(host, f"{where}.host"), members)


def parse_request(data: Any) -> RotationRequest:
    """A RotationRequest from decoded JSON; InputError says what is wrong."""
    data = _object(data, FIELDS, "the request")
    for required in ("participants", "tables", "rounds"):
        if required not in data:
            raise InputError(f"the request has no {required!r}")
    themes = _list(data.get("themes", []), "themes")
    if not all(isinstance(t, str) for t in themes):
        raise InputError("themes must be a list of names")
    seating = tuple(
        tuple(_table(t, f"seating[{r}][{i}]") for i, t in enumerate(_list(tables, f"seating[{r}]")))
        for r, tables in enumerate(_list(data.get("seating", []), "seating"))
    )
    mode = data.get("theme_mode", "rotate")
    if not isinstance(mode, str):
        raise InputError("theme_mode must be \"rotate\" or \"fixed\"")
    return RotationRequest(
        participants=tuple(_participant(p, i) for i, p in enumerate(_list(data["participants"], "participants"))),
        tables=_integer(data["tables"], "tables"),
        rounds=_integer(data["rounds"], "rounds"),
        themes=tuple(themes),
        theme_mode=mode,
        min_size=_integer(data.get("min_size", 1), "min_size", optional=True) or 0,
        max_size=_integer(data.get("max_size"), "max_size", optional=True),
        seed=_integer(data.get("seed", 0), "seed"),
        seating=seating,
    )


def plan_json(request: RotationRequest) -> dict[str, Any]:
    """The plan and its quality figures, shaped for output."""
    rounds = plan_rotation(request)
    return {
        "rounds": [[{"table": t.table, "theme": t.theme, "host": t.host, "members": list(t.members)} for t in tables]
                   for tables in rounds],
        "metrics": plan_metrics(rounds, request.participants, themes_move=request.theme_mode == "rotate"),
    }


def run(path: str) -> int:
    """Read the request at `path` (or standard input for -), print the plan; 2 for bad input."""
    name = "<stdin>" if path == "-" else path
    try:
        if path == "-":
            raw = sys.stdin.read()
        else:
            with open(path, encoding="utf-8") as handle:
                raw = handle.read()
        result = plan_json(parse_request(json.loads(raw)))
    except (OSError, ValueError) as error:  # InputError, RotationError and JSONDecodeError are ValueErrors
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        print(f"cafe rotation: {name}: {message}", file=sys.stderr)
        return 2
    print(json.dumps(result, ensure_ascii=False))
    return 0


__all__ = ["InputError", "RotationError", "parse_request", "plan_json", "run"]

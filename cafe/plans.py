"""Café plan files on disk: find them, read them, and report what is wrong with a bad one."""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from cafe.domain.plan import Plan, PlanError, plan_from_dict

# tomllib puts the position at the end of its message; we lift it out to point at the line.
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_TOML_AT_END = re.compile(r"\s*\(at end of document\)\s*$")


@dataclass
class PlanEntry:
    """A plan file in the sessions folder: its plan, or why it could not be read."""

    file: str
    plan: Plan | None
    error: PlanError | None


def sessions_dir() -> Path:
    """The folder of shipped plans, or the one named by CAFE_SESSIONS_DIR."""
    configured = os.environ.get("CAFE_SESSIONS_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parent.parent / "sessions"


def parse_plan_text(text: str, source: str) -> Plan:
    """Parse and check the text of a plan file; `source` names it in errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        line: int | None = None
        found = _TOML_POSITION.search(message)
        if found:
            line = int(found.group(1))
            message = f"{message[:found.start()]} (column {found.group(2)})"
        elif _TOML_AT_END.search(message):
            line = max(1, len(text.splitlines()))
            message = _TOML_AT_END.sub(" (at the end of the file)", message)
        raise PlanError(f"TOML syntax error: {message}", source=source, line=line) from None
    return plan_from_dict(data, source=source, text=text)


def load_plan(path: Path | str) -> Plan:
    """Read one plan file; any problem, including an unreadable file, is a PlanError."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise PlanError(f"cannot read the file: {reason}", source=path.name) from None
    try:
        # utf-8-sig: editors such as Notepad start files with a byte-order mark.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise PlanError("the file is not UTF-8 text", source=path.name, line=line) from None
    return parse_plan_text(text, path.name)


def list_plans(directory: Path | None = None) -> list[PlanEntry]:
    """Every *.toml plan in the folder, sorted by file name, each loaded or with its error."""
    folder = sessions_dir() if directory is None else Path(directory)
    if not folder.is_dir():
        return []
    entries = []
    for path in sorted(folder.glob("*.toml"), key=lambda p: p.name):
        if not path.is_file():
            continue
        try:
            entries.append(PlanEntry(path.name, load_plan(path), None))
        except PlanError as exc:
            entries.append(PlanEntry(path.name, None, exc))
    return entries


def plan_path(name: str, directory: Path | None = None) -> Path:
    """The path of a plan chosen by bare file name; anything that could leave the folder is refused."""
    folder = sessions_dir() if directory is None else Path(directory)
    bad = (
        not isinstance(name, str) or not name or name in (".", "..")
        or any(ch in name for ch in "/\\\0:") or name.startswith(".")
        or Path(name).name != name or not name.endswith(".toml")
    )
    if bad:
        raise PlanError("not a plan file name (expected something like my-cafe.toml)",
                        source=str(name), field="plan")
    path = folder / name
    if not path.is_file():
        raise PlanError(f"no such plan in {folder.name}/", source=name, field="plan")
    return path

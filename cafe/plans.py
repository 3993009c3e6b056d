"""Café plan files on disk: find them, read them, and report what is wrong with a bad one."""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from cafe import tomlguard
from cafe.domain.plan import Plan, PlanError, plan_from_input

log = logging.getLogger(__name__)


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


def parse_plan_text(text: str, source: str, *, isolated: bool = False) -> Plan:
    """Parse and check the text of a plan file; `source` names it in errors. Text whose shape no
    plan needs is refused before parsing (cafe.tomlguard); `isolated` parses in a child process
    with a time and memory budget, for files anyone may upload."""
    try:
        if isolated:
            try:
                data = tomlguard.parse_isolated(text)
            except tomlguard.ChildFailed as error:
                # Still bounded by the pre-scan; only the budget is missing.
                log.warning("plan upload parsed in the server process: %s", error)
                data = tomlguard.parse(text)
        else:
            data = tomlguard.parse(text)
    except tomlguard.TomlRefused as error:
        raise PlanError(error.message, source=source, line=error.line) from None
    return plan_from_input(data, source=source, text=text)


def load_plan(path: Path | str) -> Plan:
    """Read one plan file; any problem, including an unreadable file, is a PlanError."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(tomlguard.MAX_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise PlanError(f"cannot read the file: {reason}", source=path.name) from None
    if len(raw) > tomlguard.MAX_BYTES:
        raise PlanError(f"the file is larger than {tomlguard.MAX_BYTES // 1024} KB: a plan needs a few KB",
                        source=path.name)
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

"""`cafe harvest FILE.csv [--k N] [--json]`: group a file of insights into labelled sub-themes.

Input: a CSV with columns `text` and `group` (optional `votes`, `perspective`); each group is
harvested like a theme. Output (with --json): {"groups": {"<group>": {"subthemes": [{"label",
"members": [row, ...], "quote": row | null,
"duplicates": [[row, ...], ...]}]}}, "crosscutting": [{"label", "groups",
"subthemes": [{"group", "index"}]}]}, rows counted from 0 over data rows. Cross-cutting
patterns are defined in cafe.domain.harvest.crosscut. Bad input: one line on stderr, exit status 2.
"""
from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Sequence
from typing import Any

from cafe.domain.harvest.crosscut import crosscutting
from cafe.domain.harvest.grouping import WordVectors
from cafe.domain.harvest.themes import HarvestInsight, build_harvest
from cafe.wordvectors import word_vectors

REQUIRED = ("text", "group")


class InputError(Exception):
    """Input the harvest cannot use; its message is the one line the user sees."""


def _rows(handle, path: str) -> list[dict[str, str]]:
    reader = csv.DictReader(handle)
    columns = [c.strip() for c in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise InputError(f"{path}: missing column(s): {', '.join(missing)} "
                         f"(need text and group; votes and perspective are optional)")
    return [{(key or "").strip(): (value or "") for key, value in row.items()} for row in reader]


def read_rows(path: str) -> list[dict[str, str]]:
    """The data rows of a CSV file, checked for the columns and values the harvest needs."""
    try:
        if path == "-":  # standard input, as `cafe rotation -` takes it
            rows = _rows(io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", newline=""), "stdin")
        else:
            with open(path, newline="", encoding="utf-8-sig") as handle:
                rows = _rows(handle, path)
    except OSError as error:
        raise InputError(f"{path}: {error.strerror or error}") from error
    except (UnicodeDecodeError, csv.Error) as error:
        raise InputError(f"{path}: not a readable UTF-8 CSV file ({error})") from error
    for number, row in enumerate(rows):
        where = f"{path}: data row {number} (line {number + 2})"
        if not row["text"].strip():
            raise InputError(f"{where}: empty text")
        if not row["group"].strip():
            raise InputError(f"{where}: empty group")
        votes = (row.get("votes") or "").strip()
        if votes and not (votes.isdigit() and votes.isascii()):
            raise InputError(f"{where}: votes must be a whole number of 0 or more, not {votes!r}")
    return rows


def parse_k(raw: str | None) -> int | None:
    """--k as a positive whole number, or None when not given."""
    if raw is None:
        return None
    try:
        k = int(raw)
    except ValueError:
        k = 0
    if k < 1:
        raise InputError(f"--k must be a whole number of 1 or more, not {raw!r}")
    return k


def harvest_rows(rows: Sequence[dict[str, str]], k: int | None = None,
                 vectors: WordVectors | None = None) -> dict[str, Any]:
    """The JSON-ready harvest of checked rows, groups in order of first appearance."""
    insights = [
        HarvestInsight(id=str(n), theme=row["group"].strip(), table=0, round=0, text=row["text"],
                       perspective=(row.get("perspective") or "").strip() or None,
                       resonance=int((row.get("votes") or "0").strip() or 0))
        for n, row in enumerate(rows)
    ]
    themes = build_harvest(insights, [], k=k, word_vectors=vectors)
    groups = {
        theme.theme: {"subthemes": [
            {"label": sub.label, "members": sorted(int(i) for i in sub.insight_ids),
             "quote": None if sub.quote is None else int(sub.quote),
             "duplicates": [[int(i) for i in same] for same in sub.duplicates]}
            for sub in theme.subthemes
        ]}
        for theme in themes
    }
    texts = {ins.id: ins.text for ins in insights}
    patterns = crosscutting({theme.theme: [(sub.label, [texts[i] for i in sub.insight_ids])
                                           for sub in theme.subthemes] for theme in themes})
    return {"groups": groups, "crosscutting": [
        {"label": p.label, "groups": list(p.groups),
         "subthemes": [{"group": g, "index": i} for g, i in p.members]}
        for p in patterns
    ]}


def _as_text(result: dict[str, Any]) -> str:
    lines = []
    for group, body in result["groups"].items():
        lines.append(group)
        for sub in body["subthemes"]:
            lines.append(f"  {sub['label']} ({len(sub['members'])})")
    if result["crosscutting"]:
        lines.append("Across groups")
        for pattern in result["crosscutting"]:
            lines.append(f"  {pattern['label']}: {', '.join(pattern['groups'])}")
    return "\n".join(lines)


def run(args) -> int:
    """Harvest the file named in args and print it; 2 with one line on stderr on bad input."""
    try:
        k = parse_k(args.k)
        rows = read_rows(args.file)
    except InputError as error:
        print(f"cafe harvest: {error}", file=sys.stderr)
        return 2
    result = harvest_rows(rows, k, None if args.no_embeddings else word_vectors())
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else _as_text(result))
    return 0

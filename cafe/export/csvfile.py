"""The café's insights as CSV, one row per insight, safe to open in a spreadsheet."""
from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

from cafe.export.across import hosts, host_name
from cafe.export.report import hidden_ids

COLUMNS = ("cafe", "round", "table", "theme", "host", "perspective", "author", "resonance", "posted_at", "text")
NOT_QUOTED = "(not quoted at the author's request)"
HIDDEN = "(hidden by the facilitator)"
# A cell starting with one of these is run as a formula by spreadsheets (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """A value a spreadsheet will show as text, never evaluate."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def render_csv(data: Mapping[str, Any], labels: Mapping[str, str] | None = None) -> str:
    """CSV text; perspectives stay as keys, the host of the table in that round is named like authors;
    a do_not_quote or hidden insight's text is withheld (its row still counts)."""
    del labels  # CSV keeps the stable keys so it can be analysed and joined on
    code = data.get("cafe", {}).get("code", "")
    tables = {t["number"]: t["label"] for t in data.get("tables", [])}
    people = {p["id"]: p for p in data.get("participants", [])}
    hidden = hidden_ids(data)
    host_ids = hosts(data)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    ordered = sorted(data.get("insights", []), key=lambda i: (i.get("round", 0), i.get("table", 0), i.get("posted_at", "")))
    for insight in ordered:
        person = people.get(insight.get("participant_id"), {})
        host = host_ids.get((insight.get("round"), insight.get("table")))
        row = (
            code,
            insight.get("round"),
            tables.get(insight.get("table"), insight.get("table")),
            insight.get("theme", ""),
            host_name(people.get(host, {})) if host is not None else "",
            person.get("perspective") or "",
            person.get("name") or "anonymous",
            insight.get("resonance", 0),
            insight.get("posted_at", ""),
            NOT_QUOTED if insight.get("do_not_quote") else HIDDEN if insight.get("id") in hidden else insight.get("text", ""),
        )
        writer.writerow([cell(value) for value in row])
    return out.getvalue()

"""The café report as a printable, standalone HTML page (needs an app context)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import render_template

from cafe.export import charts
from cafe.export.report import build_report
from cafe.export.voices import rule_text


def render_html(data: Mapping[str, Any], labels: Mapping[str, str] | None = None) -> str:
    """The whole report as one HTML page with inline SVG charts; Jinja escapes every piece of user text."""
    return render_template("report.html", report=build_report(data, labels), charts=charts, rule_text=rule_text())

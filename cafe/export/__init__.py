"""Renderers from a "cafe-export/1" dict to the formats a facilitator downloads."""
from __future__ import annotations

from cafe.export.csvfile import render_csv
from cafe.export.html import render_html
from cafe.export.markdown import render_markdown

__all__ = ["render_csv", "render_html", "render_markdown"]

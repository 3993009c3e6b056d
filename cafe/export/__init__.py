"""Renderers from a "cafe-export/1" dict to the formats a facilitator downloads."""
from __future__ import annotations

from cafe.export.csvfile import render_csv
from cafe.export.docx import render_docx
from cafe.export.html import render_html
from cafe.export.markdown import render_markdown
from cafe.export.pdf import render_pdf

__all__ = ["render_csv", "render_docx", "render_html", "render_markdown", "render_pdf"]

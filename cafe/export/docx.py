"""The café report as a Word document (python-docx): the same outline as the PDF and HTML report.

Charts are tables of text bars (█), so they read the same in any word processor, with a screen
reader, and when printed in black and white; the figures stand next to every bar.
"""
from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from flask_babel import gettext as _

from cafe.export import charts
from cafe.export.report import Quote, Theme, build_report
from cafe.export.sections import Section, sections
from cafe.export.voices import VoiceTable

MUTED = RGBColor(0x55, 0x55, 0x5F)
_BAR = "█"
_BAR_WIDTH = 24


def _bar(fraction: float) -> str:
    return _BAR * max(1 if fraction > 0 else 0, round(_BAR_WIDTH * max(0.0, min(1.0, fraction))))


_STYLE_IDS: dict[str, str] = {}


def _paragraph(doc: Any, text: str, style: str) -> Any:
    """doc.add_paragraph(text, style), with the style's id looked up once: python-docx looks a style
    name up among all the template's styles on every paragraph (10 s for a report of 2,000 quotes).
    Every report starts from python-docx's default template, so a name's id is the same in all."""
    if style not in _STYLE_IDS:
        _STYLE_IDS[style] = doc.styles[style].style_id
    paragraph = doc.add_paragraph(text)
    paragraph._p.style = _STYLE_IDS[style]
    return paragraph


def _meta(doc: Any, text: str) -> None:
    run = doc.add_paragraph().add_run(text)
    run.font.size, run.font.color.rgb = Pt(9), MUTED


def _quote(doc: Any, quote: Quote, suffix: str = "") -> None:
    _paragraph(doc, f"“{quote.text}”", "Quote")
    _meta(doc, f"— {quote.provenance}{suffix}")


def _table(doc: Any, head: tuple[str, ...], rows: Sequence[Sequence[str]], right_from: int = 1) -> None:
    table = doc.add_table(rows=1, cols=len(head))
    table.style = "Light List Accent 1"
    for cell, text in zip(table.rows[0].cells, head, strict=False):
        cell.text = text
    for row in rows:
        cells = table.add_row().cells
        for n, (cell, text) in enumerate(zip(cells, row, strict=False)):
            cell.text = text
            if n >= right_from:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph()


def _size_chart(doc: Any, theme: Theme) -> None:
    bars = charts.size_bars(theme)
    most = max((b.count for b in bars), default=0) or 1
    _meta(doc, charts.size_title(theme))
    _table(doc, (_("Sub-theme"), _("Size"), ""), [(b.label, b.text, _bar(b.count / most)) for b in bars], right_from=3)


def _voice_chart(doc: Any, table: VoiceTable, where: str) -> None:
    _meta(doc, charts.voice_title(where))
    rows = [(b.label, _("Insights") + " " + _bar(b.insight_share) + "\n" + _("Room") + " " + _bar(b.room_share), b.text)
            for b in charts.voice_bars(table)]
    _table(doc, (_("Perspective"), _("Share of insights and of the room"), ""), rows, right_from=3)
    head = (_("Perspective"), _("People"), _("Share of the room"), _("Insights"), _("Share of insights"), _("Share of resonance"))
    _table(doc, head, [(r.label, str(r.room), r.room_pct, str(r.insights), r.insight_pct, r.resonance_pct)
                       for r in [*table.rows, table.lived]])


def _block(doc: Any, block: Section) -> None:
    kind, value = block.kind, block.value
    if kind == "heading":
        level = 0 if block.level == 1 else block.level - 1
        _paragraph(doc, value, "Title" if level == 0 else f"Heading {level}")
    elif kind == "text":
        doc.add_paragraph(value)
    elif kind == "meta":
        _meta(doc, value)
    elif kind == "bullet":
        _paragraph(doc, value, "List Bullet 2" if block.indent else "List Bullet")
    elif kind == "quote":
        _quote(doc, value, block.extra or "")
    elif kind == "flags":
        for flag in value:
            paragraph = doc.add_paragraph()
            paragraph.add_run("⚑ " + flag).bold = True
    elif kind == "size_chart":
        _size_chart(doc, value)
    elif kind == "voice_chart":
        _voice_chart(doc, value, block.extra or "")


# Fonts Word should use for the scripts the Latin default lacks; a word processor without them
# substitutes its own font for that script, never dropping the text.
EAST_ASIAN_FONT = "Noto Sans CJK SC"
COMPLEX_SCRIPT_FONT = "Arial"


def _rtl(text: str) -> bool:
    """Whether a paragraph reads right to left: its first strongly directional letter decides (Unicode bidi rule P2)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def _paragraphs(doc: Any) -> Iterator[Any]:
    yield from doc.paragraphs
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def _scripts(doc: Any) -> None:
    """Name fonts for East Asian and complex scripts, and mark right-to-left paragraphs and runs,
    so Arabic and Hebrew read right in Word as they do in the PDF."""
    fonts = doc.styles["Normal"].element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    fonts.set(qn("w:cs"), COMPLEX_SCRIPT_FONT)
    for paragraph in _paragraphs(doc):
        if not _rtl(paragraph.text):
            continue
        paragraph._p.get_or_add_pPr().append(OxmlElement("w:bidi"))
        for run in paragraph.runs:
            run._r.get_or_add_rPr().append(OxmlElement("w:rtl"))


def render_docx(data: Mapping[str, Any], labels: Mapping[str, str] | None = None) -> bytes:
    """The whole report as a .docx file."""
    report = build_report(data, labels)
    doc = Document()
    doc.core_properties.title = f"{report.title} · {_('Harvest report')}"
    doc.core_properties.author = "cafe"
    for block in sections(report):
        _block(doc, block)
    _scripts(doc)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()

"""The café report as PDF (fpdf2), the same summary as the HTML report, charts drawn as shapes.

Text uses DejaVu Sans, shipped in the package with its licence, so any machine renders Latin,
Greek, Cyrillic, Arabic, Hebrew and more. Fonts from Debian packages (scripts/setup.sh installs them)
are fallbacks for the scripts DejaVu lacks: Chinese and Japanese (fonts-droid-fallback), Korean (fonts-alee),
Devanagari (fonts-lohit-deva) and emoji, in black and white (fonts-symbola). With uharfbuzz installed
the text is shaped, so Arabic joins and reads right to left and Devanagari's marks sit where they belong.
A missing font leaves its script out (as empty boxes), never the report; `missing_fonts()` says which.
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos
from fpdf.fonts import FontFace

from cafe.export import charts
from cafe.export.report import Quote, Report, Theme, build_report
from cafe.export.sections import Section, sections
from cafe.export.voices import VoiceTable

FONTS = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"
# Scripts DejaVu lacks, by the Debian package that brings a font for them; the first font found of
# each group is used (system fonts, never downloaded at run time).
_FALLBACKS: dict[str, tuple[Path, ...]] = {
    "fonts-droid-fallback (Chinese, Japanese, Korean)": (
        Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
        Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
        Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
    ),
    "fonts-alee (Korean Hangul, which the Droid fallback lacks)": (
        Path("/usr/share/fonts/truetype/alee/Guseul.ttf"),
        Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf"),
        Path("/usr/share/fonts/truetype/baekmuk/gulim.ttf"),
    ),
    "fonts-lohit-deva (Devanagari)": (
        Path("/usr/share/fonts/truetype/lohit-devanagari/Lohit-Devanagari.ttf"),
        Path("/usr/share/fonts/truetype/noto/NotoSansDevanagari-Regular.ttf"),
    ),
    "fonts-symbola (emoji)": (
        Path("/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf"),
        Path("/usr/share/fonts/truetype/ancient-scripts/Symbola.ttf"),
    ),
}


def _fallback_fonts() -> list[Path]:
    found = (next((p for p in paths if p.exists()), None) for paths in _FALLBACKS.values())
    return [p for p in found if p is not None]


def missing_fonts() -> list[str]:
    """The Debian packages whose fonts the PDF would like but this machine lacks."""
    return [name for name, paths in _FALLBACKS.items() if not any(p.exists() for p in paths)]


def _shaping_available() -> bool:
    try:
        import uharfbuzz  # noqa: F401  (fpdf2 shapes text with it)
    except ImportError:
        return False
    return True
INK, MUTED, ACCENT, FLAG_BG, HEAD_BG = (27, 27, 31), (85, 85, 95), (11, 92, 173), (255, 248, 230), (236, 234, 228)


class _Pdf(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED)
        self.cell(0, 6, str(self.page_no()), align="C")


def _document(report: Report) -> _Pdf:
    pdf = _Pdf(format="A4")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    fallbacks = []
    for n, path in enumerate(_fallback_fonts()):
        pdf.add_font(f"fallback{n}", "", str(path))
        fallbacks.append(f"fallback{n}")
    if fallbacks:
        # exact_match=False: bold text in a script DejaVu lacks falls back to the regular face.
        pdf.set_fallback_fonts(fallbacks, exact_match=False)
    if _shaping_available():
        pdf.set_text_shaping(True)
    pdf.set_title(f"{report.title} · {_('Harvest report')}")
    pdf.set_creator("cafe")
    pdf.set_lang("en")
    pdf.add_page()
    return pdf


class _Writer:
    """Headings, paragraphs, lists, quotes, flags, tables and bar charts on the page."""

    def __init__(self, pdf: _Pdf) -> None:
        self.pdf = pdf

    def text(self, text: str, size: float = 10.5, bold: bool = False, color: tuple[int, int, int] = INK,
             indent: float = 0, fill: bool = False) -> None:
        pdf = self.pdf
        pdf.set_font(FONT, "B" if bold else "", size)
        pdf.set_text_color(*color)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, fill=fill, padding=(1, 2) if fill else 0,
                       align=Align.L)

    def heading(self, text: str, level: int) -> None:
        size = {1: 20, 2: 15, 3: 12, 4: 10.5}[level]
        if level == 2 and self.pdf.get_y() > self.pdf.h * 0.7:
            self.pdf.add_page()
        self.pdf.ln(3 if level > 2 else 5)
        if level <= 3:
            self.pdf.start_section(text, level=level - 1)
        self.text(text, size, bold=True)
        self.pdf.ln(1)

    def bullet(self, text: str, indent: float = 0, mark: str = "•") -> None:
        """A list item with a hanging indent, so wrapped lines align with the text, not the mark."""
        pdf = self.pdf
        pdf.set_font(FONT, "", 10.5)
        pdf.set_text_color(*INK)
        pdf.set_x(pdf.l_margin + indent + 2)
        pdf.cell(4, 5.25, mark)
        pdf.multi_cell(0, 5.25, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align=Align.L)

    def quote(self, quote: Quote, indent: float = 4, suffix: str = "") -> None:
        self.text(f"“{quote.text}”", 11, indent=indent)
        self.text(f"— {quote.provenance}{suffix}", 9, color=MUTED, indent=indent)

    def flags(self, flags: list[str], indent: float = 0) -> None:
        self.pdf.set_fill_color(*FLAG_BG)
        for flag in flags:
            self.text(f"⚑ {flag}", indent=indent, fill=True)
            self.pdf.ln(1)

    def voice_table(self, table: VoiceTable) -> None:
        pdf = self.pdf
        pdf.set_font(FONT, "", 8.5)
        pdf.set_text_color(*INK)
        head = (_("Perspective"), _("People"), _("Share of the room"), _("Insights"), _("Share of insights"), _("Share of resonance"))
        pdf.set_draw_color(*MUTED)
        pdf.set_fill_color(255, 255, 255)  # the bars' colour must not leak into the cells
        heading = FontFace(emphasis="BOLD", fill_color=HEAD_BG, color=INK)
        with pdf.table(col_widths=(38, 12, 14, 12, 14, 14), text_align=("LEFT",) + ("RIGHT",) * 5, line_height=4.5,
                       headings_style=heading, cell_fill_mode="NONE") as grid:
            grid.row(head)
            for row in [*table.rows, table.lived]:
                grid.row((row.label, str(row.room), row.room_pct, str(row.insights), row.insight_pct, row.resonance_pct))
        pdf.ln(2)

    def size_chart(self, theme: Theme) -> None:
        bars = charts.size_bars(theme)
        most = max((b.count for b in bars), default=0) or 1
        self._chart_title(charts.size_title(theme), len(bars) * 6.5)
        for bar in bars:
            self._bar_row(bar.label, bar.text, [(bar.count / most, True)])

    def voice_chart(self, table: VoiceTable, where: str) -> None:
        bars = charts.voice_bars(table)
        self._chart_title(charts.voice_title(where), len(bars) * 11 + 6)
        pdf = self.pdf
        x, y = pdf.l_margin + 62, pdf.get_y()
        pdf.set_fill_color(*ACCENT)
        pdf.rect(x, y + 1, 5, 3, style="F")
        pdf.set_draw_color(*INK)
        with pdf.local_context(dash_pattern={"dash": 1, "gap": 0.7}):
            pdf.rect(x + 50, y + 1, 5, 3, style="D")
        pdf.set_font(FONT, "", 8.5)
        pdf.text(x + 7, y + 4, _("Share of insights"))
        pdf.text(x + 57, y + 4, _("Share of the room"))
        pdf.ln(7)
        for bar in bars:
            self._bar_row(bar.label, bar.text, [(bar.insight_share, True), (bar.room_share, False)], two_lines=True)

    def _chart_title(self, title: str, height: float) -> None:
        if self.pdf.will_page_break(height + 8):
            self.pdf.add_page()
        self.text(title, 9, bold=True, color=MUTED)
        self.pdf.ln(1)

    def _bar_row(self, label: str, value: str, bars: list[tuple[float, bool]], two_lines: bool = False) -> None:
        """A label (and its figures) at the left, one bar per (fraction, filled) at the right."""
        pdf = self.pdf
        x0, y = pdf.l_margin, pdf.get_y()
        label_w, span = 60.0, pdf.w - pdf.l_margin - pdf.r_margin - 62 - (0 if two_lines else 28)
        pdf.set_font(FONT, "", 8.5)
        pdf.set_text_color(*INK)
        short = label if pdf.get_string_width(label) <= label_w else label[:40].rstrip() + "…"
        while pdf.get_string_width(short) > label_w and len(short) > 2:
            short = short[:-2].rstrip() + "…"
        pdf.text(x0, y + 3.5, short)
        if two_lines:
            pdf.set_text_color(*MUTED)
            pdf.text(x0, y + 7.8, value)
        for n, (fraction, filled) in enumerate(bars):
            top, width = y + 0.8 + n * 4.4, max(0.4, span * max(0.0, min(1.0, fraction)))
            if filled:
                pdf.set_fill_color(*ACCENT)
                pdf.rect(x0 + 62, top, width, 3.4, style="F")
            else:
                with pdf.local_context(dash_pattern={"dash": 1, "gap": 0.7}):
                    pdf.rect(x0 + 62, top, width, 3.4, style="D")
            if not two_lines:
                pdf.text(x0 + 64 + width, top + 2.8, value)
        pdf.set_y(y + (11 if two_lines else 6.5))


def _block(w: _Writer, block: Section) -> None:
    """One piece of the shared section outline, drawn."""
    kind, value = block.kind, block.value
    if kind == "heading":
        w.heading(value, block.level)
    elif kind in ("text", "meta"):
        w.text(value, 10.5 if kind == "text" else 9, color=INK if kind == "text" else MUTED, indent=block.indent)
    elif kind == "bullet":
        w.bullet(value, block.indent)
    elif kind == "quote":
        w.quote(value, indent=4 + block.indent, suffix=block.extra or "")
    elif kind == "flags":
        w.flags(value, block.indent)
    elif kind == "size_chart":
        w.size_chart(value)
    elif kind == "voice_chart":
        w.voice_chart(value, block.extra or "")
        w.voice_table(value)


def render_pdf(data: Mapping[str, Any], labels: Mapping[str, str] | None = None) -> bytes:
    """The whole report as a PDF file."""
    report = build_report(data, labels)
    pdf = _document(report)
    writer = _Writer(pdf)
    for block in sections(report):
        _block(writer, block)
    return bytes(pdf.output())

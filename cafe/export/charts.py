"""Bar charts for the report, as data (for PDF and Word) and as inline SVG (for HTML).

Every chart carries its meaning in words too: an SVG <title> and <desc>, a number printed at
every bar, and an adjacent list or table in the report. Colour only repeats what the text says;
the room share is drawn as an outline and the insight share as a filled bar, so the two differ
in shape as well as colour.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup, escape

from cafe.export.report import Theme
from cafe.export.voices import VoiceTable

INK, ACCENT, MUTED, LINE = "#1b1b1f", "#0b5cad", "#55555f", "#8a8780"
_WIDTH, _LABEL_W, _ROW = 640, 240, 26
_LABEL_CHARS = 30


@dataclass
class SizeBar:
    label: str
    count: int
    text: str  # "12 insights"


@dataclass
class VoiceBar:
    label: str
    insight_share: float
    room_share: float
    text: str  # "Insights 8% · room 35%"
    lived: bool


def size_bars(theme: Theme) -> list[SizeBar]:
    """Sub-theme sizes of a theme, in the order the report lists them."""
    return [SizeBar(s.label, s.count, ngettext("%(num)d insight", "%(num)d insights", s.count)) for s in theme.subthemes]


def voice_bars(table: VoiceTable) -> list[VoiceBar]:
    """Each perspective's share of insights against its share of the room, then lived experience together."""
    rows = [*table.rows, table.lived]
    return [VoiceBar(r.label, r.insight_share, r.room_share,
                     _("Insights %(insights)s · room %(room)s", insights=r.insight_pct, room=r.room_pct), r.lived)
            for r in rows]


def size_title(theme: Theme) -> str:
    return _("Sub-theme sizes: %(theme)s", theme=theme.name)


def voice_title(where: str) -> str:
    return _("Voice balance: %(where)s", where=where)


def _short(text: str) -> str:
    return text if len(text) <= _LABEL_CHARS else text[: _LABEL_CHARS - 1].rstrip() + "…"


def _svg(ident: str, title: str, desc: str, height: int, body: list[str]) -> Markup:
    head = (f'<svg class="chart" role="img" aria-labelledby="{ident}-t {ident}-d" viewBox="0 0 {_WIDTH} {height}" '
            f'width="100%" xmlns="http://www.w3.org/2000/svg" '
            f'font-family="system-ui, sans-serif" font-size="13">'
            f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(desc)}</desc>')
    return Markup(head + "".join(body) + "</svg>")


def size_svg(theme: Theme, ident: str) -> Markup:
    """Horizontal bars of sub-theme sizes, each labelled with its name and count."""
    bars = size_bars(theme)
    most = max((b.count for b in bars), default=0) or 1
    span = _WIDTH - _LABEL_W - 110
    body = []
    for n, bar in enumerate(bars):
        y = n * _ROW
        width = max(2.0, span * bar.count / most)
        body.append(f'<text x="0" y="{y + 17}" fill="{INK}">{escape(_short(bar.label))}</text>'
                    f'<rect x="{_LABEL_W}" y="{y + 5}" width="{width:.1f}" height="16" fill="{ACCENT}"/>'
                    f'<text x="{_LABEL_W + width + 6:.1f}" y="{y + 17}" fill="{INK}">{escape(bar.text)}</text>')
    desc = "; ".join(f"{b.label}: {b.text}" for b in bars)
    return _svg(ident, size_title(theme), desc, max(1, len(bars)) * _ROW + 4, body)


def voice_svg(table: VoiceTable, ident: str, where: str) -> Markup:
    """Per perspective, a filled bar for its share of insights over an outlined bar for its share of the room."""
    bars = voice_bars(table)
    span = _WIDTH - _LABEL_W - 10
    legend = (f'<rect x="{_LABEL_W}" y="4" width="14" height="10" fill="{ACCENT}"/>'
              f'<text x="{_LABEL_W + 20}" y="13" fill="{INK}">{escape(_("Share of insights"))}</text>'
              f'<rect x="{_LABEL_W + 190}" y="4" width="14" height="10" fill="none" stroke="{INK}" stroke-dasharray="3 2"/>'
              f'<text x="{_LABEL_W + 210}" y="13" fill="{INK}">{escape(_("Share of the room"))}</text>')
    body = [legend]
    row = 44
    for n, bar in enumerate(bars):
        y = 24 + n * row
        weight = ' font-weight="bold"' if bar is bars[-1] else ""
        body.append(
            f'<text x="0" y="{y + 14}" fill="{INK}"{weight}>{escape(_short(bar.label))}</text>'
            f'<text x="0" y="{y + 31}" fill="{MUTED}" font-size="12">{escape(bar.text)}</text>'
            f'<rect x="{_LABEL_W}" y="{y + 3}" width="{max(1.0, span * bar.insight_share):.1f}" height="14" fill="{ACCENT}"/>'
            f'<rect x="{_LABEL_W}" y="{y + 20}" width="{max(1.0, span * bar.room_share):.1f}" height="14" '
            f'fill="none" stroke="{INK}" stroke-dasharray="3 2"/>')
    desc = "; ".join(f"{b.label}: {b.text}" for b in bars)
    if table.flags:
        desc += ". " + " ".join(table.flags)
    return _svg(ident, voice_title(where), desc, 24 + len(bars) * row, body)

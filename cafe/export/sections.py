"""The report as one ordered outline of blocks, so the PDF and Word files say the same thing as
each other and as the HTML page (same headings, figures, quotes, flags and provenance)."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from cafe.export.report import Quote, Report, Theme
from cafe.export.voices import rule_text


@dataclass
class Section:
    """One block: heading, text, meta, bullet, quote, flags, size_chart or voice_chart."""

    kind: str
    value: Any
    level: int = 0
    indent: float = 0
    extra: str | None = None


def _counts(counts: list[tuple[str, int]]) -> str:
    return ", ".join(f"{label}: {n}" for label, n in counts) or _("none given")


def _head(report: Report) -> Iterator[Section]:
    yield Section("heading", report.title, 1)
    meta = f"{_('Date')}: {report.date} · " if report.date else ""
    yield Section("meta", f"{meta}{_('Code')}: {report.code}")
    if report.purpose:
        yield Section("text", report.purpose)
    yield Section("heading", _("In figures"), 2)
    yield Section("bullet", f"{_('Participants')}: {report.participant_count}")
    yield Section("bullet", f"{_('Insights')}: {report.insight_count}")
    yield Section("bullet", f"{_('Themes')}: {len(report.themes)}")
    yield Section("bullet", f"{_('Perspectives in the room')}: {_counts(report.perspectives)}")
    if report.hidden_count:
        yield Section("meta", ngettext("%(num)d insight hidden by the facilitator is left out of this report.",
                                       "%(num)d insights hidden by the facilitator are left out of this report.",
                                       report.hidden_count))
    if report.voice is not None:
        yield Section("heading", _("Voice balance"), 2)
        yield Section("meta", rule_text())
        if report.voice_flags:
            yield Section("heading", _("Voices to check"), 3)
            yield Section("flags", report.voice_flags)
        else:
            yield Section("text", _("No theme was flagged: people with lived experience were heard in proportion to "
                                    "their share of the room."))
        yield Section("heading", _("The whole café"), 3)
        yield Section("voice_chart", report.voice, extra=_("The whole café"))


def _theme(theme: Theme) -> Iterator[Section]:
    yield Section("heading", theme.name, 2)
    yield Section("meta", ngettext("%(num)d insight", "%(num)d insights", theme.insight_count))
    if theme.subthemes:
        yield Section("heading", _("Sub-themes"), 3)
        yield Section("size_chart", theme)
        for sub in theme.subthemes:
            yield Section("heading", f"{sub.label} ({sub.note()})", 4)
            if sub.flags:
                yield Section("flags", sub.flags, indent=4)
            if sub.quote:
                yield Section("quote", sub.quote)
    if theme.top:
        yield Section("heading", _("Most resonating insights"), 3)
        for quote in theme.top:
            resonance = ngettext("%(num)d resonance", "%(num)d resonances", quote.resonance)
            yield Section("quote", quote, extra=f" · {resonance}")
    yield Section("heading", _("Perspectives"), 3)
    yield Section("text", _counts(theme.perspectives))
    if theme.voice is not None:
        yield Section("heading", _("Voice balance"), 3)
        if theme.voice.flags:
            yield Section("flags", theme.voice.flags)
        yield Section("voice_chart", theme.voice, extra=theme.name)


def _across(report: Report) -> Iterator[Section]:
    if report.patterns:
        yield Section("heading", _("Patterns across themes"), 2)
        for pattern in report.patterns:
            yield Section("bullet", f"{pattern.label}: {', '.join(pattern.themes)}")
            yield Section("bullet", " · ".join(pattern.subthemes), indent=6)
    if report.questions:
        yield Section("heading", _("Open questions"), 2)
        for question in report.questions:
            asked = ngettext("asked %(num)d time", "asked %(num)d times", question.asked)
            yield Section("quote", Quote(question.text, f"{question.where} · {asked}", question.resonance))
    if report.tables:
        yield Section("heading", _("Each table's conversation"), 2)
        for table in report.tables:
            yield Section("heading", _("Table %(label)s", label=table.table_label), 3)
            yield Section("text", "; ".join(f"{label} ({n})" for label, n in table.subthemes))


def _rest(report: Report) -> Iterator[Section]:
    if report.feedback is not None:
        yield Section("heading", _("Participants' feedback on the harvest"), 2)
        for where, reflects, missing in report.feedback.counts:
            yield Section("bullet", f"{where}: "
                          + ngettext("%(num)d said it reflects their conversation",
                                     "%(num)d said it reflects their conversation", reflects)
                          + " · " + ngettext("%(num)d added what is missing", "%(num)d added what is missing", missing))
        if report.feedback.notes:
            yield Section("heading", _("In their words"), 3)
            for note in report.feedback.notes:
                kind = _("What is missing") if note.kind == "missing" else _("Reflects our conversation")
                yield Section("quote", Quote(note.text, f"{kind} · {note.where} · {note.perspective}", 0))
    if report.chains:
        yield Section("heading", _("Hand-over chains"), 2)
        for chain in report.chains:
            yield Section("heading", _("Table %(label)s", label=chain.table_label), 3)
            for handover in chain.handovers:
                yield Section("bullet", f"{_('Round %(n)s', n=handover.round)} · {handover.theme}")
                for bullet in handover.bullets:
                    yield Section("bullet", bullet, indent=6)
    yield Section("heading", _("Appendix: all insights"), 2)
    if not report.appendix:
        yield Section("text", _("No insights were posted."))
    for rnd in report.appendix:
        yield Section("heading", _("Round %(n)s", n=rnd.round), 3)
        for table in rnd.tables:
            host = f" · {_('host: %(name)s', name=table.host)}" if table.host else ""
            yield Section("heading", f"{_('Table %(label)s', label=table.table_label)} · {table.theme}{host}", 4)
            for item in table.insights:
                text = item.text if item.text is not None else _("(not quoted at the author's request)")
                who = item.author + (f", {item.perspective}" if item.perspective else "")
                resonance = ngettext("%(num)d resonance", "%(num)d resonances", item.resonance)
                yield Section("bullet", f"{text} — {who} · {resonance}")
    yield Section("meta", _("Exported from cafe on %(at)s", at=report.exported_at))


def sections(report: Report) -> Iterator[Section]:
    """Every block of the report, in reading order."""
    yield from _head(report)
    for theme in report.themes:
        yield from _theme(theme)
    yield from _across(report)
    yield from _rest(report)

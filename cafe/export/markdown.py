"""The café report as Markdown, safe to paste into any Markdown renderer."""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from cafe.export.report import Quote, Report, build_report
from cafe.export.voices import VoiceTable, rule_text

# Backslash-escaping punctuation keeps user text literal: no raw HTML, links, emphasis or headings.
_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~]|&(?=#?\w+;))")
_SPACE = re.compile(r"\s+")


def md(text: str) -> str:
    """User text as one literal Markdown line."""
    return _SPECIAL.sub(lambda m: "\\" + m.group(0), _SPACE.sub(" ", str(text)).strip())


def _quote_line(quote: Quote) -> str:
    return f"“{md(quote.text)}” — {md(quote.provenance)}"


def _counts_line(counts: list[tuple[str, int]]) -> str:
    return ", ".join(f"{md(label)}: {n}" for label, n in counts) or _("none given")


def _head(report: Report) -> list[str]:
    lines = [f"# {md(report.title)}", ""]
    if report.date:
        lines += [f"{_('Date')}: {md(report.date)} · {_('Code')}: {md(report.code)}", ""]
    if report.purpose:
        lines += [f"> {md(report.purpose)}", ""]
    lines += [
        f"## {_('In figures')}", "",
        f"- {_('Participants')}: {report.participant_count}",
        f"- {_('Insights')}: {report.insight_count}",
        f"- {_('Perspectives in the room')}: {_counts_line(report.perspectives)}",
        "",
    ]
    if report.hidden_count:
        lines += [ngettext("%(num)d insight hidden by the facilitator is left out of this report.",
                           "%(num)d insights hidden by the facilitator are left out of this report.", report.hidden_count), ""]
    return lines


def _flags(flags: list[str]) -> list[str]:
    return [f"- ⚑ {md(flag)}" for flag in flags] + ([""] if flags else [])


def _voice_table(table: VoiceTable) -> list[str]:
    """Voice balance as a Markdown table; the lived-experience row comes last, in bold."""
    head = [_("Perspective"), _("People"), _("Share of the room"), _("Insights"), _("Share of insights"), _("Share of resonance")]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" + "---:|" * (len(head) - 1)]
    for row in [*table.rows, table.lived]:
        cells = [md(row.label), str(row.room), row.room_pct, str(row.insights), row.insight_pct, row.resonance_pct]
        if row is table.lived:
            cells = [f"**{c}**" for c in cells]
        lines.append("| " + " | ".join(cells) + " |")
    return [*lines, ""]


def _voice(report: Report) -> list[str]:
    if report.voice is None:
        return []
    lines = [f"## {_('Voice balance')}", "", f"_{md(rule_text())}_", ""]
    if report.voice_flags:
        lines += [f"### {_('Voices to check')}", "", *_flags(report.voice_flags)]
    else:
        lines += [_("No theme was flagged: people with lived experience were heard in proportion to their share of the room."), ""]
    return [*lines, f"### {_('The whole café')}", "", *_voice_table(report.voice)]


def _themes(report: Report) -> list[str]:
    lines: list[str] = []
    for theme in report.themes:
        lines += [f"## {md(theme.name)}", "",
                  ngettext("%(num)d insight", "%(num)d insights", theme.insight_count), ""]
        if theme.subthemes:
            lines += [f"### {_('Sub-themes')}", ""]
            for sub in theme.subthemes:
                lines.append(f"- **{md(sub.label)}** ({sub.note()})")
                lines += [f"  - ⚑ {md(flag)}" for flag in sub.flags]
                if sub.quote:
                    lines.append(f"  - {_quote_line(sub.quote)}")
            lines.append("")
        if theme.top:
            lines += [f"### {_('Most resonating insights')}", ""]
            for quote in theme.top:
                resonance = ngettext("%(num)d resonance", "%(num)d resonances", quote.resonance)
                lines.append(f"1. {_quote_line(quote)} ({resonance})")
            lines.append("")
        lines += [f"{_('Perspectives')}: {_counts_line(theme.perspectives)}", ""]
        if theme.voice is not None:
            lines += [f"### {_('Voice balance')}", "", *_flags(theme.voice.flags), *_voice_table(theme.voice)]
    return lines


def _across(report: Report) -> list[str]:
    lines: list[str] = []
    if report.patterns:
        lines += [f"## {_('Patterns across themes')}", ""]
        for pattern in report.patterns:
            lines.append(f"- **{md(pattern.label)}**: {md(', '.join(pattern.themes))} ({md(' · '.join(pattern.subthemes))})")
        lines.append("")
    if report.questions:
        lines += [f"## {_('Open questions')}", ""]
        for question in report.questions:
            asked = ngettext("asked %(num)d time", "asked %(num)d times", question.asked)
            lines.append(f"- “{md(question.text)}” — {md(question.where)} · {asked}")
        lines.append("")
    if report.tables:
        lines += ["## " + _("Each table's conversation"), ""]
        for table in report.tables:
            gist = "; ".join(f"{md(label)} ({n})" for label, n in table.subthemes)
            lines.append(f"- **{_('Table %(label)s', label=md(table.table_label))}**: {gist}")
        lines.append("")
    return lines


def _feedback(report: Report) -> list[str]:
    if report.feedback is None:
        return []
    lines = ["## " + _("Participants' feedback on the harvest"), ""]
    for where, reflects, missing in report.feedback.counts:
        lines.append(f"- **{md(where)}**: "
                     + ngettext("%(num)d said it reflects their conversation", "%(num)d said it reflects their conversation", reflects)
                     + " · " + ngettext("%(num)d added what is missing", "%(num)d added what is missing", missing))
    lines.append("")
    if report.feedback.notes:
        lines += [f"### {_('In their words')}", ""]
        for note in report.feedback.notes:
            kind = _("What is missing") if note.kind == "missing" else _("Reflects our conversation")
            lines.append(f"- “{md(note.text)}” — {kind} · {md(note.where)} · {md(note.perspective)}")
        lines.append("")
    return lines


def _chains(report: Report) -> list[str]:
    if not report.chains:
        return []
    lines = [f"## {_('Hand-over chains')}", ""]
    for chain in report.chains:
        lines += [f"### {_('Table %(label)s', label=md(chain.table_label))}", ""]
        for handover in chain.handovers:
            lines.append(f"- {_('Round %(n)s', n=handover.round)} · {md(handover.theme)}")
            lines += [f"  - {md(bullet)}" for bullet in handover.bullets]
        lines.append("")
    return lines


def _appendix(report: Report) -> list[str]:
    lines = [f"## {_('Appendix: all insights')}", ""]
    for rnd in report.appendix:
        lines += [f"### {_('Round %(n)s', n=rnd.round)}", ""]
        for table in rnd.tables:
            host = f" · {_('host: %(name)s', name=md(table.host))}" if table.host else ""
            lines += [f"#### {_('Table %(label)s', label=md(table.table_label))} · {md(table.theme)}{host}", ""]
            for item in table.insights:
                text = md(item.text) if item.text is not None else "*" + _("(not quoted at the author's request)") + "*"
                who = md(item.author) + (f", {md(item.perspective)}" if item.perspective else "")
                resonance = ngettext("%(num)d resonance", "%(num)d resonances", item.resonance)
                lines.append(f"- {text} — {who} ({resonance})")
            lines.append("")
    return lines


def render_markdown(data: Mapping[str, Any], labels: Mapping[str, str] | None = None) -> str:
    """The whole report as Markdown text."""
    report = build_report(data, labels)
    lines = _head(report) + _voice(report) + _themes(report) + _across(report) + _feedback(report) + _chains(report) + _appendix(report)
    lines.append(f"_{_('Exported from cafe on %(at)s', at=md(report.exported_at))}_")
    return "\n".join(lines) + "\n"

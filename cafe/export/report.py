"""The report every human-readable export shows, built once from a "cafe-export/1" dict.

Privacy rules live here so Markdown and HTML cannot drift apart: a do_not_quote insight still
counts, but its text is never a quote, never a top insight, and never printed in the appendix.
An insight the facilitator hid while curating is shown nowhere. Names are only given in the
appendix; everywhere else an insight is known by its round, table and author's perspective.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from cafe import perspectives
from cafe.export import across
from cafe.export.voices import Feedback, VoiceTable, feedback, flag_texts, voice_table


@dataclass
class Quote:
    """An insight that may be quoted, with where it came from."""

    text: str
    provenance: str
    resonance: int


@dataclass
class Subtheme:
    label: str
    count: int
    quote: Quote | None
    flags: list[str] = field(default_factory=list)
    pinned: bool = False
    repeats: int = 0  # insights that said again, in nearly the same words, what another one said

    def note(self) -> str:
        """'5 insights · 1 said the same again · pinned', for the sub-theme's heading."""
        parts = [ngettext("%(num)d insight", "%(num)d insights", self.count)]
        if self.repeats:
            parts.append(ngettext("%(num)d said the same again", "%(num)d said the same again", self.repeats))
        if self.pinned:
            parts.append(_("pinned"))
        return " · ".join(parts)


@dataclass
class Theme:
    name: str
    insight_count: int
    subthemes: list[Subtheme]
    top: list[Quote]
    perspectives: list[tuple[str, int]]
    voice: VoiceTable | None = None


@dataclass
class Handover:
    round: int
    theme: str
    bullets: list[str]


@dataclass
class Chain:
    table_label: str
    handovers: list[Handover]


@dataclass
class AppendixInsight:
    text: str | None  # None: not quoted at the author's request
    author: str
    perspective: str
    resonance: int
    posted_at: str


@dataclass
class AppendixTable:
    table_label: str
    theme: str
    insights: list[AppendixInsight]
    host: str = ""


@dataclass
class AppendixRound:
    round: int
    tables: list[AppendixTable] = field(default_factory=list)


@dataclass
class Report:
    title: str
    date: str
    purpose: str
    code: str
    exported_at: str
    participant_count: int
    insight_count: int
    perspectives: list[tuple[str, int]]
    themes: list[Theme]
    chains: list[Chain]
    appendix: list[AppendixRound]
    voice: VoiceTable | None = None
    voice_flags: list[str] = field(default_factory=list)
    feedback: Feedback | None = None
    hidden_count: int = 0
    patterns: list[across.Pattern] = field(default_factory=list)
    questions: list[across.Question] = field(default_factory=list)
    tables: list[across.TableGist] = field(default_factory=list)


def perspective_label(key: str | None, labels: Mapping[str, str] | None) -> str:
    """Human label for a perspective key, from the given labels or the built-in ones."""
    if key == "not_given":  # how the harvest counts people who gave none
        key = None
    if labels is not None and key is not None and key in labels:
        return str(labels[key])
    return perspectives.label(key)


def _counts(counts: Mapping[str, int] | None, labels: Mapping[str, str] | None) -> list[tuple[str, int]]:
    """Perspective counts as (label, n), largest first, keeping the given order on ties."""
    items = [(perspective_label(key or None, labels), int(n)) for key, n in (counts or {}).items() if n]
    return sorted(items, key=lambda item: -item[1])


class _Lookup:
    """Indexes over the export so insights can be found by id and described."""

    def __init__(self, data: Mapping[str, Any], labels: Mapping[str, str] | None) -> None:
        self.labels = labels
        self.insights = {i["id"]: i for i in data.get("insights", [])}
        self.tables = {t["number"]: t["label"] for t in data.get("tables", [])}
        self.people = {p["id"]: p for p in data.get("participants", [])}
        self.hidden = hidden_ids(data)
        self.flags = [f for f in (data.get("harvest") or {}).get("voice_flags") or [] if isinstance(f, Mapping)]
        self.hosts = across.hosts(data)

    def label(self, key: str | None) -> str:
        return perspective_label(key, self.labels)

    def table_label(self, number: int | None) -> str:
        return str(self.tables.get(number, number if number is not None else "?"))

    def person(self, participant_id: int | None) -> Mapping[str, Any]:
        return self.people.get(participant_id, {})

    def provenance(self, insight: Mapping[str, Any]) -> str:
        """'Round 2 · Table C · Community Builder · Practitioner' (no perspective part when none was given)."""
        parts = [
            _("Round %(n)s", n=insight.get("round")),
            _("Table %(label)s", label=self.table_label(insight.get("table"))),
        ]
        if insight.get("theme"):
            parts.append(str(insight["theme"]))
        key = self.person(insight.get("participant_id")).get("perspective")
        if key:
            parts.append(perspective_label(key, self.labels))
        return " · ".join(parts)

    def quotable(self, ref: Any) -> Quote | None:
        """The insight behind an id (or an insight dict) if it exists and may be quoted."""
        insight_id = ref.get("id") if isinstance(ref, Mapping) else ref
        insight = self.insights.get(insight_id)
        if insight is None or insight.get("do_not_quote") or insight_id in self.hidden:
            return None
        return Quote(insight["text"], self.provenance(insight), int(insight.get("resonance", 0)))


def hidden_ids(data: Mapping[str, Any]) -> set[Any]:
    """Ids of insights hidden while curating, wherever the export marks them."""
    harvest = data.get("harvest") or {}
    hidden = {i.get("id") for i in data.get("insights", []) if i.get("hidden")}
    hidden.update(harvest.get("hidden_insight_ids") or ())
    for theme in harvest.get("themes", []):
        hidden.update(theme.get("hidden_insight_ids") or ())
        refs = list(theme.get("top_insights") or [])
        for sub in theme.get("subthemes", []):
            hidden.update(sub.get("hidden_insight_ids") or ())
            refs.append(sub.get("quote_insight"))
        hidden.update(r.get("id") for r in refs if isinstance(r, Mapping) and r.get("hidden"))
    return hidden


def _subtheme(raw: Mapping[str, Any], look: _Lookup, theme: str) -> Subtheme:
    """A sub-theme whose quote falls back to its most resonant quotable insight."""
    ids = list(raw.get("insight_ids", []))
    chosen = raw.get("quote_insight") or raw.get("quote")
    quote = look.quotable(chosen) if chosen else None
    if quote is None:
        candidates = [q for q in (look.quotable(i) for i in ids) if q is not None]
        quote = max(candidates, key=lambda q: q.resonance) if candidates else None
    label = str(raw.get("label", ""))
    flags = flag_texts(look.flags, scope="subtheme", theme=theme, subtheme=label)
    count = int(raw.get("count", len(ids)))
    return Subtheme(label, count, quote, flags, bool(raw.get("pinned")), count - int(raw.get("distinct", count)))


def _theme(raw: Mapping[str, Any], look: _Lookup) -> Theme:
    top = [q for q in (look.quotable(ref) for ref in raw.get("top_insights", [])) if q is not None]
    name = str(raw.get("theme", ""))
    return Theme(
        name=name,
        insight_count=int(raw.get("insight_count", 0)),
        subthemes=[_subtheme(s, look, name) for s in raw.get("subthemes", [])],
        top=top,
        perspectives=_counts(raw.get("perspectives"), look.labels),
        voice=voice_table(raw.get("voice"), flag_texts(look.flags, scope="theme", theme=name), look.label),
    )


def _chains(harvest: Mapping[str, Any], data: Mapping[str, Any], look: _Lookup) -> list[Chain]:
    """Hand-over chains from the harvest, or rebuilt from the raw hand-overs without one."""
    raw_chains = harvest.get("handover_chains")
    if raw_chains is None:
        by_table: dict[int, list[Mapping[str, Any]]] = {}
        for h in data.get("handovers", []):
            by_table.setdefault(h["table"], []).append(h)
        raw_chains = [{"table": t, "handovers": hs} for t, hs in sorted(by_table.items())]
    chains = []
    for chain in raw_chains:
        label = chain.get("table_label") or look.table_label(chain.get("table"))
        handovers = sorted(chain.get("handovers", []), key=lambda h: h.get("round", 0))
        chains.append(Chain(str(label), [
            Handover(int(h.get("round", 0)), str(h.get("theme", "")), [str(b) for b in h.get("bullets", [])])
            for h in handovers
        ]))
    return [c for c in chains if c.handovers]


def _appendix(data: Mapping[str, Any], look: _Lookup) -> list[AppendixRound]:
    """Every insight by round, then table, in the order they were posted."""
    rounds: dict[int, dict[int, AppendixTable]] = {}
    ordered = sorted(data.get("insights", []), key=lambda i: (i.get("round", 0), i.get("table", 0), i.get("posted_at", "")))
    for insight in ordered:
        if insight.get("id") in look.hidden:
            continue
        tables = rounds.setdefault(int(insight.get("round", 0)), {})
        number = insight.get("table")
        if number not in tables:
            host = look.hosts.get((int(insight.get("round", 0)), number))
            tables[number] = AppendixTable(look.table_label(number), str(insight.get("theme", "")), [],
                                           across.host_name(look.person(host)) if host is not None else "")
        person = look.person(insight.get("participant_id"))
        tables[number].insights.append(AppendixInsight(
            text=None if insight.get("do_not_quote") else str(insight.get("text", "")),
            author=person.get("name") or _("anonymous"),
            perspective=perspective_label(person.get("perspective"), look.labels) if person.get("perspective") else "",
            resonance=int(insight.get("resonance", 0)),
            posted_at=str(insight.get("posted_at", "")),
        ))
    return [AppendixRound(n, list(tables.values())) for n, tables in sorted(rounds.items())]


def build_report(data: Mapping[str, Any], labels: Mapping[str, str] | None = None) -> Report:
    """The report shown by the Markdown, HTML, PDF and Word exports."""
    cafe = data.get("cafe", {})
    harvest = data.get("harvest") or {}
    look = _Lookup(data, labels)
    insights = data.get("insights", [])
    room = harvest.get("perspectives")
    if room is None:
        room = {}
        for person in data.get("participants", []):
            key = person.get("perspective") or ""
            room[key] = room.get(key, 0) + 1
    return Report(
        title=str(cafe.get("title", "")),
        date=str(cafe.get("created_at", ""))[:10],
        purpose=str(cafe.get("purpose", "") or ""),
        code=str(cafe.get("code", "")),
        exported_at=str(data.get("exported_at", "")),
        participant_count=int(harvest.get("participant_count", len(data.get("participants", [])))),
        insight_count=int(harvest.get("insight_count", len(insights))),
        perspectives=_counts(room, labels),
        themes=[_theme(t, look) for t in harvest.get("themes", [])],
        chains=_chains(harvest, data, look),
        appendix=_appendix(data, look),
        voice=voice_table(harvest.get("voice"), flag_texts(look.flags, scope="room"), look.label),
        voice_flags=flag_texts(look.flags),
        feedback=feedback(data.get("feedback"), look.label),
        hidden_count=sum(1 for i in insights if i.get("id") in look.hidden),
        patterns=across.patterns(harvest),
        questions=across.questions(harvest, look.hidden, {i.get("id") for i in insights if i.get("do_not_quote")}),
        tables=across.tables(harvest),
    )

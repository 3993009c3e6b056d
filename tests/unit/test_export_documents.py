"""PDF and Word exports read back: they show the same summary as the HTML report (themes, sub-themes,
quotes, voice-balance flags, provenance, feedback) and never a do-not-quote or hidden text."""
from __future__ import annotations

import copy
import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import docx
import flask_babel
import pytest
from flask import Flask
from pypdf import PdfReader

from cafe.domain.harvest.voice import Voice, voice_balance
from cafe.export import render_docx, render_html, render_markdown, render_pdf
from cafe.export.report import build_report
from cafe.voicing import ROOM, SUBTHEME, THEME, flags_json, voice_json

TEMPLATES = Path(__file__).resolve().parents[2] / "cafe" / "templates"
SECRET = "Please never print this sentence anywhere"
HIDDEN = "The facilitator hid this one"
UNICODE = "Ζωή και жизнь: ça compte, señora"
# 10 people: 4 with lived experience (3 + a family carer), 5 practitioners, 1 who gave none.
PEOPLE = ([("lived_experience", "Ana"), ("lived_experience", "Bea"), ("lived_experience", None), ("family_carer", "Dot")]
          + [("practitioner", f"Pat{i}") for i in range(5)] + [(None, "Nia")])


def _insight(n: int, pid: int, theme: str, text: str, table: int, *, dnq: bool = False, resonance: int = 0, hidden: bool = False) -> dict:
    row = {"id": f"i{n}", "participant_id": pid, "round": 1 + n % 2, "table": table, "theme": theme, "text": text,
           "do_not_quote": dnq, "posted_at": f"2026-11-25T10:{n:02d}:00+00:00", "resonance": resonance}
    if hidden:
        row["hidden"] = True
    return row


def _build() -> dict:
    """A café export whose harvest carries voice balance exactly as the harvest service builds it."""
    leader = [_insight(n, 5 + n % 5, "Citizen Leader", f"Boards must pay members fairly, point {n}", 1, resonance=n % 3)
              for n in range(1, 11)]
    leader[0] = _insight(1, 1, "Citizen Leader", "Lived experience belongs on the board from day one", 1, resonance=2)
    leader[1] = _insight(2, 6, "Citizen Leader", SECRET, 1, dnq=True, resonance=1)
    builder = [_insight(20, 1, "Community Builder", UNICODE, 2, resonance=5),
               _insight(21, 3, "Community Builder", "Peer groups keep people going between appointments", 2, resonance=3),
               _insight(22, 6, "Community Builder", HIDDEN, 2, hidden=True)]
    insights = leader + builder
    participants = [{"id": i + 1, "name": name, "perspective": key, "host_of": 1 if i == 0 else None,
                     "joined_at": "2026-11-25T09:00:00+00:00"} for i, (key, name) in enumerate(PEOPLE)]
    room = {}
    for key, _name in PEOPLE:
        room[key or "not_given"] = room.get(key or "not_given", 0) + 1
    perspective = {p["id"]: p["perspective"] for p in participants}
    voices = {i["id"]: Voice(perspective[i["participant_id"]], i["resonance"]) for i in insights}
    subthemes = {
        "Citizen Leader": [("Board seats", [i["id"] for i in leader[:2]] + ["i3", "i4"], "i2", True),
                           ("Fair pay", [f"i{n}" for n in range(5, 11)], "i5", False)],
        "Community Builder": [("Peer groups", ["i20", "i21", "i22"], "i22", False)],
    }
    themes, flags = [], flags_json(voice_balance(voices.values(), room), ROOM)
    for name, subs in subthemes.items():
        ids = [i["id"] for i in insights if i["theme"] == name]
        balance = voice_balance([voices[i] for i in ids], room)
        flags += flags_json(balance, THEME, name)
        raw_subs = []
        for label, members, quote, pinned in subs:
            sub_balance = voice_balance([voices[i] for i in members], room)
            flags += flags_json(sub_balance, SUBTHEME, name, label)
            raw_subs.append({"label": label, "insight_ids": members, "count": len(members), "quote": quote,
                             "distinct": len(members) - (1 if label == "Fair pay" else 0),
                             "pinned": pinned, "voice": voice_json(sub_balance)})
        themes.append({"theme": name, "insight_count": len(ids), "subthemes": raw_subs,
                       "top_insights": [{"id": "i2", "text": SECRET}, {"id": "i20"}, {"id": "i22", "hidden": True}],
                       "perspectives": {}, "voice": voice_json(balance)})
    return {
        "format": "cafe-export/1", "exported_at": "2026-11-25T12:00:00+00:00",
        "cafe": {"code": "K7P3QZ", "title": "Lived experience roles", "purpose": "Hear every voice",
                 "created_at": "2026-11-25T09:00:00+00:00", "stage": "harvest", "round": 2, "rounds": 2},
        "tables": [{"number": 1, "label": "A"}, {"number": 2, "label": "B"}],
        "participants": participants, "insights": insights,
        "handovers": [{"round": 1, "table": 1, "theme": "Citizen Leader", "host_participant_id": 1,
                       "bullets": ["Pay came up at every turn"], "written_at": "2026-11-25T10:19:00+00:00"}],
        "feedback": [{"kind": "reflects", "theme": None, "text": None, "perspective": "lived_experience",
                      "at": "2026-11-25T12:01:00+00:00"},
                     {"kind": "missing", "theme": "Citizen Leader", "text": "Nobody mentioned travel costs",
                      "perspective": "family_carer", "at": "2026-11-25T12:02:00+00:00"}],
        "harvest": {"themes": themes, "perspectives": room, "participant_count": len(PEOPLE),
                    "insight_count": len(insights), "voice": voice_json(voice_balance(voices.values(), room)),
                    "voice_flags": flags,
                    "crosscutting": [{"label": "Paying people fairly", "themes": ["Citizen Leader", "Community Builder"],
                                      "subthemes": [{"theme": "Citizen Leader", "label": "Fair pay", "id": "s2"},
                                                    {"theme": "Community Builder", "label": "Peer groups", "id": "s1"}]}],
                    "open_questions": [{"text": "Who pays for the peer workers?", "insight_id": "i21", "themes": ["Community Builder"],
                                        "tables": ["B"], "resonance": 3, "asked": 2},
                                       {"text": SECRET, "insight_id": "i2", "themes": ["Citizen Leader"], "tables": ["A"],
                                        "resonance": 1, "asked": 1}],
                    "tables": [{"table": 1, "table_label": "A", "insight_count": 10,
                                "subthemes": [{"label": "Board seats and pay", "count": 10, "quote_insight": None}]}]},
    }


@pytest.fixture(scope="module")
def app() -> Flask:
    app = Flask(__name__, template_folder=str(TEMPLATES))
    flask_babel.Babel(app)
    return app


@pytest.fixture(scope="module")
def built(app) -> dict:
    with app.app_context():
        return _build()


@pytest.fixture
def data(built) -> dict:
    return copy.deepcopy(built)


def flat(text: str) -> str:
    return " ".join(text.split())


class _HtmlText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(page: str) -> str:
    parser = _HtmlText()
    parser.feed(page)
    return flat(" ".join(parser.parts))


def pdf_text(blob: bytes) -> str:
    return flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(blob)).pages))


def docx_text(blob: bytes) -> str:
    document = docx.Document(io.BytesIO(blob))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return flat(" ".join(parts))


@pytest.fixture(scope="module")
def documents(app, built) -> dict[str, str]:
    """Each format rendered once for the module (the PDF and Word files are read back as text)."""
    with app.app_context():
        return {"html": html_text(render_html(built)), "pdf": pdf_text(render_pdf(built)),
                "docx": docx_text(render_docx(built)), "md": render_markdown(built)}


def summary(app, data) -> list[str]:
    """What every human-readable export must show, taken from the shared report model."""
    with app.app_context():
        report = build_report(data)
    expected = [report.title, *report.voice_flags]
    for theme in report.themes:
        expected.append(theme.name)
        for sub in theme.subthemes:
            expected += [sub.label, sub.note(), *sub.flags] + ([sub.quote.text, sub.quote.provenance] if sub.quote else [])
        expected += [q.text for q in theme.top] + [q.provenance for q in theme.top]
    expected += [p.label for p in report.patterns] + [q.text for q in report.questions] + [q.where for q in report.questions]
    expected += [label for table in report.tables for label, _ in table.subthemes]
    return [flat(e) for e in expected]


def test_the_fixture_has_flags_quotes_and_provenance_to_compare(app, data):
    items = summary(app, data)
    assert any("Citizen Leader: 1 of 10 insights (10%) came from people with lived experience" in i for i in items)
    assert "Round 2 · Table A · Citizen Leader · Lived experience" in items and UNICODE in items
    assert "Paying people fairly" in items and "Who pays for the peer workers?" in items
    assert "Board seats and pay" in items and SECRET not in items
    assert "6 insights · 1 said the same again" in items
    assert sum("lived experience, who are 40% of the room" in i for i in items) >= 2


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx", "md"])
def test_pdf_and_word_show_the_same_summary_as_the_html_report(app, data, documents, fmt):
    text = flat(documents[fmt])
    missing = [item for item in summary(app, data) if item not in text]
    assert not missing, missing
    assert "Nobody mentioned travel costs" in text and "What is missing · Citizen Leader · Family carer" in text
    assert "Pay came up at every turn" in text


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx", "md"])
def test_no_export_prints_a_do_not_quote_or_hidden_text(documents, fmt):
    text = documents[fmt]
    assert SECRET not in text and HIDDEN not in text
    assert "(not quoted at the author's request)" in text
    assert "1 insight hidden by the facilitator is left out of this report." in flat(text)


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx", "md"])
def test_names_appear_only_in_the_appendix(documents, fmt):
    before, appendix = documents[fmt].split("Appendix: all insights", 1)
    for name in ("Ana", "Bea", "Dot", "Pat1", "Nia"):
        assert not re.search(rf"\b{name}\b", before), name
    assert re.search(r"\bAna\b", appendix) and "anonymous" in appendix


def test_the_voice_section_explains_the_rule_and_tabulates_every_perspective(documents):
    for fmt in ("html", "pdf", "docx"):
        text = documents[fmt]
        assert "less than half their share of the room" in text
        assert "People with lived experience (together)" in text and "Not given" in text


def test_charts_are_inline_svg_with_text_equivalents(app, data):
    with app.app_context():
        page = render_html(data)
    svgs = re.findall(r"<svg[^>]*>.*?</svg>", page, flags=re.S)
    assert len(svgs) == 1 + 2 + 2  # room voice, and per theme sub-theme sizes and voice
    for svg in svgs:
        assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
    sizes = next(s for s in svgs if "Sub-theme sizes: Citizen Leader" in s)
    assert "Board seats: 4 insights; Fair pay: 6 insights" in sizes
    voice = next(s for s in svgs if "Voice balance: Citizen Leader" in s)
    assert "Insights 10% · room 40%" in voice and "stroke-dasharray" in voice  # room share drawn as an outline
    assert page.count('<table class="voice">') == 3


def test_pdf_embeds_a_unicode_font_and_has_an_outline(data, app):
    with app.app_context():
        blob = render_pdf(data)
    reader = PdfReader(io.BytesIO(blob))
    assert UNICODE in pdf_text(blob)
    fonts = {str(f) for page in reader.pages for f in page["/Resources"]["/Font"].values()
             for f in [f.get_object()["/BaseFont"]]}
    assert any("DejaVu" in f for f in fonts)
    def titles(outline):
        for item in outline:
            yield from titles(item) if isinstance(item, list) else [item.title]
    assert list(titles(reader.outline))[:4] == ["Lived experience roles", "In figures", "Voice balance", "Voices to check"]


def test_without_voice_or_feedback_the_documents_still_render(app, data):
    for key in ("voice", "voice_flags"):
        data["harvest"].pop(key)
    for theme in data["harvest"]["themes"]:
        theme.pop("voice")
    data.pop("feedback")
    with app.app_context():
        text = pdf_text(render_pdf(data)) + docx_text(render_docx(data))
    assert "Voice balance" not in text and "feedback" not in text
    assert "Board seats" in text


def test_csv_keeps_a_row_for_a_hidden_insight_but_not_its_text(app, data):
    from cafe.export import render_csv

    text = render_csv(data)
    assert HIDDEN not in text and SECRET not in text
    assert "(hidden" not in text and text.count("\r\n") == 1 + len(data["insights"])
    [row] = [r for r in csv.DictReader(io.StringIO(text)) if r["hidden"] == "true"]
    assert row["text"] == ""  # an empty cell, and the reason in its own column

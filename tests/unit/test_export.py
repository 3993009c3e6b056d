"""Markdown, CSV and HTML exports: contents, escaping and the do-not-quote promise."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import flask_babel
import pytest
from flask import Flask

from cafe.export import render_csv, render_html, render_markdown

TEMPLATES = Path(__file__).resolve().parents[2] / "cafe" / "templates"
SECRET = "Please never show this sentence"
EVIL = '<script>alert("x")</script> & "quoted"'


def insight(id_: str, pid: int, rnd: int, table: int, theme: str, text: str, *, dnq: bool = False, resonance: int = 0) -> dict:
    return {"id": id_, "participant_id": pid, "round": rnd, "table": table, "theme": theme, "text": text,
            "do_not_quote": dnq, "posted_at": f"2026-11-25T10:{rnd}{table}:00+00:00", "resonance": resonance}


@pytest.fixture
def data() -> dict:
    """A two-round café with three tables, one hostile text and one do-not-quote insight."""
    insights = [
        insight("i1", 1, 1, 1, "Peer roles", "Peer workers need proper supervision, not tokenism", resonance=4),
        insight("i2", 2, 1, 1, "Peer roles", SECRET, dnq=True, resonance=9),
        insight("i3", 3, 1, 2, "Pay", EVIL, resonance=2),
        insight("i4", 4, 1, 3, "Training", "=HYPERLINK(\"http://evil\")"),
        insight("i5", 1, 2, 2, "Peer roles", "Line one, with comma\nline two", resonance=1),
        insight("i6", 2, 2, 3, "Pay", "-5 is what we get paid, @ best"),
    ]
    return {
        "format": "cafe-export/1", "exported_at": "2026-11-25T12:00:00+00:00",
        "cafe": {"code": "K7P3QZ", "title": "Lived experience roles", "purpose": "Make peer roles <real>",
                 "created_at": "2026-11-25T09:00:00+00:00", "stage": "harvest", "round": 2, "rounds": 2},
        "plan": {"title": "Lived experience roles", "purpose": "", "etiquette": [], "themes": [], "rounds": 2,
                 "round_minutes": [20, 20], "table_size": 4, "theme_mode": "rotate", "host_cue": [],
                 "handover_minutes": 2, "min_tables": 3},
        "tables": [{"number": 1, "label": "A"}, {"number": 2, "label": "B"}, {"number": 3, "label": "C"}],
        "participants": [
            {"id": 1, "name": "Ana", "perspective": "lived_experience", "host_of": 1, "joined_at": "2026-11-25T09:05:00+00:00"},
            {"id": 2, "name": None, "perspective": "practitioner", "host_of": None, "joined_at": "2026-11-25T09:06:00+00:00"},
            {"id": 3, "name": "Bo <b>", "perspective": None, "host_of": 2, "joined_at": "2026-11-25T09:07:00+00:00"},
            {"id": 4, "name": "+Cy", "perspective": "researcher", "host_of": 3, "joined_at": "2026-11-25T09:08:00+00:00"},
        ],
        "seats": [{"participant_id": 1, "round": 1, "table": 1}],
        "rounds_log": [{"round": 1, "started_at": "2026-11-25T10:00:00+00:00", "ended_at": "2026-11-25T10:20:00+00:00"}],
        "insights": insights,
        "resonances": [{"insight_id": "i1", "participant_id": 2}],
        "handovers": [
            {"round": 1, "table": 1, "theme": "Peer roles", "host_participant_id": 1,
             "bullets": ["Supervision matters", "<i>pay</i> came up"], "written_at": "2026-11-25T10:19:00+00:00"},
            {"round": 2, "table": 1, "theme": "Pay", "host_participant_id": 1,
             "bullets": ["Banding is unclear"], "written_at": "2026-11-25T10:39:00+00:00"},
        ],
        "nudges": [{"text": "Five minutes left", "at": "2026-11-25T10:15:00+00:00"}],
        "harvest": {
            "themes": [
                {"theme": "Peer roles", "insight_count": 3,
                 "subthemes": [{"label": "Supervision", "insight_ids": ["i1", "i2"], "quote": "i2"},
                               {"label": "Multi-line", "insight_ids": ["i5"], "quote": "i5"}],
                 "top_insights": ["i2", "i1", "i5"], "perspectives": {"lived_experience": 2, "practitioner": 1}},
                {"theme": "Pay", "insight_count": 2,
                 # the service's own shape: counts, the quoted insight and top insights as objects
                 "subthemes": [{"label": "Hostile", "insight_ids": ["i3", "i6"], "count": 2, "quote": "i3",
                                "quote_insight": {"id": "i3", "text": EVIL}}],
                 "top_insights": [{"id": "i3", "text": EVIL}, {"id": "i2", "text": SECRET}],
                 "perspectives": {"not_given": 1, "practitioner": 1}},
                {"theme": "Training", "insight_count": 1,
                 "subthemes": [{"label": "Formulas", "insight_ids": ["i4"], "quote": None}],
                 "top_insights": ["i4"], "perspectives": {"researcher": 1}},
            ],
            "handover_chains": [{"table": 1, "table_label": "A", "handovers": [
                {"round": 2, "theme": "Pay", "bullets": ["Banding is unclear"]},
                {"round": 1, "theme": "Peer roles", "bullets": ["Supervision matters", "<i>pay</i> came up"]},
            ]}],
            "perspectives": {"lived_experience": 1, "practitioner": 1, "not_given": 1, "researcher": 1},
            "participant_count": 4, "insight_count": 6,
        },
    }


@pytest.fixture
def app() -> Flask:
    app = Flask(__name__, template_folder=str(TEMPLATES))
    flask_babel.Babel(app)
    return app


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_has_exactly_the_agreed_columns_and_one_row_per_insight(data):
    text = render_csv(data)
    assert text.splitlines()[0] == "cafe,round,table,theme,host,perspective,author,resonance,posted_at,text,do_not_quote,hidden"
    table = rows(text)
    assert len(table) == 6
    first = table[0]
    assert first["cafe"] == "K7P3QZ" and first["table"] == "A" and first["perspective"] == "lived_experience"
    assert first["author"] == "Ana" and first["resonance"] == "4"


def test_csv_names_anonymous_authors_and_keeps_perspective_keys(data):
    by_id = {r["posted_at"]: r for r in rows(render_csv(data, labels={"practitioner": "Practitioner"}))}
    anonymous = by_id["2026-11-25T10:11:00+00:00"]
    assert anonymous["author"] == "" and anonymous["perspective"] == "practitioner"  # empty, not a placeholder
    assert by_id["2026-11-25T10:12:00+00:00"]["perspective"] == ""


def test_csv_round_trips_commas_newlines_and_quotes(data):
    texts = [r["text"] for r in rows(render_csv(data))]
    assert "Line one, with comma\nline two" in texts
    assert EVIL in texts


def test_csv_defuses_spreadsheet_formulas(data):
    table = rows(render_csv(data))
    texts = [r["text"] for r in table]
    assert "'=HYPERLINK(\"http://evil\")" in texts
    assert "'-5 is what we get paid, @ best" in texts
    assert "'+Cy" in [r["author"] for r in table]
    assert not any(value.startswith(("=", "+", "-", "@")) for r in table for value in r.values())


def test_csv_withholds_do_not_quote_text(data):
    text = render_csv(data)
    assert SECRET not in text
    withheld = [r for r in rows(text) if r["do_not_quote"] == "true"]
    assert withheld and all(r["text"] == "" for r in withheld)  # empty, with the reason in its own column


def test_markdown_reports_figures_themes_chains_and_appendix(data):
    text = render_markdown(data)
    assert text.startswith("# Lived experience roles\n")
    assert "2026-11-25" in text and "Participants: 4" in text and "Insights: 6" in text
    assert "Lived experience: 1" in text and "Not given: 1" in text and "not_given" not in text
    assert "**Hostile** (2 insights)" in text and "Round 1 · Table B · Pay (2 resonances)" in text
    assert "## Peer roles" in text and "**Supervision** (2 insights)" in text
    assert "Round 1 · Table A · Peer roles · Lived experience" in text
    assert text.index("Round 1 · Peer roles") < text.index("Round 2 · Pay")
    assert "Banding is unclear" in text
    assert "Appendix" in text and "anonymous" in text and "Ana" in text


def test_markdown_uses_given_perspective_labels(data):
    text = render_markdown(data, labels={"lived_experience": "Expert by experience"})
    assert "Round 1 · Table A · Peer roles · Expert by experience" in text


def test_markdown_escapes_user_text(data):
    text = render_markdown(data)
    assert "<script>" not in text and "<i>" not in text and "<real>" not in text
    assert "\\<script\\>alert(\"x\")\\</script\\>" in text
    assert "Line one, with comma line two" in text


def test_markdown_never_quotes_or_prints_do_not_quote_text(data):
    text = render_markdown(data)
    assert SECRET not in text
    assert "(not quoted at the author's request)" in text
    # the sub-theme still counts it and falls back to a quotable insight
    assert "**Supervision** (2 insights)" in text
    assert "“Peer workers need proper supervision, not tokenism” — Round 1 · Table A" in text


def test_markdown_prints_names_only_in_the_appendix(data):
    text = render_markdown(data)
    before, appendix = text.split("Appendix", 1)
    assert "Ana" not in before
    assert "Ana" in appendix and "anonymous" in appendix


def test_html_is_a_standalone_printable_page(app, data):
    with app.app_context():
        page = render_html(data)
    assert page.startswith("<!doctype html>")
    assert "<style>" in page and "@media print" in page and "break-before: page" in page
    assert "<script" not in page.replace("&lt;script", "")
    assert "<h1 dir=\"auto\">Lived experience roles</h1>" in page
    assert "Round 1 · Table A · Peer roles · Lived experience" in page
    assert "Hand-over chains" in page and "Banding is unclear" in page


def test_html_escapes_user_text(app, data):
    with app.app_context():
        page = render_html(data)
    assert "<script>" not in page and "<i>pay</i>" not in page and "<b>" not in page.replace("<body>", "")
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;quoted&#34;" in page
    assert "&lt;i&gt;pay&lt;/i&gt;" in page and "Make peer roles &lt;real&gt;" in page


def test_html_never_quotes_or_prints_do_not_quote_text(app, data):
    with app.app_context():
        page = render_html(data)
    assert SECRET not in page
    assert "(not quoted at the author&#39;s request)" in page or "(not quoted at the author's request)" in page
    top = page.split("Most resonating insights", 1)[1].split("</ol>", 1)[0]
    assert "Peer workers need proper supervision" in top


def test_html_prints_names_only_in_the_appendix(app, data):
    with app.app_context():
        page = render_html(data)
    before, appendix = page.split('id="appendix-h"', 1)
    assert "Ana" not in before and "Bo &lt;b&gt;" not in before
    assert "Ana" in appendix and "Bo &lt;b&gt;" in appendix and "anonymous" in appendix


def test_the_host_of_each_table_and_round_is_part_of_the_provenance(data):
    data["participants"][1]["host_of"] = None
    data["participants"][2]["host_of"] = None  # table B has nobody hosting it
    by_table = {(r["round"], r["table"]): r["host"] for r in rows(render_csv(data))}
    assert by_table[("1", "A")] == "Ana"  # wrote that round's hand-over
    assert by_table[("1", "C")] == "'+Cy"  # the table's host, defused for spreadsheets
    assert by_table[("1", "B")] == ""
    text = render_markdown(data)
    appendix = text[text.index("Appendix"):]
    assert "Table A · Peer roles · host: Ana" in appendix
    assert "host:" not in text[:text.index("Appendix")]  # names stay in the appendix

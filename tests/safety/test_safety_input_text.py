"""Text that breaks things (issue 9, item 4): noncharacters in an insight made the Word export
fail with 500 for good, names kept NUL, and a lone surrogate passed validation and then failed in
the database. Every entry point now cleans text with one function (cafe.domain.textclean), and
every export of hostile text answers 200 with a file that opens."""
from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
import uuid

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from safety_input_forms import post_form
from sqlalchemy import select

from cafe.db import transaction
from cafe.domain.textclean import UnsafeText, clean, printable
from cafe.models import CafeRow, InsightRow, NudgeRow, ParticipantRow

NONCHARACTERS = ["\ufdd0", "\ufdef", "\ufffe", "\uffff", "\U0001fffe", "\U0001ffff", "\U0010fffe", "\U0010ffff"]
CONTROLS = ["\x00", "\x07", "\x1b", "\x7f", "\x80", "\x9f"]
OVERRIDES = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e"]
# What must never be stored or reach a file: controls but newline, noncharacters, overrides.
FORBIDDEN = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\ufdd0-\ufdef\ufffe\uffff\ud800-\udfff"
                       + "".join(chr(p << 16 | 0xFFFE) + chr(p << 16 | 0xFFFF) for p in range(1, 17)) + "]")
HOSTILE = ("Pay\x00 people\uffff for\ufffe their\ufdd0 time\U0001fffe \u202egnol\u202c \u2067قال\x1b[31m "
           "and cafe\u0301 \x07now")
CLEAN = "Pay people for their time gnol \u2067قال[31m and café now\u2069"


def new_id() -> str:
    return str(uuid.uuid4())


# ------------------------------------------------------------ the one function


def test_noncharacters_of_every_plane_controls_and_overrides_are_dropped():
    for bad in NONCHARACTERS + CONTROLS + OVERRIDES:
        assert clean(f"a{bad}b") == "ab", repr(bad)


def test_text_is_nfc_with_newline_line_ends_and_tabs_as_spaces():
    assert clean("cafe\u0301") == "café" and unicodedata.is_normalized("NFC", clean("e\u0301\u0323"))
    assert clean("one\r\ntwo\rthree\x85four\u2028five\u2029six\x0bseven", multiline=True) == \
        "one\ntwo\nthree\nfour\nfive\nsix\nseven"
    assert clean("one\r\ntwo\tthree") == "one two three"
    assert clean("  \x00 trimmed \u3000") == "trimmed"


def test_a_lone_surrogate_is_refused_and_a_real_pair_is_kept():
    for lone in ("\ud800", "x\udfff", "\udc00\ud800"):
        with pytest.raises(UnsafeText):
            clean(lone)
    assert clean("\U0001f30d and 漢字") == "\U0001f30d and 漢字"


def test_direction_isolates_are_closed_on_their_line_so_a_direction_never_spills_over():
    assert clean("\u2067عربي", multiline=True) == "\u2067عربي\u2069"
    assert clean("\u2069stray \u2066ok\u2069") == "stray \u2066ok\u2069"
    assert clean("\u2068a\nb", multiline=True) == "\u2068a\u2069\nb"
    assert clean("\u200fmark kept") == "\u200fmark kept"


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",))), st.booleans())
def test_cleaned_text_is_safe_for_every_file_and_cleaning_again_changes_nothing(text, multiline):
    out = clean(text, multiline=multiline)
    assert not FORBIDDEN.search(out)
    assert unicodedata.is_normalized("NFC", out)
    assert clean(out, multiline=multiline) == out
    out.encode("utf-8")
    docx.Document().add_paragraph(out)  # python-docx refuses what XML cannot carry
    if not multiline:
        assert "\n" not in out


def test_printable_never_raises_and_leaves_nothing_a_renderer_refuses():
    assert printable("a\x00\uffff\ud800b\n\tc") == "a\ufffdb\n\tc"


# ------------------------------------------------------------ every entry point


def test_an_insight_is_stored_clean_and_a_lone_surrogate_is_refused_not_a_server_error(facilitator):
    phone = facilitator.join(1)[0]
    facilitator.do("start_round")
    reply = phone.emit("post_insight", {"id": new_id(), "text": HOSTILE})
    assert reply["ok"], reply
    assert reply["insight"]["text"] == CLEAN
    refused = phone.emit("post_insight", {"id": new_id(), "text": "half \ud83d of an emoji"})
    assert refused["ok"] is False and refused["error"] == "invalid", refused
    assert "not valid text" in refused["message"]
    only_junk = phone.emit("post_insight", {"id": new_id(), "text": "\x00\uffff\u202e"})
    assert only_junk["ok"] is False and only_junk["error"] == "invalid"
    with facilitator.app.app_context(), transaction() as db:
        assert [row.text for row in db.scalars(select(InsightRow))] == [CLEAN]


def test_a_name_from_the_join_form_keeps_no_nul_or_noncharacter(facilitator):
    client = facilitator.app.test_client()
    response = post_form(client, f"/j/{facilitator.code}", {"name": "Ann\x00a\uffff \u202eX", "perspective": ""})
    assert response.status_code == 303, response.get_data(as_text=True)
    empty = post_form(facilitator.app.test_client(), f"/j/{facilitator.code}", {"name": "\x00\ufffe", "perspective": ""})
    assert empty.status_code == 303
    with facilitator.app.app_context(), transaction() as db:
        names = [row.name for row in db.scalars(select(ParticipantRow).order_by(ParticipantRow.id))]
    assert names == ["Anna X", None]


def test_facilitator_texts_are_cleaned_nudge_added_person_and_sub_theme_name(facilitator):
    phones = facilitator.join(2)
    facilitator.do("start_round")
    assert facilitator.do("nudge", {"text": "Two\x00 minutes\uffff\nleft"})
    added = facilitator.do("add_person", {"name": "Bo\x07b\ufdd0"})
    refused = facilitator.emit("nudge", {"text": "\udfff"})
    assert refused["ok"] is False and refused["error"] == "invalid"
    for i, phone in enumerate(phones):
        assert phone.emit("post_insight", {"id": new_id(), "text": f"Money for peer support {i}"})["ok"]
    facilitator.play_on_to_harvest()
    theme = next(t for t in facilitator.state()["harvest"]["themes"] if t["subthemes"])
    sub = theme["subthemes"][0]
    renamed = facilitator.do("curate", {"theme": theme["theme"], "version": theme["version"], "op": "rename",
                                        "subtheme": sub["id"], "label": "Peer\uffff su\u0000pport \u202eX"})
    assert renamed["ok"]
    after = next(t for t in facilitator.state()["harvest"]["themes"] if t["theme"] == theme["theme"])
    assert next(s for s in after["subthemes"] if s["id"] == sub["id"])["label"] == "Peer support X"
    with facilitator.app.app_context(), transaction() as db:
        assert [n.text for n in db.scalars(select(NudgeRow))] == ["Two minutes left"]
        assert db.get(ParticipantRow, added["participant_id"]).name == "Bob"


def test_a_hand_over_and_a_missing_note_are_cleaned(facilitator):
    phones = facilitator.join(3)
    facilitator.do("start_round")
    host = phones[0]
    me = host.state()
    facilitator.do("set_host", {"table": me["table"]["number"], "participant_id": me["me"]["id"]})
    handed = host.emit("submit_handover", {"bullets": ["Ask\x00 early\ufffe", "\uffff", "Pay \u202epeople"]})
    assert handed["ok"], handed
    assert handed["handover"]["bullets"] == ["Ask early", "Pay people"]
    assert host.emit("post_insight", {"id": new_id(), "text": "Paid time for peers"})["ok"]
    facilitator.play_on_to_harvest()
    note = host.emit("harvest_feedback", {"id": new_id(), "kind": "missing", "theme": None,
                                          "text": "Nobody\x00 asked\r\nabout\uffff carers"})
    assert note["ok"], note
    assert note["note"]["text"] == "Nobody asked\nabout carers"


def test_the_new_cafe_form_and_an_uploaded_plan_are_cleaned(app):
    client = app.test_client()
    response = post_form(client, "/new", {"title": "Our\x00 café\uffff \u202eday", "themes": "Mon\ufffeey: Who pays\x07?",
                                          "rounds": "3", "round_minutes": "10", "table_size": "5", "theme_mode": "rotate"})
    assert response.status_code == 303, response.get_data(as_text=True)
    plan = ('title = "Up\\u0000loaded\\uFFFF plan"\nrounds = 1\nround_minutes = 10\ntable_size = 5\ntheme_mode = "rotate"\n'
            '[[themes]]\nname = "Ti\\u202Eme"\nquestion = "When\\uFDD0?"\n')
    uploaded = post_form(app.test_client(), "/new", {"plan_file": (io.BytesIO(plan.encode()), "plan.toml")},
                         content_type="multipart/form-data")
    assert uploaded.status_code == 303, uploaded.get_data(as_text=True)
    with app.app_context(), transaction() as db:
        cafes = list(db.scalars(select(CafeRow).order_by(CafeRow.id)))
    assert [c.title for c in cafes] == ["Our café day", "Uploaded plan"]
    assert cafes[0].plan["themes"][0] == {"name": "Money", "description": "", "questions": ["Who pays?"]}
    assert cafes[1].plan["themes"][0]["name"] == "Time" and cafes[1].plan["themes"][0]["questions"] == ["When?"]


# ------------------------------------------------------------ every export of hostile text


def _read_back(fmt: str, body: bytes) -> str:
    """The export's text as a reader would get it; each file must open."""
    if fmt == "pdf":
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    if fmt == "docx":
        document = docx.Document(io.BytesIO(body))
        cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    text = body.decode("utf-8-sig")
    if fmt == "csv":
        return "\n".join(",".join(row) for row in csv.reader(io.StringIO(text)))
    if fmt == "json":
        return json.dumps(json.loads(text), ensure_ascii=False)
    return text


def _hostile_cafe(facilitator) -> None:
    phones = [post_form(facilitator.app.test_client(), f"/j/{facilitator.code}", {"name": f"Name\x00{i}\uffff"})
              for i in range(3)]
    assert all(p.status_code == 303 for p in phones)
    people = facilitator.join(3, ("lived_experience", "practitioner"))
    facilitator.do("start_round")
    texts = [HOSTILE, "Cafe\u0301 \U0001f30d\U0010ffff 漢字 \u2066נגיש", "<script>alert(1)</script> & \"quotes\" \ufffe"]
    for phone, text in zip(people, texts, strict=False):
        assert phone.emit("post_insight", {"id": new_id(), "text": text})["ok"]
    facilitator.do("nudge", {"text": "Break\uffff now\x00"})
    facilitator.play_on_to_harvest()
    assert people[0].emit("harvest_feedback", {"id": new_id(), "kind": "missing", "theme": None,
                                               "text": "Carers\x00 \ufdd0missing"})["ok"]


@pytest.mark.parametrize("fmt", ["md", "html", "pdf", "docx", "csv", "json"])
def test_every_export_of_hostile_text_answers_200_and_opens(facilitator, fmt):
    _hostile_cafe(facilitator)
    response = facilitator.http.get(f"{facilitator.host_link}/export.{fmt}")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    text = _read_back(fmt, response.get_data())
    assert not FORBIDDEN.search(text.replace("\t", " ").replace("\r\n", "\n")), fmt
    if fmt not in ("pdf",):  # the PDF's own text layer may split words; the rest carry the words
        assert "Pay people for their time" in text and "café" in text
    if fmt == "html":
        assert "<script>alert(1)" not in text and "&lt;script&gt;" in text


def test_a_cafe_stored_before_cleaning_still_exports_in_every_format(facilitator):
    """Rows written with the old, uncleaned text (straight to the database, as main stored them)."""
    people = facilitator.join(2)
    facilitator.do("start_round")
    assert people[0].emit("post_insight", {"id": new_id(), "text": "placeholder"})["ok"]
    with facilitator.app.app_context(), transaction() as db:
        insight = db.scalars(select(InsightRow)).one()
        insight.text = "Stored\uffff before\ufffe cleaning\x00 \x1b"
        db.scalars(select(ParticipantRow)).first().name = "Old\x00name\uffff"
    facilitator.do("end_round")
    for fmt in ("md", "html", "pdf", "docx", "csv", "json"):
        response = facilitator.http.get(f"{facilitator.host_link}/export.{fmt}")
        assert response.status_code == 200, (fmt, response.get_data(as_text=True)[:300])
        text = _read_back(fmt, response.get_data())
        if fmt != "json":  # the JSON record keeps what is stored (it is valid JSON either way)
            assert not FORBIDDEN.search(text.replace("\t", " ")), fmt

"""Do-not-quote words reach the facilitator and their author, and no label, quote, wall, other
phone or report: a theme whose only insight is private, a group of only private insights and a
private "something is missing" note, searched for in every screen's state and every export."""
from __future__ import annotations

import io
import json
import uuid

import docx
import pytest
from pypdf import PdfReader

from cafe import wordvectors
from cafe.extensions import socketio

# Marker words that appear in private texts only, so any output containing one leaks.
PRIVATE = ("Zephyrquill", "Marmalurk", "Quondrix", "Vellichor")
LONE = "Zephyrquill marmalurk stories about my own diagnosis"
GROUP = ("Quondrix vellichor waiting lists hurt my family", "Quondrix vellichor waiting lists again",
         "Quondrix vellichor waiting lists for carers")
PUBLIC = ("Peer support groups build confidence", "Peer support groups need funding",
          "Budgets should be shared with citizens", "Budgets should be decided with communities")
MISSING = "Marmalurk Vellichor nobody asked about transport"


def new_id() -> str:
    return str(uuid.uuid4())


def leaks(text: str) -> list[str]:
    lowered = text.casefold()
    return [word for word in PRIVATE if word.casefold() in lowered]


@pytest.fixture(params=["embeddings", "words"])
def harvested(request, monkeypatch, facilitator):
    """A harvested café: table 1's theme has only one private insight; table 2 has a group of
    private insights among quotable ones; one phone adds a private note on what is missing."""
    if request.param == "words":
        monkeypatch.setenv("CAFE_EMBEDDINGS", "off")
    wordvectors.word_vectors.cache_clear()
    request.addfinalizer(wordvectors.word_vectors.cache_clear)
    phones = facilitator.join(8, ("lived_experience", "practitioner"))
    facilitator.do("start_round")
    seated = {}
    for phone in phones:
        seated.setdefault(phone.state()["table"]["number"], []).append(phone)
    first, second = sorted(seated)[:2]
    author = seated[first][0]
    assert author.emit("post_insight", {"id": new_id(), "text": LONE, "do_not_quote": True})["ok"]
    writers = seated[second]
    for n, text in enumerate(GROUP):
        assert writers[n % len(writers)].emit("post_insight", {"id": new_id(), "text": text, "do_not_quote": True})["ok"]
    for n, text in enumerate(PUBLIC):
        assert writers[n % len(writers)].emit("post_insight", {"id": new_id(), "text": text})["ok"]
    facilitator.do("end_round")
    facilitator.play_on_to_harvest()
    note = {"id": new_id(), "kind": "missing", "theme": None, "text": MISSING, "do_not_quote": True}
    assert author.emit("harvest_feedback", note)["ok"]
    wall = socketio.test_client(facilitator.app, auth={"role": "wall", "code": facilitator.code})
    request.addfinalizer(wall.disconnect)
    return facilitator, author, [p for p in phones if p is not author], wall


def test_no_private_word_reaches_the_wall_or_another_phone(harvested):
    _facilitator, _author, others, wall = harvested
    wall_state = wall.emit("sync", {}, callback=True)
    assert wall_state["ok"]
    assert leaks(json.dumps(wall_state, ensure_ascii=False)) == []
    for phone in others:
        assert leaks(json.dumps(phone.state(), ensure_ascii=False)) == []


def test_labels_are_built_only_from_quotable_words(harvested):
    facilitator, author, _others, _wall = harvested
    harvest = facilitator.http.get(facilitator.host_link + "/export.json").get_json()["harvest"]
    labels = [sub["label"] for theme in harvest["themes"] for sub in theme["subthemes"]]
    labels += [str(pattern) for pattern in harvest.get("patterns", [])]
    assert labels and leaks(" ".join(labels)) == []
    # The theme whose only insight is private still counts it, under a neutral label.
    lone = [t for t in harvest["themes"] if t["insight_count"] == 1]
    assert lone and all(leaks(json.dumps(t["subthemes"], ensure_ascii=False)) == [] for t in lone)
    # The author's own phone still reads their own words (in the harvest: their note).
    assert MISSING in json.dumps(author.state(), ensure_ascii=False)


@pytest.mark.parametrize("fmt", ["md", "html", "csv"])
def test_text_reports_carry_no_private_word(harvested, fmt):
    facilitator = harvested[0]
    response = facilitator.http.get(f"{facilitator.host_link}/export.{fmt}")
    assert response.status_code == 200
    assert leaks(response.get_data(as_text=True)) == []


def test_pdf_and_word_carry_no_private_word_but_count_it(harvested):
    facilitator = harvested[0]
    pdf = facilitator.http.get(f"{facilitator.host_link}/export.pdf")
    assert pdf.status_code == 200
    pdf_text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.get_data())).pages)
    word = facilitator.http.get(f"{facilitator.host_link}/export.docx")
    assert word.status_code == 200
    document = docx.Document(io.BytesIO(word.get_data()))
    word_text = "\n".join([p.text for p in document.paragraphs]
                          + [cell.text for table in document.tables for row in table.rows for cell in row.cells])
    assert leaks(pdf_text) == [] and leaks(word_text) == []
    assert "Peer support" in " ".join(pdf_text.split()) or "Budgets" in " ".join(pdf_text.split())


def test_the_json_archive_keeps_private_words_for_the_facilitator_flagged(harvested):
    facilitator = harvested[0]
    record = facilitator.http.get(facilitator.host_link + "/export.json").get_json()
    private = [i for i in record["insights"] if i["do_not_quote"]]
    assert len(private) == 4 and {i["text"] for i in private} == {LONE, *GROUP}
    assert record["harvest"]["voice"]["insight_count"] == 4 + len(PUBLIC)


def test_other_phones_at_the_table_get_a_private_insight_without_its_words(facilitator):
    phones = facilitator.join(2)
    facilitator.do("start_round")
    author, neighbour = phones
    assert author.state()["table"]["number"] == neighbour.state()["table"]["number"]
    wall = socketio.test_client(facilitator.app, auth={"role": "wall", "code": facilitator.code})
    for screen in (neighbour, facilitator):
        screen.received()
    wall.get_received()
    assert author.emit("post_insight", {"id": new_id(), "text": LONE, "do_not_quote": True})["ok"]
    heard = neighbour.received("insight_posted")
    assert len(heard) == 1 and heard[0]["args"][0]["private"] is True
    assert leaks(json.dumps(heard, ensure_ascii=False)) == []
    # the wall counts it (its table counts say what the dashboard says) but gets no words
    on_wall = [m for m in wall.get_received() if m["name"] == "insight_posted"]
    assert len(on_wall) == 1 and on_wall[0]["args"][0]["private"] is True
    assert leaks(json.dumps(on_wall, ensure_ascii=False)) == []
    dashboard = facilitator.received("insight_posted")
    assert dashboard and dashboard[0]["args"][0]["text"] == LONE
    assert leaks(json.dumps(neighbour.state(), ensure_ascii=False)) == []
    wall.disconnect()

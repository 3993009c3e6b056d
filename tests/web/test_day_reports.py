"""Reports for sharing: names anonymised in every export on request, the itinerary sheet for people
without a phone unless asked, and CSV cells that are empty rather than placeholders."""
from __future__ import annotations

import csv
import io
import json
import uuid

import pytest

from test_sockets import Room

FORMATS = ("md", "csv", "json", "html", "pdf", "docx")


@pytest.fixture
def room(facilitator) -> Room:
    facilitator.do("add_person", {"name": "Paper Pat", "perspective": "practitioner"})
    return Room(facilitator)


def export(room: Room, fmt: str, query: str = ""):
    response = room.facilitator.http.get(f"/f/{room.facilitator.host_token}/export.{fmt}{query}")
    assert response.status_code == 200
    return response


def text_of(response, fmt: str) -> str:
    if fmt == "pdf":
        from pypdf import PdfReader
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    if fmt == "docx":
        import docx
        return "\n".join(p.text for p in docx.Document(io.BytesIO(response.data)).paragraphs)
    return response.get_data(as_text=True)


def test_every_export_can_name_nobody_and_keeps_the_perspectives(room):
    author = room.at[1][0]
    assert author.emit("post_insight", {"id": str(uuid.uuid4()), "text": "Peer roles need pay"})["ok"]
    room.facilitator.play_on_to_harvest()
    names = [p["name"] for p in room.facilitator.state()["participants"] if p["name"]]
    assert "P0" in names and "Paper Pat" in names
    for fmt in FORMATS:
        plain = text_of(export(room, fmt), fmt)
        assert any(name in plain for name in names), fmt  # names are there by default
        response = export(room, fmt, "?anonymise=1")
        shared = text_of(response, fmt)
        for name in names:
            assert name not in shared, (fmt, name)
        assert "Peer roles need pay" in shared, fmt
        if fmt != "html":
            assert "-anonymised." in response.headers["Content-Disposition"]
    record = json.loads(export(room, "json", "?anonymise=1").get_data(as_text=True))
    assert {p["name"] for p in record["participants"]} == {None}
    assert "practitioner" in {p["perspective"] for p in record["participants"]}
    assert record["plan"]["themes"][0]["name"]  # themes keep their names
    rows = list(csv.DictReader(io.StringIO(text_of(export(room, "csv", "?anonymise=1"), "csv").lstrip("\ufeff"))))
    assert rows and all(r["author"] == "" and r["host"] == "" for r in rows)


def test_the_csv_has_no_placeholder_text(room):
    author = room.at[1][0]
    assert author.emit("post_insight", {"id": str(uuid.uuid4()), "text": "Between us", "do_not_quote": True})["ok"]
    text = export(room, "csv").get_data(as_text=True).lstrip("\ufeff")
    assert "(not quoted" not in text and "anonymous" not in text and "(hidden" not in text
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert (row["text"], row["do_not_quote"], row["hidden"]) == ("", "true", "false")


def test_the_sheet_prints_itineraries_for_people_without_a_phone_unless_asked_for_everyone(room):
    token = room.facilitator.host_token
    sheet = room.facilitator.http.get(f"/f/{token}/sheet").get_data(as_text=True)
    assert sheet.count('class="card-page itinerary"') == 1 and "Paper Pat" in sheet
    assert f"/f/{token}/sheet?everyone=1" in sheet
    everyone = room.facilitator.http.get(f"/f/{token}/sheet?everyone=1").get_data(as_text=True)
    assert everyone.count('class="card-page itinerary"') == 1 + len(room.phones)
    assert "P0" in everyone


def test_a_person_added_without_a_phone_cannot_be_signed_in_as(room, app):
    from sqlalchemy import select

    from cafe import store
    from cafe.db import transaction
    from cafe.models import ParticipantRow
    with app.app_context(), transaction() as db:
        pat = db.scalars(select(ParticipantRow).where(ParticipantRow.name == "Paper Pat")).one()
        assert not store.has_phone(pat) and not all(c in "0123456789abcdef" for c in pat.token_hash)
        assert all(store.has_phone(p) for p in db.scalars(select(ParticipantRow).where(ParticipantRow.name != "Paper Pat")))

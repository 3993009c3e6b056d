"""The export routes end to end: a real café's harvest carries voice balance and flags, and the PDF
and Word downloads say the same as the HTML report without a do-not-quote text."""
from __future__ import annotations

import io
import uuid

import docx
import pytest
from pypdf import PdfReader

SECRET = "Keep this between us please"
# 4 of 10 people speak from lived experience (a family carer among them), 5 are practitioners.
PERSPECTIVES = ("lived_experience", "practitioner", "practitioner", "family_carer", "practitioner")


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def cafe(facilitator):
    """Round 1 of a café where only practitioners posted, one of them asking not to be quoted."""
    phones = facilitator.join(10, PERSPECTIVES)
    facilitator.do("start_round")
    speakers = [p for i, p in enumerate(phones) if PERSPECTIVES[i % 5] == "practitioner"]
    for n, phone in enumerate(speakers):
        text = SECRET if n == 0 else f"Practitioners should share budgets openly, point {n}"
        reply = phone.emit("post_insight", {"id": str(uuid.uuid4()), "text": text, "do_not_quote": n == 0})
        assert reply["ok"], reply
    facilitator.do("end_round")
    return facilitator


def test_the_harvest_carries_voice_balance_and_a_flag_in_plain_words(cafe):
    harvest = cafe.http.get(cafe.host_link + "/export.json").get_json()["harvest"]
    room = harvest["voice"]
    assert room["insight_count"] == 6 and room["lived_experience"]["room"] == 4
    assert room["lived_experience"]["room_share"] == 0.4 and room["perspectives"]["practitioner"]["insight_share"] == 1.0
    assert room["flags"] == ["insights"]
    first = harvest["voice_flags"][0]
    assert first["scope"] == "room" and first["measure"] == "insights"
    assert first["text"] == ("The whole café: 0 of 6 insights (0%) came from people with lived experience, "
                             "who are 40% of the room.")
    for theme in harvest["themes"]:
        assert theme["voice"]["insight_count"] == theme["insight_count"]
        assert all("voice" in sub for sub in theme["subthemes"])


@pytest.mark.parametrize("fmt, mimetype, magic", [
    ("pdf", "application/pdf", b"%PDF-"),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK"),
])
def test_pdf_and_word_downloads_show_the_flag_and_never_the_secret(cafe, fmt, mimetype, magic):
    response = cafe.http.get(f"{cafe.host_link}/export.{fmt}")
    assert response.status_code == 200 and response.mimetype == mimetype
    assert response.headers["Content-Disposition"] == f'attachment; filename="cafe-{cafe.code.lower()}.{fmt}"'
    blob = response.get_data()
    assert blob.startswith(magic)
    if fmt == "pdf":
        text = flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(blob)).pages))
    else:
        document = docx.Document(io.BytesIO(blob))
        text = flat(" ".join([p.text for p in document.paragraphs]
                             + [c.text for t in document.tables for r in t.rows for c in r.cells]))
    html = cafe.http.get(f"{cafe.host_link}/export.html").get_data(as_text=True)
    assert "The whole café: 0 of 6 insights (0%) came from people with lived experience" in text
    assert "The whole café: 0 of 6 insights (0%) came from people with lived experience" in html
    assert "Practitioners should share budgets openly, point 1" in text and "Round 1 · Table" in text
    assert SECRET not in text and SECRET not in html


def test_dashboard_links_every_export_and_unknown_formats_are_404(cafe):
    page = cafe.http.get(cafe.host_link).get_data(as_text=True)
    for fmt in ("md", "html", "pdf", "docx", "csv", "json"):
        assert f"{cafe.host_link}/export.{fmt}" in page
    assert cafe.http.get(cafe.host_link + "/export.xlsx").status_code == 404
    assert cafe.http.get("/f/not-a-token/export.pdf").status_code == 404

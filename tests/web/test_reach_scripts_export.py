"""Reports in every script: a café whose insights are Chinese, Japanese, Korean, Arabic, Devanagari
and emoji is exported as PDF and Word, and the words are found again in the files' text."""
from __future__ import annotations

import io
import unicodedata
import uuid
import zipfile

from pypdf import PdfReader

from cafe.export import pdf

TEXTS = {
    "Chinese": "同伴支持很重要",
    "Japanese": "ピアサポートが大切です",
    "Korean": "동료 지원이 중요합니다",
    "Arabic": "الدعم من الأقران مهم",
    "Devanagari": "सहकर्मी सहायता महत्वपूर्ण है",
    "emoji": "Peer support 🤝 matters 🌍",
}


def exported_cafe(facilitator) -> tuple[bytes, bytes]:
    phones = facilitator.join(6, ("lived_experience", "researcher"))
    facilitator.do("start_round")
    for phone, text in zip(phones, TEXTS.values(), strict=False):
        reply = phone.emit("post_insight", {"id": str(uuid.uuid4()), "text": text})
        assert reply["ok"], reply
    facilitator.play_on_to_harvest()
    files = []
    for fmt in ("pdf", "docx"):
        response = facilitator.http.get(f"/f/{facilitator.host_token}/export.{fmt}")
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        files.append(response.data)
    return files[0], files[1]


def squash(text: str) -> str:
    """Text as extracted, compared without spaces and in NFC: a PDF's text layer may split runs, and
    pypdf reads a shaped run's spaces back as control characters."""
    kept = (c for c in unicodedata.normalize("NFC", text) if not c.isspace() and unicodedata.category(c) != "Cc")
    return "".join(kept)


def test_a_pdf_and_a_word_report_carry_every_script(facilitator):
    assert pdf.missing_fonts() == [], "scripts/setup.sh installs the fonts the PDF needs"
    pdf_bytes, docx_bytes = exported_cafe(facilitator)
    reader = PdfReader(io.BytesIO(pdf_bytes))
    text = squash("".join(page.extract_text() for page in reader.pages))
    fonts = {str(font) for page in reader.pages for font in (page.get("/Resources", {}).get("/Font", {}) or {}).values()}
    print(f"PDF: {len(reader.pages)} pages, {len(pdf_bytes) // 1024} KB, {len(fonts)} fonts")
    missing = [script for script, words in TEXTS.items() if squash(words) not in text]
    assert not missing, missing
    assert "🤝" in text and "🌍" in text
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as document:
        xml = document.read("word/document.xml").decode("utf-8")
    for words in TEXTS.values():
        assert words in xml, words
    assert "<w:rtl/>" in xml or '<w:rtl w:val="1"/>' in xml, "the Arabic insight is marked right to left"
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as document:
        assert 'w:eastAsia="' in document.read("word/styles.xml").decode("utf-8")  # CJK names a font that has it

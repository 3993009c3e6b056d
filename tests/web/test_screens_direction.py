"""The page direction follows the chosen locale."""
from __future__ import annotations

import pytest

from cafe.app import text_direction


@pytest.mark.parametrize("lang", ["ar", "he", "fa", "ur", "ar_EG", "fa-IR", "HE"])
def test_right_to_left_languages_get_rtl(lang: str) -> None:
    assert text_direction(lang) == "rtl"


@pytest.mark.parametrize("lang", ["en", "es", "fr", "de_DE", "", None])
def test_other_languages_get_ltr(lang: str | None) -> None:
    assert text_direction(lang) == "ltr"


def test_home_page_carries_lang_and_dir(client) -> None:
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in html

"""Each phone speaks its own language; the facilitator's screens and the wall choose apart."""
from __future__ import annotations

import re

import pytest
from csrf_forms import BrowserClient

from cafe.extensions import socketio
from cafe.plans import load_plan, sessions_dir

# A string from each catalogue that the phone page shows; the café runs the ICIC plan, which
# carries its texts in every shipped language.
PHONE_WORDS = {"en": "Share an insight with your table", "es": "Comparte una aportación con tu mesa",
               "fr": "Partagez une contribution avec votre table", "ar": "شارك فكرة مع طاولتك"}
PLAN = load_plan(sessions_dir() / "icic-2023-lived-experience-roles.toml")


def _html_tag(page: str) -> str:
    return re.search(r"<html[^>]*>", page).group(0)


def _phone(app, code: str, lang: str) -> tuple[BrowserClient, object]:
    """A phone that picks `lang` on the join page, joins, and connects."""
    http = BrowserClient(app, app.response_class, use_cookies=True)
    picked = http.get(f"/j/{code}?lang={lang}")
    assert picked.status_code == 200
    assert f'lang="{lang}"' in _html_tag(picked.get_data(as_text=True))
    assert http.post(f"/j/{code}", data={"name": "", "perspective": ""}).status_code == 303
    socket = socketio.test_client(app, flask_test_client=http, auth={"role": "participant", "code": code})
    assert socket.is_connected()
    return http, socket


def _state(socket) -> dict:
    reply = socket.emit("sync", {}, callback=True)
    assert reply["ok"], reply
    return reply["state"]


@pytest.mark.parametrize("lang", ["es", "fr", "ar"])
def test_a_phone_reads_its_page_and_the_plan_in_the_language_it_picked(app, facilitator, lang: str) -> None:
    http, socket = _phone(app, facilitator.code, lang)
    page = http.get(f"/p/{facilitator.code}").get_data(as_text=True)  # remembered: no ?lang= here
    assert _html_tag(page) == f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">'
    assert PHONE_WORDS[lang] in page
    assert PHONE_WORDS["en"] not in page
    facilitator.do("start_round")
    state = _state(socket)
    table = state["table"]
    # the dashboard names the table's theme in the plan's own words; the phone reads it translated
    own = next(t["theme"] for t in facilitator.state()["tables"] if t["number"] == table["number"])
    index = [t.name for t in PLAN.themes].index(own)
    shown = PLAN.in_language(lang).themes[index]
    assert (table["theme"], table["question"], table["theme_description"]) == \
        (shown.name, shown.questions[0], shown.description)
    assert table["theme"] != own
    assert state["cafe"]["etiquette"] == list(PLAN.in_language(lang).etiquette)
    assert state["cafe"]["host_cue"] == list(PLAN.in_language(lang).host_cue)
    # the dashboard keeps the plan's own texts: the harvest files insights under those names
    names = {t["theme"] for t in facilitator.state()["tables"]}
    assert names <= {"Disruptor / Advocate", "Community Builder", "Improvement Expert", "Citizen Leader"}


def test_phones_at_one_table_each_read_their_own_language(app, facilitator) -> None:
    _, arabic = _phone(app, facilitator.code, "ar")
    _, french = _phone(app, facilitator.code, "fr")
    facilitator.do("start_round")
    ar_table, fr_table = _state(arabic)["table"], _state(french)["table"]
    ar_theme, fr_theme = _state(arabic)["itinerary"][0]["theme"], _state(french)["itinerary"][0]["theme"]
    assert re.search("[\u0600-\u06ff]", ar_table["question"]) and re.search("[\u0600-\u06ff]", ar_theme)
    assert not re.search("[\u0600-\u06ff]", fr_table["question"] + fr_theme)
    assert re.search("[\u0600-\u06ff]", _state(arabic)["cafe"]["title"])
    assert _state(french)["cafe"]["title"].startswith("Rôles de l’expérience vécue")


def test_the_join_page_shows_the_plan_title_and_purpose_in_the_phones_language(app, facilitator) -> None:
    client = BrowserClient(app, app.response_class, use_cookies=True)
    page = client.get(f"/j/{facilitator.code}?lang=es").get_data(as_text=True)
    assert "Roles de la experiencia vivida en la atención integrada (ICIC 2023)" in page
    assert "Explorar cuatro roles" in page


def test_the_browser_language_is_the_default_and_a_choice_is_remembered(app, facilitator) -> None:
    client = BrowserClient(app, app.response_class, use_cookies=True)
    french_browser = {"Accept-Language": "fr-CH, fr;q=0.9, en;q=0.5"}
    assert 'lang="fr"' in _html_tag(client.get(f"/j/{facilitator.code}", headers=french_browser).get_data(as_text=True))
    chosen = client.get(f"/j/{facilitator.code}?lang=ar", headers=french_browser)
    assert "cafe_lang_phone=ar" in chosen.headers["Set-Cookie"]
    again = client.get(f"/j/{facilitator.code}", headers=french_browser).get_data(as_text=True)
    assert _html_tag(again) == '<html lang="ar" dir="rtl">'


def test_an_unknown_language_changes_nothing(client) -> None:
    response = client.get("/?lang=xx")
    assert 'lang="en"' in _html_tag(response.get_data(as_text=True))
    assert "Set-Cookie" not in response.headers or "cafe_lang" not in response.headers["Set-Cookie"]


def test_the_phone_the_dashboard_and_the_wall_keep_their_own_choices(app, facilitator) -> None:
    # one browser (the facilitator's laptop) that also tried the join page in Arabic
    laptop = facilitator.http
    laptop.get(f"/j/{facilitator.code}?lang=ar")
    dashboard = laptop.get(facilitator.host_link).get_data(as_text=True)
    assert _html_tag(dashboard) == '<html lang="en" dir="ltr">'
    laptop.get(f"/w/{facilitator.code}?lang=fr")
    assert 'lang="fr"' in _html_tag(laptop.get(f"/w/{facilitator.code}").get_data(as_text=True))
    laptop.get(f"{facilitator.host_link}?lang=es")
    assert 'lang="es"' in _html_tag(laptop.get(facilitator.host_link).get_data(as_text=True))
    assert 'lang="fr"' in _html_tag(laptop.get(f"/w/{facilitator.code}").get_data(as_text=True))
    assert _html_tag(laptop.get(f"/j/{facilitator.code}").get_data(as_text=True)) == '<html lang="ar" dir="rtl">'


def test_pickers_are_plain_links_naming_each_language_in_itself(app, facilitator) -> None:
    client = BrowserClient(app, app.response_class, use_cookies=True)
    page = client.get(f"/j/{facilitator.code}?lang=fr").get_data(as_text=True)
    nav = re.search(r'<nav class="languages".*?</nav>', page, re.DOTALL).group(0)
    assert 'aria-label="Langue"' in nav
    for code, name in {"en": "English", "es": "Español", "fr": "Français", "ar": "العربية"}.items():
        assert re.search(rf'<a href="\?lang={code}" lang="{code}" hreflang="{code}"[^>]*>{name}</a>', nav)
    assert re.search(r'lang="fr"[^>]*aria-current="true"', nav)
    dashboard = facilitator.http.get(facilitator.host_link).get_data(as_text=True)
    assert f'href="/w/{facilitator.code}?lang=ar"' in dashboard


def test_a_socket_speaks_the_language_of_its_role(app, facilitator) -> None:
    """Replies over the socket (errors included) come in the phone's language, not the laptop's."""
    _, socket = _phone(app, facilitator.code, "es")
    reply = socket.emit("post_insight", {"id": "not-a-uuid", "text": "hola"}, callback=True)
    assert not reply["ok"]
    assert re.search("[áéíóúñ]|debe|ronda", reply["message"]), reply

"""Languages in real headless Chromium against the real server: a phone in each shipped language
picks it on the join page and reads its phone screen and the plan's question in it (Arabic right
to left); the dashboard and the projector keep their own choices; axe finds nothing blocking on
the Arabic pages."""
from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import socketio
from playwright.sync_api import Page, expect
from services import post_form
from test_accessibility import audit, make_context  # noqa: F401  (make_context is a fixture)

from cafe.plans import load_plan, sessions_dir

PLAN_FILE = "icic-2023-lived-experience-roles.toml"
PLAN = load_plan(sessions_dir() / PLAN_FILE)
# Each language as the picker names it, its join button, and a phone-screen label (from the catalogues).
LANGUAGES = {
    "es": ("Español", "Entrar en el café", "Comparte una aportación con tu mesa"),
    "fr": ("Français", "Rejoindre le café", "Partagez une contribution avec votre table"),
    "ar": ("العربية", "انضم إلى المقهى", "شارك فكرة مع طاولتك"),
}


@pytest.fixture
def cafe(playwright, live_server) -> Iterator[tuple[str, str, socketio.Client]]:
    """A fresh ICIC café (code, dashboard path) with the facilitator connected over Socket.IO."""
    api = playwright.request.new_context(base_url=live_server.base_url)
    response = post_form(api, "/new", {"plan": PLAN_FILE}, max_redirects=0)
    assert response.status == 303, response.text()
    dashboard = response.headers["location"]
    html = api.get(dashboard).text()
    code = re.search(r'class="join-code"[^>]*>([A-Z0-9]{6})<', html).group(1)
    api.dispose()
    client = socketio.Client(reconnection=False)
    token = dashboard.rstrip("/").rsplit("/", 1)[1]
    client.connect(live_server.base_url, auth={"role": "facilitator", "host_token": token},
                   transports=["websocket"], wait_timeout=10)
    try:
        yield code, dashboard, client
    finally:
        client.disconnect()


def _picker(page: Page, label: str = "Language"):
    return page.get_by_role("navigation", name=label)


def _join_in(context, code: str, lang: str) -> Page:
    """Open the join page in the browser's language (English), pick `lang`, join."""
    name, join_button, _ = LANGUAGES[lang]
    page = context.new_page()
    page.goto(f"/j/{code}")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    _picker(page).get_by_role("link", name=name).click()
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if lang == "ar" else "ltr")
    expect(page.get_by_role("heading", level=1)).to_have_text(PLAN.in_language(lang).title)
    page.get_by_role("button", name=join_button).click()
    expect(page).to_have_url(re.compile(rf"/p/{code}$"))
    expect(page.locator("[data-connection]")).to_have_attribute("data-state", "online")
    return page


def test_a_phone_in_each_language_reads_its_screen_and_the_plan_in_it(make_context, cafe) -> None:  # noqa: F811
    code, _, facilitator = cafe
    phones = {lang: _join_in(make_context("phone"), code, lang) for lang in LANGUAGES}
    assert facilitator.call("start_round", {}, timeout=10)["ok"]
    for lang, page in phones.items():
        _, _, label = LANGUAGES[lang]
        expect(page.locator("html")).to_have_attribute("lang", lang)
        expect(page.locator("html")).to_have_attribute("dir", "rtl" if lang == "ar" else "ltr")
        expect(page.get_by_label(label)).to_be_visible()
        round_one = {theme.questions[0] for theme in PLAN.in_language(lang).themes}
        question = page.locator("[data-question]")
        expect(question).not_to_be_empty()
        assert question.inner_text().strip() in round_one, (lang, question.inner_text())
        assert page.locator("[data-theme]").inner_text().strip() in {t.name for t in PLAN.in_language(lang).themes}
        # the picker stays on the phone screen, marking the language in use
        expect(_picker(page, {"es": "Idioma", "fr": "Langue", "ar": "اللغة"}[lang])
               .locator("a[aria-current]")).to_have_attribute("lang", lang)
    arabic = phones["ar"]
    assert arabic.evaluate("getComputedStyle(document.body).direction") == "rtl"
    # the label's words start at the right edge of the insight box and leave the gap on the left
    gaps = arabic.evaluate("""() => {
        const label = document.querySelector('label[for=insight-text]');
        const range = document.createRange();
        range.selectNodeContents(label);
        const text = range.getBoundingClientRect(), box = label.closest('form').getBoundingClientRect();
        return {left: text.left - box.left, right: box.right - text.right};
    }""")
    assert gaps["right"] < gaps["left"], gaps
    assert not audit(arabic, "phone in Arabic")


def test_the_browsers_language_is_the_default_and_the_choice_is_remembered(browser, live_server, cafe) -> None:
    code, _, _ = cafe
    context = browser.new_context(base_url=live_server.base_url, locale="fr-FR")
    try:
        page = context.new_page()
        page.goto(f"/j/{code}")
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        _picker(page, "Langue").get_by_role("link", name="العربية").click()
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        page.goto(f"/j/{code}")  # no ?lang= any more: the cookie remembers
        expect(page.locator("html")).to_have_attribute("lang", "ar")
        expect(page.get_by_role("button", name="انضم إلى المقهى")).to_be_visible()
    finally:
        context.close()


def test_the_dashboard_and_the_wall_keep_their_own_languages(make_context, cafe) -> None:  # noqa: F811
    code, dashboard, _ = cafe
    laptop = make_context("laptop")
    dash = laptop.new_page()
    dash.goto(f"/j/{code}?lang=ar")  # the same browser once looked at the join page in Arabic
    dash.goto(dashboard)
    expect(dash.locator("html")).to_have_attribute("lang", "en")
    with dash.expect_popup() as opened:
        _picker(dash, "Open the projector view in").get_by_role("link", name="Français").click()
    wall = opened.value
    expect(wall.locator("html")).to_have_attribute("lang", "fr")
    expect(wall.locator("html")).to_have_attribute("dir", "ltr")
    _picker(dash).get_by_role("link", name="Español").click()
    expect(dash.locator("html")).to_have_attribute("lang", "es")
    expect(dash.get_by_role("button", name="Empezar ronda")).to_be_visible()
    wall.reload()
    expect(wall.locator("html")).to_have_attribute("lang", "fr")
    # the wall shows the plan's own texts: its theme names are the harvest's
    expect(wall.locator("#cafe-title")).to_have_text(PLAN.title)
    phone = laptop.new_page()
    phone.goto(f"/j/{code}")
    expect(phone.locator("html")).to_have_attribute("lang", "ar")


def test_the_arabic_join_page_passes_axe(make_context, cafe) -> None:  # noqa: F811
    code, _, _ = cafe
    page = make_context("phone").new_page()
    page.goto(f"/j/{code}?lang=ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert not audit(page, "join in Arabic")

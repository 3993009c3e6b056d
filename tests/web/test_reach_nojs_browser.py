"""A phone with JavaScript switched off joins, sees its table and posts with plain HTML forms:
POST, with the CSRF token, exactly once per form, the words never in a URL. The staff screens
say in a <noscript> what needs JavaScript."""
from __future__ import annotations

import re

from playwright.sync_api import expect
from test_accessibility import cafe  # noqa: F401  (the fixture: a café and its facilitator's socket)

TEXT = "Peer workers need paid time to meet"
SECRET = "words-that-must-never-travel-in-a-url"


def table_insights(cafe, text: str) -> list[dict]:  # noqa: F811 (the fixture, passed on)
    state = cafe.facilitator.call("sync", {}, timeout=10)["state"]
    return [i for i in state["insights"] if i["text"] == text]


def test_a_phone_without_javascript_posts_with_a_plain_form(browser, playwright, live_server, cafe):  # noqa: F811
    context = browser.new_context(base_url=live_server.base_url, java_script_enabled=False, **playwright.devices["Pixel 7"])
    context.set_default_timeout(10_000)
    urls: list[str] = []
    methods: dict[str, str] = {}
    try:
        page = context.new_page()
        page.on("request", lambda r: (urls.append(r.url), methods.__setitem__(r.url.split("?")[0], r.method)))
        page.goto(f"/j/{cafe.code}")
        page.get_by_label("Your name").fill("Noor")
        page.locator("#perspective-lived_experience").check()
        page.get_by_role("button", name="Join the café").click()
        # The phone screen sends a browser without scripts on to its plain page.
        expect(page).to_have_url(re.compile(rf"/p/{cafe.code}/table$"))
        expect(page.locator(".timer")).to_have_text("Waiting to start")

        cafe.do("start_round")
        page.get_by_role("link", name="Refresh").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Table [A-Z]+$"))
        expect(page.locator(".timer")).to_have_text(re.compile(r"^\d+:\d\d left$"))

        page.get_by_label("Share an insight with your table").fill(f"{TEXT} {SECRET}")
        page.get_by_role("button", name="Send").click()
        expect(page).to_have_url(re.compile(rf"/p/{cafe.code}/table\?sent=1#sent$"))
        expect(page.get_by_role("status")).to_have_text("Your insight was sent.")
        expect(page.locator("li.insight").filter(has_text=SECRET)).to_have_count(1)
        assert methods[f"{live_server.base_url}/p/{cafe.code}/insights"] == "POST"
        assert not [u for u in urls if "words-that" in u or "text=" in u], urls
        assert len(table_insights(cafe, f"{TEXT} {SECRET}")) == 1

        # Exactly once: the same form (its id and token) sent again stores nothing new.
        form = page.locator("form.compose")
        fields = {name: form.locator(f"input[name={name}]").get_attribute("value") for name in ("id", "csrf_token")}
        for _ in range(2):
            response = page.request.post(f"/p/{cafe.code}/insights", form={**fields, "text": "Twice is once"}, max_redirects=0)
            assert response.status == 303, response.text()
        assert len(table_insights(cafe, "Twice is once")) == 1

        # Without the CSRF token nothing is stored; an empty text is refused with the form kept.
        response = page.request.post(f"/p/{cafe.code}/insights", form={"id": fields["id"][:-4] + "abcd", "text": "Forged"})
        assert response.status == 400 and not table_insights(cafe, "Forged")
        page.get_by_role("link", name="Refresh").click()
        page.get_by_label("Do not quote me").check()
        page.get_by_role("button", name="Send").click()
        expect(page.get_by_role("alert")).to_contain_text("must not be empty")
        expect(page.get_by_label("Do not quote me")).to_be_checked()
        assert "/insights" in page.url and "?" not in page.url
    finally:
        context.close()


def test_the_staff_screens_say_what_needs_javascript(browser, live_server, cafe):  # noqa: F811
    context = browser.new_context(base_url=live_server.base_url, java_script_enabled=False,
                                  viewport={"width": 1366, "height": 800})
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        for path, words in [(cafe.dashboard, "This dashboard needs JavaScript"),
                            (f"{cafe.dashboard}/seating", "The seating plan needs JavaScript"),
                            (f"{cafe.dashboard}/harvest", "The harvest studio needs JavaScript"),
                            (f"/w/{cafe.code}", "The projector view needs JavaScript")]:
            page.goto(path)
            notice = page.locator("[data-noscript]")
            expect(notice).to_be_visible()
            expect(notice).to_contain_text(words)
    finally:
        context.close()

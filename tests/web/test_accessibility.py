"""Every screen, in every state people meet it in, checked with axe-core in real headless Chromium
against the real server; plus the keyboard path on a phone and the landmarks, headings and live
regions each page needs. Violations of impact "serious" or "critical" fail; the rest are printed."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import socketio
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from services import post_form

PLAN = "quick-team-retro.toml"
BLOCKING = {"serious", "critical"}
PEOPLE = [("Amal", "family_carer"), ("", ""), ("Bea", "lived_experience"), ("Chen", "practitioner"), ("Dev", "researcher")]
AXE = Axe()


def audit(page: Page, screen: str, only: list[str] | None = None) -> list[str]:
    """Run axe on the page as it is now; return the blocking violations, print the others."""
    options = {"resultTypes": ["violations"]}
    if only:
        options["runOnly"] = {"type": "rule", "values": only}
    violations = AXE.run(page, options=options).response["violations"]
    blocking = []
    for violation in violations:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
        line = f"{screen}: {violation['id']} ({violation['impact']}) {violation['help']} -> {targets[:5]}"
        if violation["impact"] in BLOCKING:
            blocking.append(line)
        else:
            print("axe, not blocking:", line)
    print(f"axe: {screen}: {len(violations)} violation(s), {len(blocking)} serious or critical")
    return blocking


@dataclass
class Cafe:
    """A café on the live server: its code, the dashboard path and the facilitator's own socket."""

    code: str
    dashboard: str
    facilitator: socketio.Client

    def do(self, event: str, payload: dict | None = None) -> dict:
        reply = self.facilitator.call(event, payload or {}, timeout=10)
        assert reply["ok"], (event, reply)
        return reply


@pytest.fixture
def make_context(browser, playwright, live_server):
    """New browser contexts that let axe's injected script run (our CSP only allows 'self')."""
    made = []

    def make(kind: str = "phone"):
        sizes = {"laptop": {"viewport": {"width": 1366, "height": 800}},
                 "projector": {"viewport": {"width": 1920, "height": 1080}},
                 "phone": playwright.devices["Pixel 7"]}
        context = browser.new_context(base_url=live_server.base_url, bypass_csp=True, **sizes[kind])
        context.set_default_timeout(10_000)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


@pytest.fixture
def cafe(playwright, live_server) -> Iterator[Cafe]:
    """A fresh café started from a plan, with the facilitator connected over Socket.IO."""
    api = playwright.request.new_context(base_url=live_server.base_url)
    response = post_form(api, "/new", {"plan": PLAN}, max_redirects=0)
    assert response.status == 303, response.text()
    dashboard = response.headers["location"]
    token = dashboard.rstrip("/").rsplit("/", 1)[1]
    html = api.get(dashboard).text()
    code = re.search(r'class="join-code"[^>]*>([A-Z0-9]{6})<', html).group(1)
    api.dispose()
    client = socketio.Client(reconnection=False)
    client.connect(live_server.base_url, auth={"role": "facilitator", "host_token": token}, transports=["websocket"], wait_timeout=10)
    try:
        yield Cafe(code, dashboard, client)
    finally:
        client.disconnect()


def submit_join(page: Page, code: str, name: str, perspective: str) -> None:
    """Fill the open join form (name and perspective optional) and land on the phone screen."""
    if name:
        page.get_by_label("Your name").fill(name)
    if perspective:
        page.locator(f"#perspective-{perspective}").check()
    page.get_by_role("button", name="Join the café").click()
    expect(page).to_have_url(re.compile(rf"/p/{code}$"))


def join(context, code: str, name: str, perspective: str) -> Page:
    page = context.new_page()
    page.goto(f"/j/{code}")
    submit_join(page, code, name, perspective)
    expect(page.locator("[data-connection]")).to_have_attribute("data-state", "online")
    return page


def post(phone: Page, text: str) -> None:
    phone.get_by_label("Share an insight with your table").fill(text)
    phone.locator("[data-compose]").get_by_role("button", name="Send").click()
    expect(phone.locator("[data-insights] li.insight").filter(has_text=text)).to_have_count(1)


def time_travel(page: Page, seconds: float) -> None:
    """Moves the page's own clock forward (the countdowns read performance.now), not the server's."""
    page.evaluate("""(ms) => { const real = performance.now.bind(performance);
                                performance.now = () => real() + ms; }""", seconds * 1000)


def structure(page: Page) -> dict:
    return page.evaluate("""() => ({
        lang: document.documentElement.lang,
        h1: document.querySelectorAll('h1').length,
        main: document.querySelectorAll('main, [role=main]').length,
    })""")


def test_the_pages_without_a_cafe_running_pass_axe(make_context, cafe):
    laptop = make_context("laptop").new_page()
    phone = make_context("phone").new_page()
    found = []
    laptop.goto("/")
    found += audit(laptop, "home")
    laptop.goto("/new")
    found += audit(laptop, "new")
    laptop.locator("form.card").get_by_role("button", name="Start the café").click()
    expect(laptop.locator("#error-summary")).to_be_visible()
    found += audit(laptop, "new with errors")
    phone.goto(f"/j/{cafe.code}")
    found += audit(phone, "join")
    phone.locator("#name").evaluate("(input) => input.removeAttribute('maxlength')")
    phone.get_by_label("Your name").fill("x" * 41)
    phone.get_by_role("button", name="Join the café").click()
    expect(phone.locator("#error-summary")).to_be_visible()
    found += audit(phone, "join with an error")
    phone.goto("/j/ZZZZZZ")
    found += audit(phone, "404 page")
    laptop.goto("/join?code=ZZZZZZ")
    found += audit(laptop, "home with an unknown code")
    assert not found, "\n".join(found)


def test_the_live_screens_pass_axe_in_every_state(make_context, cafe):
    dash = make_context("laptop").new_page()
    dash.goto(cafe.dashboard)
    wall = make_context("projector").new_page()
    wall.goto(f"/w/{cafe.code}")
    phones = [join(make_context("phone"), cafe.code, name, perspective) for name, perspective in PEOPLE]
    found = []
    found += audit(phones[0], "phone, ready")
    found += audit(dash, "dashboard, ready")
    found += audit(wall, "wall, ready")

    cafe.do("start_round")
    for phone in phones:
        expect(phone.locator("[data-timer]")).to_have_text(re.compile(r"left$"))
    post(phones[0], "Pairing on the hard bugs helped us most")
    post(phones[1], "Short stand-ups kept everyone in the loop")
    cafe.do("nudge", {"text": "Ten minutes to go"})
    expect(phones[0].locator("[data-nudge]")).to_contain_text("Ten minutes to go")
    expect(dash.locator("#tables li.insight")).to_have_count(2)
    expect(wall.locator("#stream .wall-insight")).to_have_count(2)
    found += audit(phones[0], "phone, running with insights")
    found += audit(dash, "dashboard, running with insights")
    found += audit(wall, "wall, running with insights")

    cafe.do("pause_round")
    expect(phones[0].locator("[data-timer]")).to_have_text(re.compile(r"^Paused"))
    expect(wall.locator("#wall")).to_have_attribute("data-status", "paused")
    found += audit(phones[0], "phone, paused")
    found += audit(dash, "dashboard, paused")
    found += audit(wall, "wall, paused")
    cafe.do("resume_round")
    for page in (phones[0], dash, wall):
        expect(page.locator("[data-connection]")).to_have_attribute("data-state", "online")
    expect(phones[0].locator("[data-timer]")).to_have_text(re.compile(r"^\d+:\d\d left$"))
    expect(dash.locator("#round-status")).to_have_attribute("data-status", "running")
    expect(wall.locator("#wall")).to_have_attribute("data-status", "running")

    for page in (phones[0], dash, wall):
        time_travel(page, 9 * 60)
    expect(phones[0].locator("[data-timer]")).to_have_class(re.compile("overtime"))
    expect(dash.locator("#timer")).to_have_class(re.compile("overtime"))
    expect(wall.locator("#timer")).to_have_class(re.compile("overtime"))
    found += audit(phones[0], "phone, overtime")
    found += audit(dash, "dashboard, overtime")
    found += audit(wall, "wall, overtime")

    cafe.do("end_round")
    hosts = [phone for phone in phones if phone.locator("[data-host]").is_visible()]
    assert hosts, "no phone shows the host's card"
    expect(hosts[0].locator("[data-handover-form]")).to_be_visible()
    found += audit(hosts[0], "phone, host with the hand-over due")
    others = [phone for phone in phones if phone not in hosts]
    found += audit(others[0], "phone, round ended")
    found += audit(dash, "dashboard, round ended")

    for _ in range(2):
        cafe.do("next_round")
        cafe.do("start_round")
    expect(phones[2].locator("[data-round-of]")).to_have_text("Round 3 of 3")
    expect(phones[2].locator("[data-timer]")).to_have_text(re.compile(r"^\d+:\d\d left$"))
    post(phones[2], "Try a shared checklist for releases")
    cafe.do("start_harvest")
    for phone in phones:
        expect(phone.locator("[data-harvest]")).to_be_visible()
    expect(dash.locator("#harvest")).to_be_visible()
    expect(wall.locator("#harvest")).to_be_visible()
    found += audit(phones[0], "phone, harvest")
    found += audit(dash, "dashboard, harvest")
    found += audit(wall, "wall, harvest")
    assert not found, "\n".join(found)


def test_the_wall_is_readable_at_1280x720(make_context, cafe):
    context = make_context("projector")
    wall = context.new_page()
    wall.set_viewport_size({"width": 1280, "height": 720})
    wall.goto(f"/w/{cafe.code}")
    phone = join(make_context("phone"), cafe.code, "Amal", "family_carer")
    cafe.do("start_round")
    post(phone, "Pairing on the hard bugs helped us most")
    expect(wall.locator("#stream .wall-insight")).to_have_count(1)
    found = audit(wall, "wall 1280x720, running")
    cafe.do("pause_round")
    expect(wall.locator("#wall")).to_have_attribute("data-status", "paused")
    found += audit(wall, "wall 1280x720, paused", only=["color-contrast"])
    smallest = wall.evaluate("""() => Math.min(...Array.from(document.querySelectorAll('#wall *'))
        .filter((n) => n.offsetParent && n.childNodes.length
                 && Array.from(n.childNodes).some((c) => c.nodeType === 3 && c.textContent.trim())
                 && !n.closest('.visually-hidden'))
        .map((n) => parseFloat(getComputedStyle(n).fontSize)))""")
    # 720 px high, read from the back of a room: nothing smaller than 14 px.
    assert smallest >= 14, smallest
    assert not found, "\n".join(found)


def test_a_phone_can_be_used_with_the_keyboard_alone(make_context, cafe):
    phone = join(make_context("phone"), cafe.code, "Amal", "family_carer")
    cafe.do("start_round")
    expect(phone.locator("[data-timer]")).to_have_text(re.compile(r"left$"))

    def tab_to(selector: str, limit: int = 40) -> None:
        for _ in range(limit):
            phone.keyboard.press("Tab")
            if phone.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
                return
        pytest.fail(f"Tab never reached {selector}")

    for key, text in (("Enter", "Sent with the Enter key"), ("Space", "Sent with the space bar")):
        phone.goto(f"/p/{cafe.code}")
        expect(phone.locator("[data-connection]")).to_have_attribute("data-state", "online")
        phone.locator("body").focus()
        tab_to("#insight-text")
        phone.keyboard.type(text)
        tab_to("[data-compose] button[type=submit]", limit=5)
        phone.keyboard.press(key)
        expect(phone.locator("[data-insights] li.insight").filter(has_text=text)).to_have_count(1)
        expect(phone.locator("#insight-text")).to_have_value("")
    # the focus ring is drawn where the keyboard is
    outline = phone.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


def test_every_page_has_one_h1_a_main_landmark_a_language_and_live_regions(make_context, cafe):
    laptop = make_context("laptop").new_page()
    for path in ("/", "/new", f"/j/{cafe.code}", "/j/ZZZZZZ", "/w/ZZZZZZ"):
        laptop.goto(path)
        found = structure(laptop)
        assert (found["lang"], found["h1"], found["main"]) == ("en", 1, 1), (path, found)

    phone = join(make_context("phone"), cafe.code, "Amal", "family_carer")
    other = join(make_context("phone"), cafe.code, "Bea", "researcher")
    laptop.goto(cafe.dashboard)
    wall = make_context("projector").new_page()
    wall.goto(f"/w/{cafe.code}")
    expect(wall.locator("[data-connection]")).to_have_attribute("data-state", "online")
    for name, page in (("phone", phone), ("dashboard", laptop), ("wall", wall)):
        found = structure(page)
        assert (found["lang"], found["h1"], found["main"]) == ("en", 1, 1), (name, found)
        # timer and round announcements, new insights, the connection: each in a live region
        for region in ("#announcer[aria-live=polite]", "[data-insight-live][aria-live=polite]", "[data-connection][role=status]"):
            expect(page.locator(region), f"{name}: {region}").to_have_count(1)
        expect(page.get_by_role("timer")).to_have_count(1)

    cafe.do("start_round")
    expect(phone.locator("#announcer")).to_contain_text("Round 1 has started")
    expect(laptop.locator("#announcer")).to_contain_text("Round 1 started")
    expect(wall.locator("#announcer")).to_contain_text("Round 1 has started")
    post(other, "Pairing on the hard bugs helped us most")
    for page in (laptop, wall):  # a summary of counts per table, not every insight's words
        expect(page.locator("[data-insight-live]")).to_contain_text(re.compile(r"1 new insight at Table [A-Z]+"))
    if phone.locator("[data-table-label]").inner_text() == other.locator("[data-table-label]").inner_text():
        expect(phone.locator("[data-insight-live]")).to_contain_text("Pairing on the hard bugs helped us most")
    expect(other.locator("[data-insight-live]")).not_to_contain_text("Pairing")  # your own is 'sent', not 'new'

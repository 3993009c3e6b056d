"""Feedback on the harvest in real browsers against the real server: a phone says a theme reflects
its conversation and adds what is missing (once offline), the dashboard shows both, the wall shows
counts only, and the phone's harvest view passes axe."""
from __future__ import annotations

import re

import socketio
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from services import post_form

PLAN = "quick-team-retro.toml"
THEME = "What went well"
AXE = Axe()
NOTE = "<b>Nobody</b> mentioned the on-call rota"
OFFLINE_NOTE = "Written with no signal: the release freeze"


def blocking_violations(page: Page, screen: str) -> list[str]:
    result = AXE.run(page, options={"resultTypes": ["violations"]}).response["violations"]
    return [f"{screen}: {v['id']} ({v['impact']}) {v['help']}" for v in result if v["impact"] in ("serious", "critical")]


def start_cafe(playwright, base_url: str) -> tuple[str, str, socketio.Client]:
    api = playwright.request.new_context(base_url=base_url)
    response = post_form(api, "/new", {"plan": PLAN}, max_redirects=0)
    assert response.status == 303, response.text()
    dashboard = response.headers["location"]
    code = re.search(r'class="join-code"[^>]*>([A-Z0-9]{6})<', api.get(dashboard).text()).group(1)
    api.dispose()
    client = socketio.Client(reconnection=False)
    token = dashboard.rstrip("/").rsplit("/", 1)[1]
    client.connect(base_url, auth={"role": "facilitator", "host_token": token}, transports=["websocket"], wait_timeout=10)
    return code, dashboard, client


def join(context, code: str, name: str, perspective: str) -> Page:
    page = context.new_page()
    page.goto(f"/j/{code}")
    page.get_by_label("Your name").fill(name)
    page.locator(f"#perspective-{perspective}").check()
    page.get_by_role("button", name="Join the café").click()
    expect(page).to_have_url(re.compile(rf"/p/{code}$"))
    expect(page.locator("[data-connection]")).to_have_attribute("data-state", "online")
    return page


def test_a_phone_says_a_theme_reflects_it_and_adds_what_is_missing(browser, playwright, live_server):
    code, dashboard, facilitator = start_cafe(playwright, live_server.base_url)
    contexts = []

    def context(**options):
        made = browser.new_context(base_url=live_server.base_url, bypass_csp=True, **options)  # axe's script needs it
        made.set_default_timeout(10_000)
        contexts.append(made)
        return made

    def do(event: str) -> None:
        reply = facilitator.call(event, {}, timeout=10)
        assert reply["ok"], (event, reply)

    try:
        dash = context(viewport={"width": 1366, "height": 800}).new_page()
        dash.goto(dashboard)
        wall = context(viewport={"width": 1920, "height": 1080}).new_page()
        wall.goto(f"/w/{code}")
        amal = join(context(**playwright.devices["Pixel 7"]), code, "Amal", "lived_experience")
        bea = join(context(**playwright.devices["Pixel 7"]), code, "Bea", "practitioner")
        do("start_round")
        amal.get_by_label("Share an insight with your table").fill("Pairing on the hard bugs helped us most")
        amal.locator("[data-compose]").get_by_role("button", name="Send").click()
        expect(amal.locator("[data-insights] li.insight")).to_have_count(1)
        for _ in range(2):
            do("next_round")
            do("start_round")
        do("start_harvest")
        expect(amal.locator("[data-feedback]")).to_be_visible()
        expect(dash.locator("#harvest")).to_be_visible()
        expect(wall.locator("#harvest")).to_be_visible()

        found = blocking_violations(amal, "phone, harvest feedback")
        theme = amal.locator(".feedback-theme").filter(has=amal.get_by_role("heading", name=THEME, exact=True))
        expect(theme).to_have_count(1)

        # ---- "this reflects our conversation": a toggle, confirmed in a live region
        button = theme.get_by_role("button", name="This reflects our conversation")
        expect(button).to_have_attribute("aria-pressed", "false")
        button.click()
        expect(button).to_have_attribute("aria-pressed", "true")
        expect(amal.locator("[data-feedback-live]")).to_contain_text(f"“{THEME}” reflects your conversation")
        dash_theme = dash.locator("#harvest-themes article").filter(has=dash.get_by_role("heading", name=re.compile(f"^{THEME}")))
        expect(dash_theme.locator(".feedback")).to_contain_text("1 person says this reflects their conversation")
        wall_theme = wall.locator("#themes .wall-theme").filter(has_text=THEME)
        expect(wall_theme.locator(".wall-feedback")).to_have_text("1 person says this reflects their conversation")

        # ---- "what is missing": user text arrives as text, with a perspective and never a name
        theme.get_by_text("Add what is missing").click()
        theme.get_by_label(f"What is missing from “{THEME}”?").fill(NOTE)
        found += blocking_violations(amal, "phone, harvest feedback form open")
        theme.get_by_role("button", name="Add", exact=True).click()
        expect(amal.locator("[data-feedback-live]")).to_contain_text("Your note")
        expect(theme.locator(".my-notes li")).to_have_text(NOTE)
        expect(dash_theme.locator(".feedback-notes li")).to_contain_text(NOTE)
        expect(dash_theme.locator(".feedback-notes li")).to_contain_text("Lived experience")
        expect(dash_theme.locator(".feedback-notes li b")).to_have_count(0)
        expect(dash_theme.locator(".feedback-notes")).not_to_contain_text("Amal")
        expect(wall_theme.locator(".wall-feedback")).to_have_text(
            "1 person says this reflects their conversation · 1 note added by participants")
        expect(wall.locator("#harvest")).not_to_contain_text("on-call rota")

        # ---- pressing again takes it back
        button.click()
        expect(button).to_have_attribute("aria-pressed", "false")
        expect(dash_theme.locator(".feedback")).to_contain_text("0 people say this reflects their conversation")

        # ---- offline: kept on the phone, sent once when the connection is back
        bea.context.set_offline(True)
        expect(bea.locator("[data-connection]")).to_have_attribute("data-state", "offline")
        bea_theme = bea.locator(".feedback-theme").filter(has=bea.get_by_role("heading", name=THEME, exact=True))
        bea_theme.get_by_role("button", name="This reflects our conversation").click()
        bea_theme.get_by_text("Add what is missing").click()
        bea_theme.get_by_label(f"What is missing from “{THEME}”?").fill(OFFLINE_NOTE)
        bea_theme.get_by_role("button", name="Add", exact=True).click()
        expect(bea_theme.locator(".my-notes li.pending")).to_contain_text("Waiting for connection")
        expect(bea.locator("[data-feedback-live]")).to_contain_text("No connection")
        # The page is closed before the signal returns: the outbox lives in localStorage, not in the page.
        phone_context = bea.context
        bea.close()
        phone_context.set_offline(False)
        bea = phone_context.new_page()
        bea.goto(f"/p/{code}")
        bea_theme = bea.locator(".feedback-theme").filter(has=bea.get_by_role("heading", name=THEME, exact=True))
        expect(bea.locator("[data-connection]")).to_have_attribute("data-state", "online", timeout=15_000)
        expect(bea_theme.locator(".my-notes li.pending")).to_have_count(0)
        expect(bea_theme.locator(".my-notes li")).to_have_text(OFFLINE_NOTE)
        expect(bea_theme.get_by_role("button", name="This reflects our conversation")).to_have_attribute("aria-pressed", "true")
        expect(dash_theme.locator(".feedback-notes li").filter(has_text=OFFLINE_NOTE)).to_have_count(1)
        expect(dash_theme.locator(".feedback")).to_contain_text("1 person says this reflects their conversation")

        # ---- a reloaded phone still knows what it said
        amal.reload()
        theme = amal.locator(".feedback-theme").filter(has=amal.get_by_role("heading", name=THEME, exact=True))
        expect(theme.locator(".my-notes li")).to_have_text(NOTE)
        expect(theme.get_by_role("button", name="This reflects our conversation")).to_have_attribute("aria-pressed", "false")
        assert not found, "\n".join(found)
    finally:
        facilitator.disconnect()
        for made in contexts:
            made.close()

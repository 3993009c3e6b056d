"""The Harvest studio in real Chromium against the real server: the facilitator pins, renames and
hides with buttons and the projector follows; the studio passes axe."""
from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
import socketio
from playwright.sync_api import Page, expect
from services import post_form
from test_accessibility import audit

PLAN = "quick-team-retro.toml"
TEXTS = ["Pairing on the hard bugs helped us most", "Pairing with a new colleague on bugs sped things up",
         "Short stand-ups kept everyone in the loop", "Daily stand-ups were short and useful",
         "Release checklists caught our mistakes"]
SECRET = "Private story about my burnout, please do not quote"


class HarvestCafe:
    """A café on the live server, taken through its rounds by sockets, now in its harvest."""

    def __init__(self, playwright, base_url: str) -> None:
        api = playwright.request.new_context(base_url=base_url)
        response = post_form(api, "/new", {"plan": PLAN}, max_redirects=0)
        assert response.status == 303, response.text()
        self.dashboard = response.headers["location"]
        token = self.dashboard.rstrip("/").rsplit("/", 1)[1]
        self.code = re.search(r'class="join-code"[^>]*>([A-Z0-9]{6})<', api.get(self.dashboard).text()).group(1)
        self.clients = [self._client(base_url, {"role": "facilitator", "host_token": token})]
        phone = playwright.request.new_context(base_url=base_url)
        assert post_form(phone, f"/j/{self.code}", {"name": "Ana"}, max_redirects=0).status == 303
        cookie = next(c["value"] for c in phone.storage_state()["cookies"] if c["name"] == f"cafe_{self.code}")
        phone.dispose()
        api.dispose()
        self.ids: dict[str, str] = {}
        self.do("start_round")
        ana = self._client(base_url, {"role": "participant", "code": self.code, "participant_token": cookie})
        self.clients.append(ana)
        for text in [*TEXTS, SECRET]:
            self.ids[text] = str(uuid.uuid4())
            reply = ana.call("post_insight", {"id": self.ids[text], "text": text, "do_not_quote": text == SECRET}, timeout=10)
            assert reply["ok"], reply
        for _ in range(2):
            self.do("next_round")
            self.do("start_round")
        self.do("start_harvest")

    @staticmethod
    def _client(base_url: str, auth: dict) -> socketio.Client:
        client = socketio.Client(reconnection=False)
        client.connect(base_url, auth=auth, transports=["websocket"], wait_timeout=10)
        return client

    def do(self, event: str, payload: dict | None = None) -> dict:
        reply = self.clients[0].call(event, payload or {}, timeout=10)
        assert reply["ok"], (event, reply)
        return reply

    def close(self) -> None:
        for client in self.clients:
            client.disconnect()


@pytest.fixture
def harvest_cafe(playwright, live_server) -> Iterator[HarvestCafe]:
    cafe = HarvestCafe(playwright, live_server.base_url)
    try:
        yield cafe
    finally:
        cafe.close()


def member(studio: Page, text: str):
    return studio.locator("li.studio-member").filter(has_text=text)


def test_the_facilitator_renames_and_hides_in_the_studio_and_the_wall_follows(contexts, harvest_cafe):
    wall = contexts.projector().new_page()
    wall.goto(f"/w/{harvest_cafe.code}")
    expect(wall.locator("#harvest")).to_be_visible()
    studio = contexts.laptop().new_page()
    studio.goto(harvest_cafe.dashboard)
    studio.get_by_role("link", name="Open the Harvest studio").click()
    expect(studio).to_have_url(re.compile(r"/harvest$"))
    expect(studio.locator("[data-connection]")).to_have_attribute("data-state", "online")
    target = TEXTS[0]
    expect(member(studio, target)).to_have_count(1)

    # pin it, so the wall shows it as a quote; the do-not-quote text offers no pin at all
    member(studio, target).get_by_role("button", name=re.compile("^Pin as quote")).click()
    expect(studio.locator("#announcer")).to_have_text("Pinned as the quote.")
    expect(wall.locator(".wall-quote").filter(has_text=target)).to_have_count(1)
    expect(member(studio, SECRET).get_by_role("button", name=re.compile("^Pin as quote"))).to_have_count(0)

    # rename the sub-theme holding it, with the keyboard
    sub = studio.locator("li.studio-sub").filter(has=studio.locator("li.studio-member").filter(has_text=target))
    name = sub.get_by_label("Name of this sub-theme")
    name.fill("Pairing works")
    name.press("Enter")
    expect(studio.locator("#announcer")).to_have_text("Renamed to “Pairing works”.")
    expect(studio.get_by_role("heading", level=3, name=re.compile(r"^Pairing works \(\d+\)$"))).to_be_focused()
    expect(wall.locator(".wall-sub-label").filter(has_text="Pairing works")).to_have_count(1)

    # hide it: gone from the studio's sub-themes, listed as hidden, and gone from the wall
    member(studio, target).get_by_role("button", name=re.compile("^Hide")).click()
    expect(studio.locator("#announcer")).to_have_text("Hidden from the harvest.")
    hidden = studio.locator(".studio-hidden")
    expect(hidden.get_by_role("heading", name="Hidden from the harvest (1)")).to_be_visible()
    expect(studio.locator(".studio-subs li.studio-member").filter(has_text=target)).to_have_count(0)
    expect(wall.locator("#harvest")).not_to_contain_text(target)
    expect(wall.locator("#harvest")).not_to_contain_text(SECRET)
    expect(wall.locator("body")).not_to_contain_text(target)


def test_the_studio_passes_axe(browser, live_server, harvest_cafe):
    context = browser.new_context(base_url=live_server.base_url, bypass_csp=True, viewport={"width": 1366, "height": 800})
    context.set_default_timeout(10_000)
    try:
        studio = context.new_page()
        studio.goto(harvest_cafe.dashboard + "/harvest")
        expect(studio.locator("li.studio-member").first).to_be_visible()
        studio.locator("li.studio-member").filter(has_text=TEXTS[4]).get_by_role("button", name=re.compile("^Hide")).click()
        expect(studio.locator(".studio-hidden")).to_be_visible()
        found = audit(studio, "studio, harvest with a hidden insight")
        assert studio.locator("h1").count() == 1 and studio.locator("main").count() == 1
        assert not found, "\n".join(found)
    finally:
        context.close()

"""Issue 9, item 3: a phone that sends faster than its bucket allows keeps the note in its outbox,
says so kindly in its own words, and sends it by itself after retry_after (real browser, real server)."""
from __future__ import annotations

import re

import pytest
import requests
import socketio
from playwright.sync_api import expect

from services import post_form
from test_accessibility import submit_join

PLAN = "icic-2023-lived-experience-roles.toml"


@pytest.fixture
def tight_server(server_control, tmp_path, monkeypatch):
    """A server whose post_insight bucket is 2, then 1 per 3 s, so the test reaches it in three notes."""
    start, stop = server_control
    monkeypatch.setenv("CAFE_LIMIT_POST_INSIGHT", "2/3")
    server = start(tmp_path)
    yield server
    stop(server)


def test_a_rate_limited_note_waits_in_the_outbox_and_goes_by_itself(browser, tight_server):
    with requests.Session() as laptop:
        created = post_form(laptop, tight_server.url("/new"), {"plan": PLAN}, allow_redirects=False, timeout=30)
        host_token = created.headers["Location"].rsplit("/", 1)[1]
        dashboard = laptop.get(tight_server.url(created.headers["Location"]), timeout=30).text
    code = re.search(r'"code": "(\w+)"', dashboard).group(1)
    host = socketio.Client(reconnection=False)
    host.connect(tight_server.base_url, auth={"role": "facilitator", "host_token": host_token}, transports=["websocket"], wait_timeout=10)
    try:
        context = browser.new_context(base_url=tight_server.base_url)
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.goto(f"/j/{code}")
        submit_join(page, code, "Ama", "")
        expect(page.locator("[data-connection]")).to_have_attribute("data-state", "online")
        assert host.call("start_round", {}, timeout=10)["ok"]
        expect(page.locator("[data-timer]")).to_have_attribute("data-status", "running")
        box = page.get_by_label("Share an insight with your table")
        send = page.locator("[data-compose]").get_by_role("button", name="Send")
        mine = page.locator("[data-insights] li.insight")
        for n in range(1, 3):
            box.fill(f"Note number {n}")
            send.click()
            expect(mine.filter(has_text=f"Note number {n}")).to_have_count(1)
        box.fill("Note number 3")
        send.click()
        pending = page.locator("[data-outbox] li").filter(has_text="Note number 3")
        expect(pending).to_contain_text("Slow down a little — your note is saved and will be sent in")
        expect(page.locator("[data-compose-error]")).to_have_text("")  # not an error: nothing to retype
        # after retry_after (3 s) the phone sends it by itself
        expect(mine.filter(has_text="Note number 3")).to_have_count(1, timeout=15_000)
        expect(pending).to_have_count(0)
        context.close()
    finally:
        host.disconnect()

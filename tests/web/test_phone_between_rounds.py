"""A phone between rounds: what someone writes while moving waits on the phone and is posted,
once, at their new table the moment the next round starts."""
from __future__ import annotations

import re

import socketio
from playwright.sync_api import expect


def test_an_insight_written_between_rounds_is_posted_when_the_round_starts(contexts, live_server):
    laptop = contexts.laptop().new_page()
    laptop.goto(live_server.url("/new"))
    laptop.locator("form:has(input[value='icic-2023-lived-experience-roles.toml']) button").click()
    laptop.wait_for_url(re.compile(r"/f/"))
    token = laptop.url.rsplit("/", 1)[1]
    code = re.search(r'"code": "(\w+)"', laptop.content()).group(1)

    phone = contexts.phone().new_page()
    phone.goto(live_server.url(f"/j/{code}"))
    phone.get_by_role("button", name=re.compile("Join")).click()
    phone.wait_for_url(re.compile(r"/p/"))

    facilitator = socketio.Client()
    facilitator.connect(live_server.base_url, auth={"role": "facilitator", "host_token": token}, transports=["websocket"])
    try:
        for event in ("start_round", "end_round", "next_round"):
            assert facilitator.call(event, {}, timeout=10)["ok"]
        expect(phone.get_by_text("Waiting to start")).to_be_visible(timeout=10_000)

        phone.get_by_label("Share an insight with your table").fill("Written while moving tables")
        phone.get_by_role("button", name="Send").click()
        expect(phone.get_by_text("Will be posted when the round starts")).to_be_visible()
        state = facilitator.call("sync", {}, timeout=10)["state"]
        assert not any(i["text"] == "Written while moving tables" for i in state["insights"])

        assert facilitator.call("start_round", {}, timeout=10)["ok"]
        mine = phone.locator("[data-insights] li", has_text="Written while moving tables")
        expect(mine).to_have_count(1, timeout=10_000)
        expect(phone.get_by_text("Will be posted when the round starts")).to_have_count(0)
        state = facilitator.call("sync", {}, timeout=10)["state"]
        posted = [i for i in state["insights"] if i["text"] == "Written while moving tables"]
        assert len(posted) == 1 and posted[0]["round"] == 2
    finally:
        facilitator.disconnect()

"""The projector's strip under the harvest: an idea heard under two themes shows as a pattern,
and a section with nothing to show leaves no stray word on the wall."""
from __future__ import annotations

import re
import uuid

import socketio
from playwright.sync_api import expect
from services import post_form

IDEA = "Pay peer workers fairly for their time"


def test_a_pattern_across_themes_shows_on_the_wall_and_nothing_stray(contexts, live_server, playwright):
    base = live_server.base_url
    api = playwright.request.new_context(base_url=base)
    response = post_form(api, "/new", {"plan": "icic-2023-lived-experience-roles.toml"}, max_redirects=0)
    token = response.headers["location"].rstrip("/").rsplit("/", 1)[1]
    code = re.search(r'class="join-code"[^>]*>([A-Z0-9]{6})<', api.get(response.headers["location"]).text()).group(1)
    assert post_form(api, f"/j/{code}", {"name": "Ana"}, max_redirects=0).status == 303
    cookie = next(c["value"] for c in api.storage_state()["cookies"] if c["name"] == f"cafe_{code}")
    api.dispose()
    facilitator, ana = socketio.Client(reconnection=False), socketio.Client(reconnection=False)
    facilitator.connect(base, auth={"role": "facilitator", "host_token": token}, transports=["websocket"])
    ana.connect(base, auth={"role": "participant", "code": code, "participant_token": cookie}, transports=["websocket"])
    try:
        for event in ("start_round", None, "next_round", "start_round", None, "next_round", "start_round", "start_harvest"):
            if event is None:  # Ana hosts table A, whose theme changes each round: the same idea under two themes
                assert ana.call("post_insight", {"id": str(uuid.uuid4()), "text": IDEA}, timeout=10)["ok"]
            else:
                assert facilitator.call(event, {}, timeout=30)["ok"], event
        wall = contexts.projector().new_page()
        wall.goto(f"/w/{code}")
        expect(wall.locator("#across")).to_be_visible()
        expect(wall.locator("#across li").first).to_contain_text("workers")
        assert not re.search(r"\b(null|undefined|NaN)\b", wall.inner_text("body"))
    finally:
        facilitator.disconnect()
        ana.disconnect()

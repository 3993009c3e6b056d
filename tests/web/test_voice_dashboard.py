"""The facilitator's dashboard shows voice-balance flags in the harvest, in real Chromium on the live server."""
from __future__ import annotations

import re
import uuid

import socketio
from playwright.sync_api import expect
from services import post_form

PLAN = "icic-2023-lived-experience-roles.toml"
PERSPECTIVES = ("lived_experience", "practitioner", "practitioner", "family_carer", "practitioner")


def test_the_dashboard_harvest_lists_voices_to_check(contexts, live_server, playwright):
    api = playwright.request.new_context(base_url=live_server.base_url)
    dashboard = post_form(api, "/new", {"plan": PLAN}, max_redirects=0).headers["location"]
    token = dashboard.rstrip("/").rsplit("/", 1)[1]
    code = re.search(r'class="join-code"[^>]*>([A-Z0-9]{6})<', api.get(dashboard).text()).group(1)
    clients = []
    try:
        host = socketio.Client(reconnection=False)
        host.connect(live_server.base_url, auth={"role": "facilitator", "host_token": token}, transports=["websocket"], wait_timeout=10)
        clients.append(host)
        phones = []
        for n in range(10):
            person = playwright.request.new_context(base_url=live_server.base_url)
            post_form(person, f"/j/{code}", {"name": "", "perspective": PERSPECTIVES[n % 5]}, max_redirects=0)
            cookie = "; ".join(f"{c['name']}={c['value']}" for c in person.storage_state()["cookies"])
            person.dispose()
            phone = socketio.Client(reconnection=False)
            phone.connect(live_server.base_url, headers={"Cookie": cookie}, auth={"role": "participant", "code": code},
                          transports=["websocket"], wait_timeout=10)
            clients.append(phone)
            phones.append((PERSPECTIVES[n % 5], phone))
        assert host.call("start_round", {}, timeout=10)["ok"]
        for n, (_perspective, phone) in enumerate(p for p in phones if p[0] == "practitioner"):
            reply = phone.call("post_insight", {"id": str(uuid.uuid4()), "text": f"Share the budget openly, point {n}"}, timeout=10)
            assert reply["ok"], reply
        for event in ("end_round", "next_round", "start_round", "end_round", "next_round", "start_round", "start_harvest"):
            reply = host.call(event, {}, timeout=10)
            assert reply["ok"], (event, reply)

        page = contexts.laptop().new_page()
        page.goto(dashboard)
        voice = page.locator("#harvest-voice")
        expect(page.get_by_role("heading", name="Voices to check")).to_be_visible()
        expect(voice.locator("li").first).to_have_text(
            "The whole café: 0 of 6 insights (0%) came from people with lived experience, who are 40% of the room.")
    finally:
        for client in clients:
            client.disconnect()
        api.dispose()

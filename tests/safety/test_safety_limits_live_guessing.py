"""Issue 9, item 3: guessing join codes from one address is useless: of 1,000 wrong codes at most
the first ~20 get any answer but 429, against a real running server (and its socket refuses too)."""
from __future__ import annotations

import random
import re
import string

import pytest
import requests
import socketio

from services import post_form

PLAN = "icic-2023-lived-experience-roles.toml"


def test_a_thousand_wrong_codes_from_one_address_get_429_after_about_twenty(live_server):
    with requests.Session() as laptop:
        created = post_form(laptop, live_server.url("/new"), {"plan": PLAN}, allow_redirects=False, timeout=30)
        dashboard = laptop.get(live_server.url(created.headers["Location"]), timeout=30).text
    code = re.search(r'"code": "(\w+)"', dashboard).group(1)
    rng = random.Random(9)
    guesses = {"".join(rng.choices(string.ascii_uppercase, k=6)) for _ in range(1100)} - {code}
    paths = ("/j/{}", "/w/{}", "/qr/{}.svg", "/join?code={}", "/p/{}")
    answers = []
    with requests.Session() as guesser:
        for n, guess in enumerate(sorted(guesses)[:1000]):
            response = guesser.get(live_server.url(paths[n % len(paths)].format(guess)), allow_redirects=False, timeout=30)
            answers.append(response.status_code)
        assert sum(status != 429 for status in answers) <= 20, answers[:40]
        last = guesser.get(live_server.url(f"/j/{code}"), timeout=30)  # the right code is refused too
        assert last.status_code == 429 and int(last.headers["Retry-After"]) > 0
        assert "Too many wrong café codes" in last.text
        assert guesser.get(live_server.url("/healthz"), timeout=30).status_code == 200
    print(f"of 1000 wrong codes from one address, {sum(status != 429 for status in answers)} got an answer other than 429")
    wall = socketio.Client(reconnection=False)
    said = []
    wall.on("connect_error", lambda data=None: said.append(data))
    with pytest.raises(socketio.exceptions.ConnectionError):
        wall.connect(live_server.base_url, auth={"role": "wall", "code": code}, transports=["websocket"], wait_timeout=10)
    assert any("wrong café codes" in str(data) for data in said), said

"""Issue 9, item 3: wrong join codes are counted per address on every page and socket that reveals
whether a code exists; a guessing address then gets 429 everywhere, right codes included, while an
address that only uses right codes is never limited. And the caps on open connections."""
from __future__ import annotations

import pytest

from cafe.extensions import socketio
from cafe.limits import Limits


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(facilitator) -> Clock:
    clock = Clock()
    facilitator.app.extensions["cafe_limits"].clock = clock
    return clock


def pages(code: str) -> list[str]:
    return [f"/j/{code}", f"/p/{code}", f"/w/{code}", f"/qr/{code}.svg", f"/join?code={code}"]


def test_right_codes_alone_are_never_limited(facilitator, clock, client):
    for _ in range(60):
        for path in pages(facilitator.code):
            assert client.get(path).status_code != 429, path


def test_twenty_wrong_codes_block_the_address_on_every_code_page(facilitator, clock, client):
    wrong = ["ZZZZZ" + chr(65 + i % 26) + str(i) for i in range(19)]
    for i, code in enumerate(wrong):
        assert client.get(pages(code)[i % 5]).status_code == 404
    assert client.get(f"/j/{facilitator.code}").status_code == 200  # right codes do not count
    assert client.get("/w/NOSUCH").status_code == 404  # the twentieth wrong one
    for path in pages(facilitator.code) + pages("NOSUCH"):
        response = client.get(path)
        assert response.status_code == 429, path
        assert int(response.headers["Retry-After"]) == 900
        assert "Too many wrong café codes" in response.get_data(as_text=True)
    assert client.get("/").status_code == 200 and client.get("/new").status_code == 200  # the rest works
    clock.now += 900
    assert client.get(f"/j/{facilitator.code}").status_code == 200


def test_wrong_codes_on_the_socket_count_too(facilitator, clock):
    # (the socket test client has no REMOTE_ADDR, so its sockets share one address of their own)
    def wall(code: str):
        return socketio.test_client(facilitator.app, auth={"role": "wall", "code": code})

    assert wall(facilitator.code).is_connected()
    for _ in range(20):
        assert not wall("NOSUCH").is_connected()
    assert not wall(facilitator.code).is_connected()  # now the right code is refused too
    clock.now += 900
    assert wall(facilitator.code).is_connected()


def test_wrong_codes_spread_thinner_than_the_window_never_block(facilitator, clock, client):
    for _ in range(100):
        assert client.get("/j/NOSUCH").status_code == 404
        clock.now += 32  # 20 within 10 minutes would be one every 31.6 s or faster


def test_connections_are_capped_per_address_and_in_total(facilitator):
    app = facilitator.app
    # small caps so the test opens a handful of sockets (the defaults are 2,000 and 10,000)
    app.extensions["cafe_limits"] = Limits({**app.config, "LIMIT_CONNECTIONS_PER_ADDRESS": 3})
    walls = [socketio.test_client(app, auth={"role": "wall", "code": facilitator.code}) for _ in range(3)]
    assert all(wall.is_connected() for wall in walls)
    extra = socketio.test_client(app, auth={"role": "wall", "code": facilitator.code})
    assert not extra.is_connected()
    walls[0].disconnect()  # a closed connection gives its place back
    again = socketio.test_client(app, auth={"role": "wall", "code": facilitator.code})
    assert again.is_connected()
    guard = app.extensions["cafe_limits"]
    assert sum(guard.open_by_address.values()) == 3

    app.extensions["cafe_limits"] = Limits({**app.config, "LIMIT_CONNECTIONS_TOTAL": 2})
    first = [socketio.test_client(app, auth={"role": "wall", "code": facilitator.code}) for _ in range(2)]
    assert all(wall.is_connected() for wall in first)
    assert not socketio.test_client(app, auth={"role": "wall", "code": facilitator.code}).is_connected()


def test_a_refused_connection_says_why(facilitator):
    app = facilitator.app
    app.extensions["cafe_limits"] = Limits({**app.config, "LIMIT_CONNECTIONS_PER_ADDRESS": 0})
    with app.test_request_context("/"):
        message = app.extensions["cafe_limits"].open("sid", "10.0.0.1")
    assert message == "Too many connections from your network. Try again in a minute."


def test_connections_are_capped_per_cafe(facilitator, app, actions):
    other = actions.Facilitator(app)  # a second café in the same process
    app.extensions["cafe_limits"] = Limits({**app.config, "LIMIT_CONNECTIONS_PER_CAFE": 3})
    # (fresh limits: the facilitators' own sockets were counted by the ones they connected under)
    walls = [socketio.test_client(app, auth={"role": "wall", "code": facilitator.code}) for _ in range(3)]
    assert all(wall.is_connected() for wall in walls)
    assert not socketio.test_client(app, auth={"role": "wall", "code": facilitator.code}).is_connected()
    # another café is not full because this one is
    assert socketio.test_client(app, auth={"role": "wall", "code": other.code}).is_connected()
    walls[0].disconnect()  # a closed connection gives its café its place back
    assert socketio.test_client(app, auth={"role": "wall", "code": facilitator.code}).is_connected()
    guard = app.extensions["cafe_limits"]
    assert sorted(guard.open_by_cafe.values()) == [1, 3]
    full = next(cafe_id for cafe_id, count in guard.open_by_cafe.items() if count == 3)
    with app.test_request_context("/"):
        refused = guard.enter("sid", full)
    assert refused == "This café has as many connections as it can take. Try again in a minute."

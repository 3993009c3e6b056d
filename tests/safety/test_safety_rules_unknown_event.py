"""Issue 9, item 6: an event no handler knows is answered `unknown_event` (it used to get no reply),
and the catch-all never shadows a real event."""
from __future__ import annotations

from cafe.extensions import socketio


def test_an_unknown_event_is_answered_unknown_event_by_every_role(app, facilitator):
    [phone] = facilitator.join(1)
    wall = socketio.test_client(app, auth={"role": "wall", "code": facilitator.code})
    stranger = socketio.test_client(app, auth={"role": "nobody"})  # refused, but may still be asked
    for client in (facilitator.socket, phone.socket, wall):
        for payload in ({}, None, [1, 2], "x" * 10_000):
            reply = client.emit("post_insights", payload, callback=True)
            assert reply["ok"] is False and reply["error"] == "unknown_event", reply
            assert reply["message"].strip()
    assert not stranger.is_connected()


def test_the_catch_all_does_not_swallow_a_real_event(facilitator):
    assert facilitator.emit("sync")["ok"] is True
    assert facilitator.emit("start_round")["ok"] is True
    [phone] = facilitator.join(1)
    reply = phone.emit("post_insight", {"id": "8a4c1d8e-0000-4000-8000-000000000001", "text": "Real"})
    assert reply["ok"] is True, reply

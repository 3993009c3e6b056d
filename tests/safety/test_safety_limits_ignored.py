"""Issue 9, item 3: a refused event still costs the loop a decode and a reply, so a client that
keeps firing after `rate_limited` could still slow everyone down. A phone follows `retry_after`
(its outbox waits); a connection that ignores 50 refusals in a row (then more than one a second)
is closed, and its person can come back on a fresh connection."""
from __future__ import annotations

import uuid

from cafe.extensions import socketio


def test_a_connection_that_ignores_rate_limited_is_closed(facilitator):
    facilitator.do("start_round")
    flooder, other = facilitator.join(2)
    replies = []
    for n in range(200):
        if not flooder.socket.is_connected():
            break
        replies.append(flooder.emit("post_insight", {"id": str(uuid.uuid4()), "text": f"spam {n}"}))
    refused = [r for r in replies if r and r.get("error") == "rate_limited"]
    assert len([r for r in replies if r and r.get("ok")]) == 10  # the burst a person may post at once
    assert 50 <= len(refused) <= 52
    assert not flooder.socket.is_connected()
    # others are untouched, and the flooder's person may reconnect (and is still limited)
    assert other.emit("post_insight", {"id": str(uuid.uuid4()), "text": "still heard"})["ok"]
    again = socketio.test_client(facilitator.app, flask_test_client=flooder.http,
                                 auth={"role": "participant", "code": facilitator.code})
    assert again.is_connected()
    reply = again.emit("post_insight", {"id": str(uuid.uuid4()), "text": "once more"}, callback=True)
    assert reply["error"] == "rate_limited"


def test_a_phone_that_waits_as_told_is_never_closed(facilitator):
    facilitator.do("start_round")
    (phone,) = facilitator.join(1)
    limits = facilitator.app.extensions["cafe_limits"]
    now = [5000.0]
    limits.clock = lambda: now[0]
    for n in range(40):
        reply = phone.emit("post_insight", {"id": str(uuid.uuid4()), "text": f"note {n}"})
        if not reply["ok"]:
            assert reply["error"] == "rate_limited"
            now[0] += reply["retry_after"]  # the phone's outbox waits as long as it was told
    assert phone.socket.is_connected()

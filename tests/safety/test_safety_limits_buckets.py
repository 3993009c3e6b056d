"""Issue 9, item 3: token buckets per participant, per connection and per address on the real socket
path; a refusal is `rate_limited` with retry_after and writes nothing."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from cafe.db import transaction
from cafe.domain.buckets import Buckets, Rate, Window, retry_after
from cafe.models import InsightRow


class Clock:
    """A clock the test moves by hand, so refills are exact and nothing sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def count(app) -> int:
    with app.app_context(), transaction() as db:
        return db.scalar(select(func.count()).select_from(InsightRow))


@pytest.fixture
def clock(facilitator) -> Clock:
    clock = Clock()
    facilitator.app.extensions["cafe_limits"].clock = clock
    return clock


def post(phone, text: str) -> dict:
    return phone.emit("post_insight", {"id": str(uuid.uuid4()), "text": text})


# ---- the pure buckets ----

def test_a_bucket_gives_its_burst_then_one_per_interval():
    buckets = Buckets(Rate(3, 5.0))
    for _ in range(3):
        assert buckets.wait("a", 0.0) == 0
        buckets.take("a", 0.0)
    assert buckets.wait("a", 0.0) == pytest.approx(5.0)
    assert buckets.wait("a", 4.0) == pytest.approx(1.0)
    assert buckets.wait("a", 5.0) == 0
    assert buckets.wait("b", 0.0) == 0  # another sender has its own bucket
    buckets.take("a", 5.0)
    assert buckets.wait("a", 1000.0) == 0 and buckets.wait("a", 1000.0, cost=4) == pytest.approx(5.0)  # never above burst


def test_buckets_forget_the_oldest_senders_beyond_their_bound():
    buckets = Buckets(Rate(1, 60.0), keep=100)
    for key in range(1000):
        buckets.take(key, 0.0)
    assert len(buckets) == 100


def test_a_window_blocks_after_the_limit_within_the_window_only():
    window = Window(limit=3, window_s=10.0, block_s=60.0)
    for t in (0.0, 20.0, 40.0):  # spread wider than the window: never blocked
        window.note("x", t)
    assert window.blocked_for("x", 40.0) == 0
    for t in (50.0, 51.0, 52.0):
        window.note("y", t)
    assert window.blocked_for("y", 53.0) == pytest.approx(59.0)
    assert window.blocked_for("y", 113.0) == 0
    assert retry_after(0.2) == 1 and retry_after(4.1) == 5


# ---- on the socket ----

def test_a_flooding_phone_is_refused_with_retry_after_and_nothing_is_written(facilitator, clock):
    [phone, other] = facilitator.join(2)
    facilitator.do("start_round")
    for i in range(10):  # the burst: a person's few notes at once go through
        assert post(phone, f"Note {i}")["ok"]
    stored = count(facilitator.app)
    reply = post(phone, "One too many")
    assert reply["ok"] is False and reply["error"] == "rate_limited", reply
    assert reply["retry_after"] == 5 and "try again" in reply["message"]
    assert count(facilitator.app) == stored
    assert post(other, "Another phone is not held up")["ok"]
    clock.now += 5
    assert post(phone, "After the wait it goes")["ok"]
    assert post(phone, "but only one")["error"] == "rate_limited"


def test_the_limit_follows_the_participant_across_connections(facilitator, clock):
    from cafe.extensions import socketio

    [phone] = facilitator.join(1)
    facilitator.do("start_round")
    for i in range(10):
        assert post(phone, f"Note {i}")["ok"]
    again = socketio.test_client(facilitator.app, flask_test_client=phone.http, auth={"role": "participant", "code": phone.code})
    reply = again.emit("post_insight", {"id": str(uuid.uuid4()), "text": "A second tab"}, callback=True)
    assert reply["error"] == "rate_limited", reply


def test_resonating_has_its_own_bucket(facilitator, clock):
    [phone] = facilitator.join(1)
    facilitator.do("start_round")
    for i in range(10):
        assert post(phone, f"Note {i}")["ok"]
    assert post(phone, "full")["error"] == "rate_limited"
    # a limited post does not stop the same person's other events
    assert phone.emit("resonate", {"insight_id": "nope"})["error"] != "rate_limited"


def test_the_wall_cannot_spam_sync_but_the_facilitator_can_sync_often(facilitator, clock):
    from cafe.extensions import socketio

    wall = socketio.test_client(facilitator.app, auth={"role": "wall", "code": facilitator.code})
    # (50 refusals in a row is as many as a connection may ignore before it is closed:
    # test_safety_limits_ignored.py)
    replies = [wall.emit("sync", {}, callback=True) for _ in range(60)]
    assert sum(reply["ok"] for reply in replies) == 10
    refused = replies[-1]
    assert refused["error"] == "rate_limited" and refused["retry_after"] == 2 and "state" not in refused
    clock.now += 2
    assert wall.emit("sync", {}, callback=True)["ok"]
    assert all(facilitator.emit("sync")["ok"] for _ in range(50))


def test_one_address_shares_one_bucket_across_its_phones(facilitator, clock):
    from cafe.limits import Limits

    # a small address bucket so that two phones reach it (the default is sized for a room of 500)
    facilitator.app.extensions["cafe_limits"] = Limits({**facilitator.app.config, "LIMIT_ADDRESS": (15, 1.0)}, clock)
    phones = facilitator.join(2)
    facilitator.do("start_round")
    replies = [post(phone, f"Note {i}") for i in range(8) for phone in phones]
    # the facilitator's start_round came from the same address and spent one token too
    assert [reply["ok"] for reply in replies].count(True) == 14
    assert replies[-1]["error"] == "rate_limited" and count(facilitator.app) == 14


def test_made_up_events_spend_the_connections_bucket(facilitator, clock):
    [phone] = facilitator.join(1)
    burst = facilitator.app.config["LIMIT_CONNECTION"][0]
    replies = [phone.emit("no_such_event", {}) for _ in range(burst + 1)]
    assert {reply["error"] for reply in replies[:burst]} == {"unknown_event"}
    assert replies[-1]["error"] == "rate_limited"
    assert phone.emit("post_insight", {"id": str(uuid.uuid4()), "text": "x"})["error"] == "rate_limited"

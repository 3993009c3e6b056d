"""Scribe mode: a table host (or the facilitator) writes an insight for someone at the table who has
no phone; it is that person's, under their perspective, marked as written by a scribe."""
from __future__ import annotations

import uuid

import pytest


def seated(facilitator, perspectives):
    """People without a phone and nine phones, round 1 started: (a person without a phone whose table
    a phone hosts, that host's phone, a phone at another table)."""
    phones = facilitator.join(1, perspectives)  # the first to join tends to host a table
    added = [facilitator.do("add_person", {"name": name, "perspective": "lived_experience"})
             for name in ("Rosa", "Sam")]
    phones += facilitator.join(8, perspectives)
    facilitator.do("start_round")
    state = facilitator.state()
    by_id = {p.state()["me"]["id"]: p for p in phones}
    for reply in added:
        table = next(t for t in state["tables"] if reply["participant_id"] in [m["id"] for m in t["members"]])
        if table["host"] and table["host"]["id"] in by_id:
            host = by_id[table["host"]["id"]]
            other = next(p for pid, p in by_id.items()
                         if pid != table["host"]["id"] and p.state()["table"]["number"] != table["number"])
            return reply["participant_id"], host, other
    pytest.fail(f"no person without a phone sits at a table a phone hosts: {state['tables']}")


def test_a_host_writes_for_a_person_at_the_table_and_it_counts_as_theirs(facilitator):
    person, host, _other = seated(facilitator, ("researcher", "practitioner"))
    insight_id = str(uuid.uuid4())
    payload = {"id": insight_id, "person_id": person, "text": "Paid time for peer workers"}
    reply = host.emit("scribe_insight", payload)
    assert reply["ok"], reply
    assert reply["insight"]["scribe"] == "host" and reply["insight"]["perspective"] == "lived_experience"
    assert reply["insight"]["author"] in ("Rosa", "Sam")
    again = host.emit("scribe_insight", payload)  # a resend is stored once
    assert again["ok"] and again["duplicate"] is True
    posted = [m["args"][0] for m in facilitator.received("insight_posted")]
    assert [p["id"] for p in posted] == [insight_id] and posted[0]["scribe"] == "host"

    by_facilitator = facilitator.do("scribe_insight", {"id": str(uuid.uuid4()), "person_id": person,
                                                       "text": "Ask us before the board meets"})
    assert by_facilitator["insight"]["scribe"] == "facilitator"

    # Voice balance: both insights are the lived-experience voice, though no phone of that perspective posted.
    facilitator.play_on_to_harvest()
    voice = facilitator.state()["harvest"]["voice"]
    assert voice["insight_count"] == 2 and voice["perspectives"]["lived_experience"]["insights"] == 2, voice


def test_only_the_host_of_the_table_may_scribe_and_bad_payloads_change_nothing(facilitator):
    person, host, other = seated(facilitator, ("researcher",))
    me = host.state()["me"]["id"]
    good = {"id": str(uuid.uuid4()), "person_id": person, "text": "x"}
    refused = other.emit("scribe_insight", good)
    assert refused["ok"] is False and refused["error"] == "forbidden", refused
    assert host.emit("scribe_insight", {**good, "person_id": me})["error"] == "conflict"
    for bad in [{**good, "person_id": "1"}, {**good, "person_id": 0}, {**good, "text": ""}, {**good, "id": "nope"},
                {**good, "extra": 1}, "text", {**good, "do_not_quote": "yes"}]:
        answer = host.emit("scribe_insight", bad)
        assert answer["ok"] is False and answer["error"] == "invalid", (bad, answer)
    assert host.emit("scribe_insight", {**good, "person_id": 10**6})["error"] == "not_found"
    assert facilitator.state()["insights"] == []
    facilitator.do("end_round")
    facilitator.do("next_round")  # round 2 is ready, not started: nobody posts, not even a scribe
    assert facilitator.emit("scribe_insight", good)["error"] == "conflict"
    assert facilitator.state()["insights"] == []


def test_scribing_is_rate_limited_from_the_hosts_own_bucket(facilitator):
    person, host, _other = seated(facilitator, ("researcher",))
    replies = [host.emit("scribe_insight", {"id": str(uuid.uuid4()), "person_id": person, "text": f"n{i}"})
               for i in range(15)]
    assert any(r["ok"] for r in replies) and replies[-1]["error"] == "rate_limited", replies[-1]

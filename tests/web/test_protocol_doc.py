"""docs/protocol.md names every HTTP route and every Socket.IO event the server handles."""
from __future__ import annotations

import re
from pathlib import Path

from cafe.extensions import socketio

DOC = (Path(__file__).resolve().parents[2] / "docs" / "protocol.md").read_text(encoding="utf-8")
SERVER_EVENTS = ("state", "cafe_changed", "cafe_updated", "table_updated", "itinerary_changed", "insight_posted",
                 "insight_resonated", "handover_submitted", "nudged", "seating_plan_changed")


def test_every_http_route_is_documented(app):
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        # `<code>` and `<CODE>` name the same thing; `export.<fmt>` is documented per format.
        path = re.sub(r"<(\w+)>", lambda m: "<CODE>" if m.group(1) == "code" else f"<{m.group(1)}>", rule.rule)
        path = path.split("<fmt>")[0]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if not re.search(rf"`{method} {re.escape(path)}", DOC):
                missing.append(f"{method} {rule.rule}")
    assert not missing, missing


def test_every_socket_event_is_documented(app):
    handled = set(socketio.server.handlers["/"]) - {"connect", "disconnect"}
    missing = [event for event in sorted(handled) if f"| `{event}` |" not in DOC]
    assert not missing, missing
    assert handled >= {"sync", "post_insight", "resonate", "submit_handover", "start_round", "nudge", "reassign", "set_host"}


def test_every_event_the_server_emits_is_documented():
    emitted = set()
    for path in (Path(__file__).resolve().parents[2] / "cafe").rglob("*.py"):
        emitted |= set(re.findall(r'(?:Broadcast|emit)\(\s*"(\w+)"', path.read_text(encoding="utf-8")))
    assert {"cafe_changed", "cafe_updated", "table_updated", "itinerary_changed", "insight_posted", "nudged",
            "handover_submitted"} <= emitted  # the scan finds them
    assert emitted <= set(SERVER_EVENTS), emitted - set(SERVER_EVENTS)
    missing = [event for event in SERVER_EVENTS if f"| `{event}` |" not in DOC]
    assert not missing, missing

"""Issue 9, "Kept": property-based fuzzing of every registered socket event and of the HTTP forms.
Whatever a sender makes up, the server answers (never `server_error`, never a 500), and a
refusal leaves every table of the database exactly as it was."""
from __future__ import annotations

import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from cafe.db import transaction
from cafe.extensions import socketio
from cafe.models import Base

# Every field name the protocol uses, so fuzzed payloads reach past the unknown-field check.
FIELDS = ("bullets", "do_not_quote", "id", "insight_id", "kind", "minutes", "name", "other_id", "participant_id",
          "perspective", "round", "stays", "table", "text", "theme", "version", "withdraw", "label", "k",
          "insight_ids", "subtheme", "target", "hidden", "pinned", "theme_stride")
ODD_TEXT = st.text(st.characters(codec="utf-8"), max_size=40) | st.sampled_from(
    ["\x00", "\ufffe\uffff", "\ud800", "x" * 5000, "<script>alert(1)</script>", "‮evil", ""])
SCALARS = (st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=True) | ODD_TEXT
           | st.just(str(uuid.UUID(int=1))))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ODD_TEXT, inner, max_size=3),
                      max_leaves=8)
PAYLOADS = (st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=5)
            | st.dictionaries(ODD_TEXT, VALUES, max_size=3) | VALUES)


def registered_events() -> list[str]:
    """The events the server handles, read from the server itself so none can be forgotten."""
    return sorted(name for name in socketio.server.handlers["/"] if name not in ("connect", "disconnect", "*"))


def dump(app) -> dict[str, list]:
    with app.app_context(), transaction() as db:
        return {name: sorted(map(repr, db.execute(select(table)).all())) for name, table in Base.metadata.tables.items()}


@pytest.fixture
def room(app, facilitator):
    """A café in its first round, with a phone seated, a wall watching and an insight posted."""
    phones = facilitator.join(3)
    facilitator.do("start_round")
    assert phones[0].emit("post_insight", {"id": str(uuid.uuid4()), "text": "Pay people for their time"})["ok"]
    wall = socketio.test_client(app, auth={"role": "wall", "code": facilitator.code})
    yield {"facilitator": facilitator.socket, "participant": phones[1].socket, "wall": wall}
    wall.disconnect()


def test_the_fuzz_covers_every_event_the_server_registers(app):
    events = registered_events()
    assert {"post_insight", "resonate", "start_round", "sync", "harvest_feedback"} <= set(events)
    assert len(events) >= 20


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_payload_to_any_event_from_any_role_is_answered_and_a_refusal_writes_nothing(app, room, data):
    event = data.draw(st.sampled_from(registered_events()), label="event")
    role = data.draw(st.sampled_from(sorted(room)), label="role")
    payload = data.draw(PAYLOADS, label="payload")
    before = dump(app)
    reply = room[role].emit(event, payload, callback=True)
    assert isinstance(reply, dict) and isinstance(reply.get("ok"), bool), reply
    if not reply["ok"]:
        assert reply["error"] not in ("server_error", None) and reply.get("message"), reply
        assert dump(app) == before, (event, role, payload, reply)


FORMS = {
    "/new": ("plan", "title", "purpose", "themes", "rounds", "round_minutes", "table_size", "theme_mode"),
    "/j/{code}": ("name", "perspective", "stays"),
}
# A form body is bytes a browser encoded as UTF-8, so it cannot carry a lone surrogate.
FORM_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40) | st.sampled_from(
    ["\x00", "\ufffe\uffff", "x" * 5000, "<script>alert(1)</script>", "\u202eevil", "", "0", "-1", "999999999999"])
FORM_VALUES = st.dictionaries(st.sampled_from(sorted({f for fields in FORMS.values() for f in fields} | {"zz"})),
                              FORM_TEXT, max_size=6)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_form_post_is_answered_without_a_server_error_and_a_refusal_writes_nothing(app, facilitator, data):
    path = data.draw(st.sampled_from(sorted(FORMS)), label="path").format(code=facilitator.code)
    form = data.draw(FORM_VALUES, label="form")
    before = dump(app)
    response = facilitator.http.post(path, data=form)  # with the page's CSRF token, as a browser sends it
    assert response.status_code < 500, (path, form, response.get_data(as_text=True)[:500])
    if response.status_code != 303:  # refused (the form again with its errors, or a 4xx page)
        assert dump(app) == before, (path, form, response.status_code)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(code=FORM_TEXT)
def test_any_code_typed_on_the_home_page_is_answered_without_a_server_error(app, facilitator, code):
    response = facilitator.http.get("/join", query_string={"code": code})
    assert response.status_code in (302, 404, 429), (code, response.status_code)

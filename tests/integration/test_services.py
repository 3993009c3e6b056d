"""Use cases against a real database: seating, rounds, the stored clock, export and import."""
from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, UTC

import pytest
from sqlalchemy import func, select

from cafe import create_app, store
from cafe.cli import main as cafe_cli
from cafe.db import transaction
from cafe.errors import Conflict, Invalid, NotFound
from cafe.extensions import socketio
from cafe.models import CafeRow, HandoverRow, InsightRow, ParticipantRow
from cafe.plans import load_plan, plan_path
from cafe.services import cafes, exporting, importing, rounds, seating, views

T0 = datetime(2026, 11, 25, 10, 0, 0, tzinfo=UTC)
ICIC = "icic-2023-lived-experience-roles.toml"


class Cafe:
    """A café driven through the services with a clock the test holds."""

    def __init__(self, app, plan: str = ICIC) -> None:
        self.app = app
        with app.app_context(), transaction() as db:
            row, self.host_token = cafes.create_cafe(db, load_plan(plan_path(plan)), T0)
            self.code = row.code

    def run(self, fn, *args):
        """Call `fn(db, cafe, *args)` in its own committed transaction."""
        with self.app.app_context(), transaction() as db:
            return fn(db, store.cafe_by_code(db, self.code), *args)

    def join(self, count: int) -> list[int]:
        return [self.run(lambda db, cafe, i=i: cafes.join(db, cafe, f"P{i}", "", T0)[0].id) for i in range(count)]

    def seats(self, round_no: int | None = None) -> dict[int, int]:
        return self.run(lambda db, cafe: store.seats(db, cafe, cafe.round if round_no is None else round_no))

    def hosts(self) -> dict[int, int]:
        return self.run(lambda db, cafe: store.hosts(db, cafe))

    def sizes(self) -> dict[int, int]:
        tables = self.run(lambda db, cafe: [t.number for t in store.tables(db, cafe)])
        seats = self.seats()
        return {number: sum(1 for n in seats.values() if n == number) for number in tables}

    def row(self) -> CafeRow:
        return self.run(lambda db, cafe: cafe)

    def remaining(self, now: datetime) -> float:
        return self.run(lambda db, cafe: store.clock_of(cafe).remaining(now))


@pytest.fixture
def cafe(app) -> Cafe:
    return Cafe(app)


# ------------------------------------------------------------ joining before the first round


def test_newcomers_fill_the_first_table_up_to_the_table_size(cafe):
    cafe.join(5)
    assert cafe.sizes() == {1: 5}


def test_a_new_table_opens_only_when_every_table_is_full(cafe):
    cafe.join(6)
    assert cafe.sizes() == {1: 5, 2: 1}
    cafe.join(4)
    assert cafe.sizes() == {1: 5, 2: 5}
    cafe.join(1)
    assert cafe.sizes() == {1: 5, 2: 5, 3: 1}


def test_a_newcomer_sits_at_the_emptiest_table(cafe):
    people = cafe.join(10)
    cafe.run(seating.reassign, people[0], 2)  # table 1: 4, table 2: 6
    cafe.join(1)
    assert cafe.sizes() == {1: 5, 2: 6}


def test_the_first_person_at_a_table_becomes_its_host(cafe):
    people = cafe.join(11)
    assert cafe.hosts() == {1: people[0], 2: people[5], 3: people[10]}


def test_joining_refuses_a_long_name_and_an_unknown_perspective(cafe):
    with pytest.raises(Invalid):
        cafe.run(lambda db, row: cafes.join(db, row, "x" * 41, "", T0))
    with pytest.raises(Invalid):
        cafe.run(lambda db, row: cafes.join(db, row, "Ann", "astronaut", T0))
    assert cafe.run(lambda db, row: store.participants(db, row)) == []


# ------------------------------------------------------------ rounds and rotation


def test_starting_round_one_balances_the_tables_and_keeps_the_hosts(cafe):
    cafe.join(11)
    hosts = cafe.hosts()
    cafe.run(rounds.start_round, T0)
    assert sorted(cafe.sizes().values(), reverse=True) == [4, 4, 3]
    assert cafe.hosts() == hosts
    seats = cafe.seats()
    for table, host in hosts.items():
        assert seats[host] == table


def test_starting_round_one_drops_tables_the_room_does_not_need(cafe):
    people = cafe.join(6)  # table 1: 5, table 2: 1
    cafe.run(seating.reassign, people[5], 1)  # everyone at table 1; table 2 is empty
    cafe.run(rounds.start_round, T0)
    assert cafe.sizes() == {1: 3, 2: 3}


def test_starting_round_one_plans_everyones_next_seat(cafe):
    people = cafe.join(11)
    cafe.run(rounds.start_round, T0)
    assert sorted(cafe.seats(2)) == sorted(people)


def test_next_round_applies_the_planned_seating_hosts_stay_and_travellers_move(cafe):
    cafe.join(16)
    cafe.run(rounds.start_round, T0)
    before, planned, hosts = cafe.seats(1), cafe.seats(2), cafe.hosts()
    cafe.run(rounds.next_round, T0 + timedelta(minutes=10))
    row = cafe.row()
    assert (row.round, row.status) == (2, "ready")
    assert cafe.seats() == planned
    assert cafe.hosts() == hosts
    for table, host in hosts.items():
        assert planned[host] == table
    travellers = [pid for pid in before if pid not in hosts.values()]
    theme = cafe.run(lambda db, c: store.plan_of(c).theme_for)
    # The whole-café planner may keep a traveller at a table when moving would cost a repeated
    # encounter; what a traveller never gets is the same theme twice.
    assert all(theme(planned[pid], 2).name != theme(before[pid], 1).name for pid in travellers)
    assert sorted(cafe.seats(3)) == sorted(before)  # every round was planned when round 1 started


def test_next_round_is_refused_before_the_round_has_started(cafe):
    cafe.join(4)
    with pytest.raises(Conflict):
        cafe.run(rounds.next_round, T0)
    assert cafe.row().round == 1


def test_a_late_joiner_mid_round_sits_at_the_emptiest_table_and_gets_a_next_round_seat(cafe):
    cafe.join(11)
    cafe.run(rounds.start_round, T0)
    sizes = cafe.sizes()
    emptiest = min(sizes, key=lambda n: (sizes[n], n))
    planned = cafe.seats(2)
    [late] = cafe.join(1)
    assert cafe.seats()[late] == emptiest
    after = cafe.seats(2)
    assert late in after
    assert {pid: n for pid, n in after.items() if pid != late} == planned  # the others' plan stands


def test_reassign_moves_a_person_to_another_table(cafe):
    people = cafe.join(11)
    cafe.run(rounds.start_round, T0)
    seats = cafe.seats()
    mover = next(pid for pid in people if pid not in cafe.hosts().values() and seats[pid] == 1)
    cafe.run(seating.reassign, mover, 3)
    assert cafe.seats()[mover] == 3


def test_a_reassigned_host_loses_the_host_role(cafe):
    cafe.join(11)
    cafe.run(rounds.start_round, T0)
    hosts = cafe.hosts()
    cafe.run(seating.reassign, hosts[1], 2)
    assert cafe.seats()[hosts[1]] == 2
    assert cafe.hosts() == {2: hosts[2], 3: hosts[3]}


def test_reassign_to_an_unknown_table_or_person_is_not_found(cafe):
    people = cafe.join(3)
    with pytest.raises(NotFound):
        cafe.run(seating.reassign, people[0], 9)
    with pytest.raises(NotFound):
        cafe.run(seating.reassign, 9999, 1)


def test_set_host_requires_the_person_to_sit_at_that_table(cafe):
    people = cafe.join(11)
    cafe.run(rounds.start_round, T0)
    seats = cafe.seats()
    at_two = next(pid for pid in people if seats[pid] == 2 and pid != cafe.hosts()[2])
    hosts = cafe.hosts()
    with pytest.raises(Conflict):
        cafe.run(seating.set_host, 1, at_two)
    assert cafe.hosts() == hosts
    cafe.run(seating.set_host, 2, at_two)
    assert cafe.hosts()[2] == at_two


def test_set_host_to_nobody_leaves_the_table_without_a_host(cafe):
    cafe.join(11)
    cafe.run(rounds.start_round, T0)
    cafe.run(seating.set_host, 3, None)
    assert 3 not in cafe.hosts()


# ------------------------------------------------------------ the stored clock


def test_the_clock_is_derived_from_stored_times(cafe):
    cafe.join(3)
    cafe.run(rounds.start_round, T0)
    row = cafe.row()
    assert row.status == "running"
    assert store.utc(row.deadline) == T0 + timedelta(minutes=10)
    assert cafe.remaining(T0 + timedelta(seconds=90)) == 510
    assert cafe.remaining(T0 + timedelta(minutes=11)) == -60


def test_pause_extend_and_resume_are_stored(cafe):
    cafe.join(3)
    cafe.run(rounds.start_round, T0)
    cafe.run(rounds.pause_round, T0 + timedelta(minutes=4))
    assert cafe.remaining(T0 + timedelta(hours=1)) == 360
    cafe.run(rounds.extend_round, 2, T0 + timedelta(minutes=5))
    assert cafe.remaining(T0 + timedelta(hours=1)) == 480
    cafe.run(rounds.resume_round, T0 + timedelta(minutes=20))
    assert cafe.remaining(T0 + timedelta(minutes=21)) == 420
    with pytest.raises(Conflict):
        cafe.run(rounds.resume_round, T0 + timedelta(minutes=21))


def test_the_timer_survives_a_server_restart(app, facilitator):
    facilitator.join(2)
    facilitator.do("start_round")
    before = facilitator.state()["cafe"]
    assert before["status"] == "running"
    # A new process: a fresh app object on the same database file, and a dashboard reconnecting.
    restarted = create_app({"TESTING": True, "ASYNC_MODE": "threading", "DATABASE_URL": app.config["DATABASE_URL"],
                            "PUBLIC_URL": "http://cafe.test"})
    try:
        laptop = socketio.test_client(restarted, auth={"role": "facilitator", "host_token": facilitator.host_token})
        assert laptop.is_connected()
        after = laptop.emit("sync", {}, callback=True)["state"]["cafe"]
        assert after["status"] == "running"
        assert after["deadline"] == before["deadline"]
        assert after["remaining_s"] == pytest.approx(before["remaining_s"], abs=3)
        laptop.disconnect()
    finally:
        restarted.extensions["cafe_db"].engine.dispose()


def test_extend_pause_and_resume_through_the_facilitators_events(facilitator):
    facilitator.join(2)
    facilitator.do("start_round")
    facilitator.do("pause_round")
    paused = facilitator.state()["cafe"]
    assert paused["status"] == "paused"
    assert paused["deadline"] is None
    assert paused["remaining_s"] == pytest.approx(600, abs=3)
    facilitator.do("extend_round", {"minutes": 2})
    extended = facilitator.state()["cafe"]
    assert extended["remaining_s"] == pytest.approx(paused["remaining_s"] + 120, abs=0.01)
    facilitator.do("resume_round")
    running = facilitator.state()["cafe"]
    assert running["status"] == "running"
    assert running["remaining_s"] == pytest.approx(720, abs=3)
    facilitator.do("extend_round", {"minutes": 1})
    assert facilitator.state()["cafe"]["remaining_s"] == pytest.approx(780, abs=3)
    facilitator.do("end_round")
    assert facilitator.state()["cafe"]["status"] == "ended"
    assert facilitator.emit("extend_round", {"minutes": 1})["error"] == "conflict"


def test_the_harvest_is_refused_before_the_last_round(facilitator):
    facilitator.join(4)
    assert facilitator.emit("start_harvest")["error"] == "conflict"
    facilitator.do("start_round")
    assert facilitator.emit("start_harvest")["error"] == "conflict"
    facilitator.do("next_round")
    facilitator.do("start_round")
    assert facilitator.emit("start_harvest")["error"] == "conflict"
    assert facilitator.state()["cafe"]["stage"] == "rounds"
    facilitator.do("next_round")
    assert facilitator.emit("next_round")["error"] == "conflict"  # round 3 has not started
    facilitator.do("start_round")
    assert facilitator.emit("next_round")["error"] == "conflict"  # the last round
    facilitator.do("start_harvest")
    state = facilitator.state()
    assert (state["cafe"]["stage"], state["cafe"]["status"]) == ("harvest", "ended")
    assert state["harvest"] is not None
    assert facilitator.emit("start_round")["error"] == "conflict"


# ------------------------------------------------------------ export and import


def run_a_little_cafe(facilitator) -> dict:
    """Two rounds with insights, a resonance and hand-overs; returns the JSON export."""
    phones = facilitator.join(6, ("lived_experience", "practitioner", ""))
    facilitator.do("start_round")
    for i, phone in enumerate(phones):
        assert phone.emit("post_insight", {"id": str(uuid.uuid4()), "text": f"Insight {i} from round one"})["ok"]
    for phone in phones:
        if phone.state()["me"]["is_host"]:
            assert phone.emit("submit_handover", {"bullets": ["Carry this on", "And this"]})["ok"]
    mine = phones[1].state()["insights"]
    other = next(i for i in mine if not i["mine"])
    assert phones[1].emit("resonate", {"insight_id": other["id"]})["ok"]
    facilitator.do("next_round")
    facilitator.do("start_round")
    assert phones[2].emit("post_insight", {"id": str(uuid.uuid4()), "text": "Round two", "do_not_quote": True})["ok"]
    response = facilitator.http.get(f"/f/{facilitator.host_token}/export.json")
    assert response.status_code == 200
    return response.get_json()


def cafe_contents(app, code: str) -> dict:
    with app.app_context(), transaction() as db:
        row = store.cafe_by_code(db, code)
        snap = views.Snapshot(db, row, T0, "http://cafe.test/j/" + code)
        data = exporting.export_data(snap)
    names = {p["id"]: p["name"] for p in data["participants"]}
    return {
        "participants": sorted((p["name"], p["perspective"], p["host_of"]) for p in data["participants"]),
        "insights": sorted((i["text"], i["round"], i["table"], i["theme"], i["do_not_quote"], i["resonance"],
                            names[i["participant_id"]]) for i in data["insights"]),
        "handovers": sorted((h["round"], h["table"], tuple(h["bullets"]), names[h["host_participant_id"]])
                            for h in data["handovers"]),
        "seats": sorted((names[s["participant_id"]], s["round"], s["table"]) for s in data["seats"]),
    }


def test_import_service_creates_a_new_cafe_with_the_same_content(tmp_path, facilitator):
    exported = run_a_little_cafe(facilitator)
    elsewhere = create_app({"TESTING": True, "ASYNC_MODE": "threading",
                            "DATABASE_URL": f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}"})
    try:
        with elsewhere.app_context(), transaction() as db:
            row, token = importing.import_cafe(db, exported, T0)
            code = row.code
        assert token
        original = cafe_contents(facilitator.app, facilitator.code)
        assert cafe_contents(elsewhere, code) == original
        assert len(original["insights"]) == 7 and original["handovers"]
    finally:
        elsewhere.extensions["cafe_db"].engine.dispose()


def test_cafe_import_command_creates_a_new_cafe_with_the_same_insights_handovers_and_participants(
    app, tmp_path, monkeypatch, capsys, facilitator
):
    exported = run_a_little_cafe(facilitator)
    original = cafe_contents(app, facilitator.code)
    path = tmp_path / "export.json"
    path.write_text(json.dumps(exported), encoding="utf-8")
    target = tmp_path / "restored.sqlite3"
    monkeypatch.setenv("CAFE_DATABASE_URL", f"sqlite:///{target}")
    monkeypatch.setenv("CAFE_INSTANCE_PATH", str(tmp_path / "instance"))
    assert cafe_cli(["import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "/f/" in out
    restored = create_app({"TESTING": True, "ASYNC_MODE": "threading", "DATABASE_URL": f"sqlite:///{target}"})
    try:
        with restored.app_context(), transaction() as db:
            [code] = db.scalars(select(CafeRow.code)).all()
        assert code != facilitator.code
        assert code in out
        assert cafe_contents(restored, code) == original
    finally:
        restored.extensions["cafe_db"].engine.dispose()


def test_cafe_import_into_the_database_the_cafe_came_from_creates_a_second_cafe(app, tmp_path, monkeypatch, facilitator):
    exported = run_a_little_cafe(facilitator)
    original = cafe_contents(app, facilitator.code)
    path = tmp_path / "export.json"
    path.write_text(json.dumps(exported), encoding="utf-8")
    monkeypatch.setenv("CAFE_DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setenv("CAFE_INSTANCE_PATH", str(tmp_path / "instance"))
    assert cafe_cli(["import", str(path)]) == 0
    with app.app_context(), transaction() as db:
        codes = db.scalars(select(CafeRow.code).where(CafeRow.code != facilitator.code)).all()
    assert len(codes) == 1
    assert cafe_contents(app, codes[0]) == original


@pytest.mark.parametrize(
    "content",
    [
        "this is not json",
        json.dumps([1, 2, 3]),
        json.dumps({"format": "something-else/1"}),
        json.dumps({"format": "cafe-export/1"}),
        json.dumps({"format": "cafe-export/1", "plan": {"title": "x"}, "cafe": {}}),
    ],
    ids=["not-json", "a-list", "wrong-format", "nothing-inside", "bad-plan"],
)
def test_a_malformed_import_exits_with_status_2_and_one_clear_line(app, tmp_path, monkeypatch, capsys, content):
    path = tmp_path / "broken.json"
    path.write_text(content, encoding="utf-8")
    monkeypatch.setenv("CAFE_DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setenv("CAFE_INSTANCE_PATH", str(tmp_path / "instance"))
    assert cafe_cli(["import", str(path)]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("cafe import: ")
    assert "Traceback" not in captured.err
    assert captured.out == ""
    with app.app_context(), transaction() as db:
        assert db.scalar(select(func.count()).select_from(CafeRow)) == 0


def test_a_malformed_import_changes_nothing(app, facilitator):
    exported = run_a_little_cafe(facilitator)
    del exported["insights"][3]["participant_id"]
    with app.app_context(), transaction() as db:
        cafes_before = db.scalar(select(func.count()).select_from(CafeRow))
        people_before = db.scalar(select(func.count()).select_from(ParticipantRow))
    with pytest.raises(Invalid), app.app_context(), transaction() as db:
        importing.import_cafe(db, exported, T0)
    with app.app_context(), transaction() as db:
        assert db.scalar(select(func.count()).select_from(CafeRow)) == cafes_before
        assert db.scalar(select(func.count()).select_from(ParticipantRow)) == people_before
        assert db.scalar(select(func.count()).select_from(InsightRow)) == 7
        assert db.scalar(select(func.count()).select_from(HandoverRow)) >= 1

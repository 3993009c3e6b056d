"""Café state lives in the database, so cafe grows past one process: two `cafe serve` processes on
one PostgreSQL database share broadcasts through Redis, a restarted server carries on a running
round, and a whole café runs on PostgreSQL. Every service is real, on 127.0.0.1, started here and
stopped by its own PID."""
from __future__ import annotations

import contextlib
import json
import re
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator

import pytest
import requests
import socketio

from services import REPO, CafeServer, Postgres, Redis, clean_env, post_form, wait_for

ICIC = "icic-2023-lived-experience-roles.toml"
RETRO = "quick-team-retro.toml"
QUIET_S = 0.4  # how long we listen for a message that must not come

pytestmark = pytest.mark.scale_out  # several server processes, Redis, nginx and PostgreSQL


@pytest.fixture(scope="module")
def redis_service() -> Iterator[Redis]:
    service = Redis()
    try:
        yield service
    finally:
        service.stop()


@pytest.fixture(scope="module")
def postgres() -> Iterator[Postgres]:
    service = Postgres()
    try:
        yield service
    finally:
        service.stop()


@pytest.fixture
def stack() -> Iterator[list]:
    """Everything a test starts (servers, socket clients); stopped in reverse order, also on failure."""
    things: list = []
    try:
        yield things
    finally:
        for thing in reversed(things):
            with contextlib.suppress(Exception):  # one stuck client must not keep a server running
                thing.stop()


class Client:
    """A python-socketio client that records every event it receives, with the time it arrived."""

    def __init__(self, server: CafeServer, auth: dict, headers: dict | None = None, reconnection: bool = False) -> None:
        self.events: dict[str, list[tuple[float, object]]] = defaultdict(list)
        self.sio = socketio.Client(reconnection=reconnection, reconnection_delay=0.2, reconnection_delay_max=0.5)
        self.sio.on("*", self._record)
        self.sio.connect(server.base_url, auth=auth, headers=headers or {}, transports=["websocket"], wait_timeout=10)
        try:
            wait_for(lambda: self.events["state"], message="the state sent on connect")
        except BaseException:
            self.sio.disconnect()
            raise

    def _record(self, event: str, data=None) -> None:
        self.events[event].append((time.monotonic(), data))

    def ready(self) -> bool:
        """Connected to the namespace (the server sends `state` just before it acknowledges the connect)."""
        return self.sio.connected and "/" in self.sio.namespaces

    def got(self, event: str) -> list:
        return [data for _at, data in list(self.events[event])]

    def call(self, event: str, payload: dict | None = None) -> dict:
        return self.sio.call(event, payload if payload is not None else {}, timeout=10)

    def do(self, event: str, payload: dict | None = None) -> dict:
        reply = self.call(event, payload)
        assert reply["ok"], (event, reply)
        return reply

    def sync(self) -> dict:
        return self.do("sync")["state"]

    def stop(self) -> None:
        self.sio.disconnect()


class Phone:
    """A participant who joined over HTTP (the `cafe_<CODE>` cookie) on one process."""

    def __init__(self, server: CafeServer, code: str, name: str, perspective: str = "") -> None:
        self.http = requests.Session()
        response = post_form(self.http, server.url(f"/j/{code}"), {"name": name, "perspective": perspective},
                             allow_redirects=False, timeout=10)
        assert response.status_code == 303, response.text
        self.code, self.name = code, name
        self.token = response.cookies[f"cafe_{code}"]
        self.socket: Client | None = None
        self.server: CafeServer | None = None
        self.state: dict = {}

    def connect(self, server: CafeServer, stack: list, **options) -> Client:
        """A socket to `server` that identifies itself with the cookie, as the phone page does."""
        client = Client(server, {"role": "participant", "code": self.code},
                        headers={"Cookie": f"cafe_{self.code}={self.token}"}, **options)
        stack.append(client)
        if self.socket is None:
            self.socket, self.server = client, server
        return client

    def sync(self) -> dict:
        self.state = self.socket.sync()
        return self.state

    @property
    def table(self) -> int:
        return self.state["table"]["number"]

    def post(self, text: str, insight_id: str | None = None) -> dict:
        return self.socket.do("post_insight", {"id": insight_id or str(uuid.uuid4()), "text": text})


def start_cafe(server: CafeServer, plan: str | None = None, form: dict | None = None) -> str:
    """Create a café over HTTP; returns the secret host token."""
    response = post_form(requests.Session(), server.url("/new"), form or {"plan": plan}, allow_redirects=False, timeout=10)
    assert response.status_code == 303, response.text
    return re.fullmatch(r".*/f/([\w-]+)", response.headers["Location"]).group(1)


def facilitator(server: CafeServer, host_token: str, stack: list, **options) -> Client:
    client = Client(server, {"role": "facilitator", "host_token": host_token}, **options)
    stack.append(client)
    return client


def ids_of(client: Client, event: str = "insight_posted") -> list[str]:
    return [item["id"] for item in client.got(event)]


def export_json(server: CafeServer, host_token: str) -> dict:
    response = requests.get(server.url(f"/f/{host_token}/export.json"), timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def assert_no_tracebacks(*servers: CafeServer) -> None:
    for server in servers:
        assert "Traceback" not in server.output(), server.output()


def post_twice_at_once(sockets: list[Client], insight_id: str, text: str) -> list[dict]:
    """The same insight id from several sockets at the same moment (a resend racing the first send)."""
    replies: list[dict] = [{} for _ in sockets]
    go = threading.Barrier(len(sockets))

    def send(index: int) -> None:
        go.wait()
        replies[index] = sockets[index].call("post_insight", {"id": insight_id, "text": text})

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(sockets))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)
    return replies


def two_servers(tmp_path, database_url: str, redis_service: Redis, stack: list) -> tuple[dict, CafeServer, CafeServer]:
    """Two `cafe serve` processes on one PostgreSQL database and one Redis queue, both booting at
    once on an empty database, as two replicas of a deploy do."""
    env = {"DATABASE_URL": database_url, "CAFE_MESSAGE_QUEUE": redis_service.url}
    a, b = CafeServer(tmp_path, env, name="a"), CafeServer(tmp_path, env, name="b")
    stack += [a, b]
    a.wait_ready()
    b.wait_ready()
    return env, a, b


def test_two_processes_share_one_cafe_through_postgresql_and_redis(tmp_path, postgres, redis_service, stack):
    env, a, b = two_servers(tmp_path, postgres.create_database("scale_out"), redis_service, stack)

    host_token = start_cafe(a, ICIC)
    dashboard = facilitator(a, host_token, stack)
    code = dashboard.got("state")[0]["cafe"]["code"]
    phones = [Phone(b, code, f"Person {i}", "lived_experience" if i % 2 else "practitioner") for i in range(6)]
    # B's join reaches A's dashboard through Redis.
    wait_for(lambda: len([c for c in dashboard.got("cafe_changed") if c["reason"] == "participant_joined"]) == 6,
             message="participant_joined on A for six joins on B")
    assert len(dashboard.sync()["participants"]) == 6
    for index, phone in enumerate(phones):
        phone.connect(a if index >= 4 else b, stack)

    dashboard.do("start_round")
    for phone in phones:
        wait_for(lambda phone=phone: any(c["reason"] == "round_started" for c in phone.socket.got("cafe_updated")),
                 message=f"round_started at {phone.name}")
        phone.sync()
        assert phone.state["cafe"]["status"] == "running"
    by_table: dict[int, list[Phone]] = defaultdict(list)
    for phone in phones:
        by_table[phone.table].append(phone)
    assert len(by_table) == 2, {n: [p.name for p in ps] for n, ps in by_table.items()}

    # A phone on B posts at a table that also has a phone on A; then a phone on A posts.
    poster_b = next(p for p in phones if p.server is b and any(q.server is a for q in by_table[p.table]))
    poster_a = next(p for p in phones if p.server is a)
    sent = []
    for poster, text in ((poster_b, "Pay people for their time"), (poster_a, "Ask early, not at the end")):
        insight = poster.post(text)["insight"]
        sent.append(insight["id"])
        wait_for(lambda insight=insight: insight["id"] in ids_of(dashboard), message=f"insight_posted on the dashboard for {text!r}")
        table_mates = by_table[poster.table]
        for phone in table_mates:
            wait_for(lambda insight=insight, phone=phone: insight["id"] in ids_of(phone.socket), message=f"insight_posted at {phone.name}")
        assert {p.server.port for p in table_mates} == {a.port, b.port}, "the table spans both processes"
    time.sleep(QUIET_S)
    for phone in phones:
        expected = [i for i, poster in zip(sent, (poster_b, poster_a), strict=False) if poster.table == phone.table]
        assert ids_of(phone.socket) == expected, phone.name

    # A nudge from A reaches every phone, on both processes.
    dashboard.do("nudge", {"text": "Five minutes left"})
    for phone in phones:
        wait_for(lambda phone=phone: [n["text"] for n in phone.socket.got("nudged")] == ["Five minutes left"],
                 message=f"nudged at {phone.name}")

    # The same id from two sockets of one phone, one on each process, at once: stored and broadcast once.
    twin = poster_b.connect(a, stack)
    race_id = str(uuid.uuid4())
    replies = post_twice_at_once([poster_b.socket, twin], race_id, "Sent twice")
    assert all(r.get("ok") for r in replies), replies
    assert sorted(r["duplicate"] for r in replies) == [False, True]
    wait_for(lambda: race_id in ids_of(dashboard), message="the raced insight on the dashboard")
    time.sleep(QUIET_S)
    assert ids_of(dashboard).count(race_id) == 1

    # next_round from A moves the phones on B to the seats they were shown.
    announced = {phone.name: phone.state["next"]["table"] for phone in phones}
    dashboard.do("next_round")
    for phone in phones:
        wait_for(lambda phone=phone: any(c["reason"] == "next_round" for c in phone.socket.got("cafe_updated")),
                 message=f"next_round at {phone.name}")
        phone.sync()
        assert phone.state["cafe"]["round"] == 2
        assert phone.table == announced[phone.name], phone.name

    # B exports what was said through A and B; the export reads back as a new café.
    exported = export_json(b, host_token)
    assert exported["cafe"]["round"] == 2
    assert sorted(i["id"] for i in exported["insights"]) == sorted([*sent, race_id])
    assert [n["text"] for n in exported["nudges"]] == ["Five minutes left"]
    assert len(exported["participants"]) == 6
    path = tmp_path / "export.json"
    path.write_text(json.dumps(exported))
    imported = subprocess.run(
        [sys.executable, "-m", "cafe", "import", str(path), "--public-url", a.base_url],
        cwd=REPO, env=clean_env(DATABASE_URL=env["DATABASE_URL"], CAFE_INSTANCE_PATH=str(tmp_path)),
        capture_output=True, text=True, timeout=60,
    )
    assert imported.returncode == 0, imported.stderr
    new_token = re.search(r"/f/([\w-]+)", imported.stdout).group(1)
    again = export_json(a, new_token)
    assert again["cafe"]["code"] != code
    assert sorted(i["text"] for i in again["insights"]) == sorted(i["text"] for i in exported["insights"])
    assert len(again["participants"]) == 6 and len(again["seats"]) == len(exported["seats"])
    assert_no_tracebacks(a, b)


def reasons(client: Client) -> list[str]:
    return [c["reason"] for c in client.got("cafe_changed")]


def test_the_seating_plan_curation_and_feedback_span_two_processes(tmp_path, postgres, redis_service, stack):
    _env, a, b = two_servers(tmp_path, postgres.create_database("scale_out_harvest"), redis_service, stack)
    host_token = start_cafe(a, ICIC)
    tab_a, tab_b = facilitator(a, host_token, stack), facilitator(b, host_token, stack)  # two laptop tabs
    code = tab_a.got("state")[0]["cafe"]["code"]
    phones = [Phone(b, code, f"Person {i}", "lived_experience" if i % 3 == 0 else "practitioner") for i in range(12)]
    for index, phone in enumerate(phones):
        phone.connect(a if index % 2 else b, stack)
    tab_a.do("start_round")  # plans the whole café, stored in PostgreSQL

    # A re-plan proposed in the tab on B and applied from the tab on A: every phone whose seats
    # changed hears its new itinerary, on either process; the tab on B hears the plan was applied.
    before = {phone.name: phone.sync()["itinerary"] for phone in phones}
    draft = tab_b.do("propose_plan", {"kind": "replan"})["plan"]["draft"]
    tab_a.do("apply_plan", {"version": draft["version"]})
    wait_for(lambda: "plan_applied" in reasons(tab_b), message="plan_applied at the tab on B")
    for phone in phones:
        now = phone.sync()["itinerary"]
        if now != before[phone.name]:
            wait_for(lambda phone=phone, now=now: [c["itinerary"] for c in phone.socket.got("itinerary_changed")][-1:] == [now],
                     message=f"itinerary_changed at {phone.name}")
    assert tab_b.call("apply_plan", {"version": draft["version"]})["error"] == "conflict"  # already applied
    planned = {row["round"]: row for row in tab_b.do("get_seating_plan")["plan"]["current"]["rounds"]}
    for phone in phones:
        state = phone.sync()
        me = state["me"]["id"]
        for stop in state["itinerary"]:
            table = next(t for t in planned[stop["round"]]["tables"] if t["table"] == stop["table"])
            assert me in table["members"] and stop["theme"] == table["theme"], (phone.name, stop)

    for phone in phones[:6]:
        phone.post(f"Paying people fairly for their time matters, says {phone.name}")
    for _ in range(2):
        tab_a.do("next_round")
        tab_a.do("start_round")
    tab_a.do("start_harvest")
    wall = Client(b, {"role": "wall", "code": code})
    stack.append(wall)
    theme = next(t for t in tab_a.sync()["harvest"]["themes"] if t["subthemes"])
    sub = theme["subthemes"][0]["id"]

    # Two tabs on two processes edit the same theme: the second, on the old version, is refused.
    edit = {"theme": theme["theme"], "version": theme["version"], "op": "rename", "subtheme": sub}
    tab_a.do("curate", {**edit, "label": "Fair pay"})
    assert tab_b.call("curate", {**edit, "label": "Lost edit"})["error"] == "conflict"
    wait_for(lambda: "harvest_changed" in reasons(wall), message="harvest_changed on the wall (process B)")
    shown = next(t for t in wall.sync()["harvest"]["themes"] if t["theme"] == theme["theme"])
    assert [s["label"] for s in shown["subthemes"] if s["id"] == sub] == ["Fair pay"]

    # A phone on one process says the harvest reflects its conversation; the tab on the other counts it.
    voice = phones[0]
    assert voice.server is b
    voice.socket.do("harvest_feedback", {"id": str(uuid.uuid4()), "kind": "reflects", "theme": theme["theme"]})
    wait_for(lambda: "feedback_changed" in reasons(tab_a), message="feedback_changed at the tab on A")
    counted = next(t for t in tab_a.sync()["harvest"]["themes"] if t["theme"] == theme["theme"])
    assert counted["feedback"]["reflects"] == 1
    assert_no_tracebacks(a, b)


def test_people_joining_at_once_through_two_processes_are_each_seated_once(tmp_path, postgres, redis_service, stack):
    """A hall scanning the QR at once, its joins spread over two processes: every join succeeds and
    the tables fill in turn (each join holds the café's row), instead of two joins both adding the
    same new table and one of them failing."""
    _env, a, b = two_servers(tmp_path, postgres.create_database("joins_at_once"), redis_service, stack)
    host_token = start_cafe(a, ICIC)
    code = facilitator(a, host_token, stack).got("state")[0]["cafe"]["code"]
    people = 24
    go = threading.Barrier(8)
    failures: list[str] = []

    def joins(worker: int) -> None:
        go.wait()
        for i in range(worker, people, 8):
            try:
                Phone(a if i % 2 else b, code, f"Person {i}")
            except AssertionError as error:  # not a 303: the join failed
                failures.append(str(error)[:300])

    threads = [threading.Thread(target=joins, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []
    exported = export_json(a, host_token)
    assert len(exported["participants"]) == people
    first = [seat for seat in exported["seats"] if seat["round"] == 1]
    assert sorted(seat["participant_id"] for seat in first) == sorted(p["id"] for p in exported["participants"])
    sizes = defaultdict(int)
    for seat in first:
        sizes[seat["table"]] += 1
    assert len(exported["tables"]) == len(sizes) == 5 and max(sizes.values()) <= 5, sizes  # 24 people, tables of 5
    assert_no_tracebacks(a, b)


def test_a_restarted_server_carries_on_the_running_round(tmp_path, stack):
    env = {"CAFE_DATABASE_URL": f"sqlite:///{tmp_path / 'cafe.sqlite3'}"}
    first = CafeServer(tmp_path, env, name="first")
    stack.append(first)
    first.wait_ready()
    host_token = start_cafe(first, RETRO)
    dashboard = facilitator(first, host_token, stack, reconnection=True)
    code = dashboard.got("state")[0]["cafe"]["code"]
    phones = [Phone(first, code, f"Person {i}") for i in range(3)]
    dashboard.do("start_round")
    phone = phones[0]
    phone.connect(first, stack, reconnection=True)
    before_at, before = phone.socket.events["state"][-1]
    assert before["cafe"]["status"] == "running"
    kept_id = phone.post("Said before the restart")["insight"]["id"]

    first.stop()
    assert first.process.returncode is not None
    wait_for(lambda: not phone.socket.sio.connected, message="the client to notice the server is gone")
    time.sleep(1.0)  # the round's clock keeps running while no server does
    second = CafeServer(tmp_path, env, port=first.port, name="second")
    stack.append(second)
    second.wait_ready()

    # The client reconnects by itself and is told the same round, still running, on the same deadline.
    wait_for(lambda: len(phone.socket.events["state"]) >= 2 and phone.socket.ready(), timeout=15,
             message="state after the reconnect")
    after_at, after = phone.socket.events["state"][-1]
    assert after["cafe"]["round"] == before["cafe"]["round"] == 1
    assert after["cafe"]["status"] == "running"
    assert after["cafe"]["deadline"] == before["cafe"]["deadline"]
    expected = before["cafe"]["remaining_s"] - (after_at - before_at)
    assert abs(after["cafe"]["remaining_s"] - expected) <= 3, (before["cafe"], after["cafe"], after_at - before_at)
    assert after["table"]["number"] == before["table"]["number"]
    assert [i["id"] for i in after["insights"]] == [kept_id]

    later = phone.post("Said after the restart")
    assert later["duplicate"] is False
    again = phone.post("Said before the restart", insight_id=kept_id)
    assert again["duplicate"] is True and again["insight"]["id"] == kept_id
    assert [i["id"] for i in phone.sync()["insights"]] == [kept_id, later["insight"]["id"]]
    wait_for(lambda: len(dashboard.events["state"]) >= 2 and dashboard.ready(), timeout=15,
             message="the dashboard's reconnect")
    dashboard.do("end_round")
    assert_no_tracebacks(second)


def test_a_whole_cafe_runs_on_postgresql(tmp_path, postgres, stack):
    server = CafeServer(tmp_path, {"DATABASE_URL": postgres.create_database("smoke")}, name="pg")
    stack.append(server)
    server.wait_ready()
    host_token = start_cafe(server, form={
        "title": "Smoke on PostgreSQL", "purpose": "Catch what only PostgreSQL does",
        "themes": "Care: What helps?\nWork: What gets in the way?", "rounds": "2", "round_minutes": "5",
        "table_size": "3", "theme_mode": "rotate",
    })
    dashboard = facilitator(server, host_token, stack)
    code = dashboard.got("state")[0]["cafe"]["code"]
    phones = [Phone(server, code, f"Person {i}" if i % 3 else "", ("lived_experience", "family_carer", "")[i % 3])
              for i in range(6)]
    for phone in phones:
        phone.connect(server, stack)

    dashboard.do("start_round")
    for phone in phones:
        phone.sync()
    cafe = dashboard.sync()["cafe"]
    assert cafe["deadline"].endswith("+00:00") and cafe["server_now"].endswith("+00:00"), cafe
    assert 280 <= cafe["remaining_s"] <= 300
    dashboard.do("pause_round")
    dashboard.do("resume_round")
    dashboard.do("extend_round", {"minutes": 1})
    assert 340 <= dashboard.sync()["cafe"]["remaining_s"] <= 360

    posted = {phone.name or f"anon{i}": phone.post(f"Insight from {i}")["insight"] for i, phone in enumerate(phones)}
    assert all(i["posted_at"].endswith("+00:00") for i in posted.values()), posted

    # The same id from two sockets of one phone at once: exactly one row, one reply says duplicate.
    racer = phones[1]
    second_socket = racer.connect(server, stack)
    race_id = str(uuid.uuid4())
    replies = post_twice_at_once([racer.socket, second_socket], race_id, "Resent at once")
    assert all(r.get("ok") for r in replies), replies
    assert sorted(r["duplicate"] for r in replies) == [False, True]
    # An id someone else already used is refused.
    taken = phones[2].socket.call("post_insight", {"id": race_id, "text": "Mine now"})
    assert taken["error"] == "conflict"

    # Resonance, once per person.
    mate = next(p for p in phones if p is not racer and p.table == racer.table)
    first = mate.socket.do("resonate", {"insight_id": race_id})
    assert (first["resonance"], first["duplicate"]) == (1, False)
    assert mate.socket.do("resonate", {"insight_id": race_id})["duplicate"] is True

    # Every table host writes a hand-over (and rewrites it: one row per table and round).
    hosts = [p for p in phones if p.state["me"]["is_host"]]
    assert len(hosts) == 2
    for host in hosts:
        host.socket.do("submit_handover", {"bullets": ["First draft"]})
        reply = host.socket.do("submit_handover", {"bullets": ["Money matters", "Ask early"]})
        assert reply["handover"]["written_at"].endswith("+00:00")

    dashboard.do("next_round")
    dashboard.do("start_round")
    for phone in phones:
        phone.sync()
    assert all(p.state["cafe"]["round"] == 2 for p in phones)
    newcomer = next(p for p in phones if not p.state["me"]["is_host"] and p.state["handovers"])
    assert newcomer.state["handovers"][0]["bullets"] == ["Money matters", "Ask early"]
    newcomer.post("Round two thought")

    dashboard.do("start_harvest")
    state = dashboard.sync()
    assert state["cafe"]["stage"] == "harvest"
    assert state["harvest"]["insight_count"] == 8 and state["harvest"]["participant_count"] == 6

    exported = export_json(server, host_token)
    assert [i["id"] for i in exported["insights"]].count(race_id) == 1
    assert len(exported["insights"]) == 8
    assert len(exported["handovers"]) == 2
    assert {r["insight_id"] for r in exported["resonances"]} == {race_id}
    times = [exported["cafe"]["created_at"], *(i["posted_at"] for i in exported["insights"]),
             *(r["started_at"] for r in exported["rounds_log"]), *(p["joined_at"] for p in exported["participants"])]
    assert all(t.endswith("+00:00") for t in times), times
    assert [r["round"] for r in exported["rounds_log"]] == [1, 2]
    for fmt in ("md", "csv", "html"):
        response = requests.get(server.url(f"/f/{host_token}/export.{fmt}"), timeout=10)
        assert response.status_code == 200 and "Resent at once" in response.text, fmt
    assert_no_tracebacks(server)


def test_racing_duplicate_ids_take_the_savepoint_path_on_postgresql(postgres):
    """Two transactions insert one insight id; the loser's IntegrityError is caught inside its savepoint,
    and it answers "duplicate" with the stored row. Driven in-process so the interleaving is certain."""
    from cafe import create_app
    from cafe.models import InsightRow
    from cafe.plans import load_plan, plan_path
    from cafe.services import cafes, posting, rounds, utcnow

    url = postgres.create_database("race").replace("postgresql://", "postgresql+psycopg://")
    app = create_app({"TESTING": True, "ASYNC_MODE": "threading", "DATABASE_URL": url, "PUBLIC_URL": "http://cafe.test"})
    database = app.extensions["cafe_db"]
    try:
        with app.test_request_context(), database.transaction() as db:
            cafe, _token = cafes.create_cafe(db, load_plan(plan_path(RETRO)), utcnow())
            person, _ = cafes.join(db, cafe, "Ada", "", utcnow())
            rounds.start_round(db, cafe, utcnow())
            cafe_id, person_id = cafe.id, person.id
        insight_id = str(uuid.uuid4())
        holding = threading.Event()
        release = threading.Event()
        results: dict[str, object] = {}

        def post(name: str, hold: bool) -> None:
            try:
                with app.test_request_context(), database.transaction() as db:
                    from cafe.models import CafeRow, ParticipantRow

                    row, duplicate, _ = posting.post_insight(
                        db, db.get(CafeRow, cafe_id), db.get(ParticipantRow, person_id), insight_id, name, False, utcnow())
                    db.flush()
                    results[name] = (duplicate, row.text)
                    if hold:
                        holding.set()
                        release.wait(10)
            except Exception as error:  # reported by the assertion below
                results[name] = error

        first = threading.Thread(target=post, args=("first", True))
        first.start()
        assert holding.wait(10), results
        # The second sees no committed row, inserts, and waits on the first's uncommitted one.
        second = threading.Thread(target=post, args=("second", False))
        second.start()
        second.join(0.5)
        assert second.is_alive(), results
        release.set()
        first.join(10)
        second.join(10)
        assert results == {"first": (False, "first"), "second": (True, "first")}
        with database.transaction() as db:
            assert db.query(InsightRow).filter(InsightRow.id == insight_id).count() == 1
    finally:
        database.engine.dispose()

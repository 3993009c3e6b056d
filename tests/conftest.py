"""Fixtures shared by the integration and web tests: an app on a fresh SQLite file, HTTP and
Socket.IO test clients, and small "actions" helpers that act as a facilitator or a phone."""
from __future__ import annotations

import io
import re
import shutil
from collections.abc import Iterator
from types import SimpleNamespace

import sys
from pathlib import Path

import pytest

# The real server and browser fixtures (tests/web/live.py) are registered once, here, so one
# session-wide Playwright serves every section (a second sync Playwright cannot start in a
# process where one runs), and test modules can import the helpers in tests/web.
sys.path.insert(0, str(Path(__file__).resolve().parent / "web"))

from live import browser, contexts, live_server, playwright, server_control  # noqa: F401

from cafe import create_app
from cafe.extensions import socketio
from csrf_forms import BrowserClient

ICIC = "icic-2023-lived-experience-roles.toml"

# Marks follow from what a test uses (fixtures used through other fixtures count): a browser is
# a browser test, a real server process is slow. Tests that are slow for other reasons say so.
BROWSER_FIXTURES = frozenset({"browser", "contexts", "playwright"})
SERVER_FIXTURES = frozenset({"live_server", "server_control"})
# Whole files that take seconds per test (measured): they start the commands or a server as
# processes, upgrade databases, fuzz, plan big rooms or harvest with the embeddings.
SLOW_FILES = frozenset({
    "tests/web/test_cli.py",  # `cafe serve`, `cafe demo` and `cafe import` as processes
    "tests/integration/test_rotation_cli.py",  # the command as a process, big plans
    "tests/integration/test_harvest_cli.py",  # the command as a process, with the embeddings
    "tests/integration/test_migrations_upgrade.py",  # real schema upgrades of old database files
    "tests/integration/test_harvest_extras.py",  # whole-café harvests with the embeddings
    "tests/safety/test_safety_fuzz.py",  # hypothesis against every event and form
    "tests/safety/test_safety_rules_logs.py",  # a verbose real server
    "tests/safety/test_safety_privacy_words.py",  # every report of a harvested café, both groupings
    "tests/unit/test_planner_spread.py",  # rooms of up to 60 planned several times over
    "tests/unit/test_planner_designs.py",  # re-planning against designs and histories
    "tests/web/test_harvest_feedback.py",  # each test plays a café through to its harvest
    "tests/safety/test_safety_input_import.py",  # each case exports a whole café and imports it again
})
# Single tests that are slow in an otherwise quick file.
SLOW_TESTS = frozenset({
    "tests/unit/test_curation.py::test_any_sequence_of_edits_keeps_every_insight_exactly_once",  # hypothesis
    "tests/safety/test_safety_input_text.py::test_cleaned_text_is_safe_for_every_file_and_cleaning_again_changes_nothing",
    "tests/integration/test_services.py::test_import_service_creates_a_new_cafe_with_the_same_content",
    "tests/integration/test_services.py::test_cafe_import_command_creates_a_new_cafe_with_the_same_insights_handovers_and_participants",
    "tests/integration/test_services.py::test_cafe_import_into_the_database_the_cafe_came_from_creates_a_second_cafe",
})


@pytest.hookimpl(tryfirst=True)  # before -m deselects by these marks
def pytest_collection_modifyitems(config, items):
    """Mark browser and real-server tests, so `-m "not browser and not slow"` leaves them out."""
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if used & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
        path = item.nodeid.split("::", 1)[0]
        if used & SERVER_FIXTURES or path in SLOW_FILES or item.nodeid.split("[", 1)[0] in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)


def _test_app(database: Path):
    return create_app({
        "TESTING": True,
        "ASYNC_MODE": "threading",
        "DATABASE_URL": f"sqlite:///{database}",
        "PUBLIC_URL": "http://cafe.test",
    })


@pytest.fixture(scope="session")
def schema_template(tmp_path_factory) -> Path:
    """A SQLite file at the newest schema, made once: each test's database starts as a copy of it
    (a tenth of the time of building the schema again; the app finds it at head and leaves it)."""
    path = tmp_path_factory.mktemp("schema") / "cafe.sqlite3"
    _test_app(path).extensions["cafe_db"].engine.dispose()
    return path


@pytest.fixture
def app(tmp_path, schema_template):
    database = tmp_path / "cafe.sqlite3"
    shutil.copyfile(schema_template, database)
    app = _test_app(database)
    app.test_client_class = BrowserClient
    yield app
    app.extensions["cafe_db"].engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Phone:
    """A participant's phone: joined over HTTP (cookie), connected over Socket.IO."""

    def __init__(self, app, code: str, name: str = "", perspective: str = "") -> None:
        self.http = BrowserClient(app, app.response_class, use_cookies=True)
        response = self.http.post(f"/j/{code}", data={"name": name, "perspective": perspective})
        assert response.status_code == 303, response.get_data(as_text=True)
        self.code = code
        self.socket = socketio.test_client(app, flask_test_client=self.http, auth={"role": "participant", "code": code})
        assert self.socket.is_connected()

    def emit(self, event: str, payload=None) -> dict:
        return self.socket.emit(event, payload if payload is not None else {}, callback=True)

    def state(self) -> dict:
        reply = self.emit("sync")
        assert reply["ok"], reply
        return reply["state"]

    def received(self, name: str | None = None) -> list:
        messages = self.socket.get_received()
        return [m for m in messages if name is None or m["name"] == name]


class Facilitator:
    """The laptop that created the café through the /new form."""

    def __init__(self, app, plan: str = ICIC, plan_file: str | None = None) -> None:
        self.app = app
        self.http = BrowserClient(app, app.response_class, use_cookies=True)
        if plan_file is None:
            response = self.http.post("/new", data={"plan": plan})
        else:  # an uploaded plan file's text
            response = self.http.post("/new", data={"plan_file": (io.BytesIO(plan_file.encode()), "plan.toml")},
                                      content_type="multipart/form-data")
        assert response.status_code == 303, response.get_data(as_text=True)
        self.host_link = response.headers["Location"]
        self.host_token = self.host_link.rsplit("/", 1)[1]
        page = self.http.get(self.host_link).get_data(as_text=True)
        self.code = re.search(r'"code": "(\w+)"', page).group(1)
        self.socket = socketio.test_client(app, flask_test_client=self.http, auth={"role": "facilitator", "host_token": self.host_token})
        assert self.socket.is_connected()

    def emit(self, event: str, payload=None) -> dict:
        return self.socket.emit(event, payload if payload is not None else {}, callback=True)

    def do(self, event: str, payload=None) -> dict:
        reply = self.emit(event, payload)
        assert reply["ok"], reply
        return reply

    def state(self) -> dict:
        return self.do("sync")["state"]

    def join(self, count: int, perspectives: tuple[str, ...] = ("",)) -> list[Phone]:
        return [Phone(self.app, self.code, f"P{i}", perspectives[i % len(perspectives)]) for i in range(count)]

    def received(self, name: str | None = None) -> list:
        return [m for m in self.socket.get_received() if name is None or m["name"] == name]

    def play_on_to_harvest(self) -> None:
        """From a running first round of a three-round plan, through the others, into the harvest."""
        for _ in range(2):
            self.do("next_round")
            self.do("start_round")
        self.do("start_harvest")


@pytest.fixture
def facilitator(app) -> Iterator[Facilitator]:
    yield Facilitator(app)


@pytest.fixture(scope="session")
def actions():
    """The helper classes, for fixtures that outlive one test's `app` (a café shared by a module)."""
    return SimpleNamespace(Facilitator=Facilitator, Phone=Phone)

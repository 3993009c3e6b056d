"""The `cafe` command as a user runs it: serve in every async mode, demo, import, check-plan."""
from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import requests
import socketio
from services import post_form

REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "CAFE_DATABASE_URL": f"sqlite:///{tmp_path / 'cafe.sqlite3'}",
           "CAFE_INSTANCE_PATH": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    env.pop("CAFE_PUBLIC_URL", None)
    return env


class Server:
    """`python -m cafe <command>` on a free loopback port, stopped by its own PID."""

    def __init__(self, tmp_path: Path, *args: str) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = tmp_path / f"server-{self.port}.log"
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "cafe", *args, "--host", "127.0.0.1", "--port", str(self.port)],
                cwd=REPO, env=_env(tmp_path), stdout=log, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if urllib.request.urlopen(self.base + "/healthz", timeout=1).read() == b"ok":
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        pytest.fail("server did not start:\n" + self.output())

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


@pytest.mark.parametrize("mode", ["eventlet", "gevent", "threading"])
def test_serve_runs_in_every_async_mode_and_prints_where_to_go(tmp_path, mode):
    server = Server(tmp_path, "serve", "--async-mode", mode)
    try:
        text = server.output()
        assert f"Facilitator: http://127.0.0.1:{server.port}/new" in text
        assert f"Participants join at: http://127.0.0.1:{server.port}/" in text
        assert "█" in text or "▀" in text  # the QR code, drawn in the terminal
        page = urllib.request.urlopen(server.base + "/new").read().decode()
        assert "icic-2023-lived-experience-roles.toml" in page
        # a café made through the form, and its dashboard live over a websocket on this server
        laptop = requests.Session()
        made = post_form(laptop, server.base + "/new", {"plan": "icic-2023-lived-experience-roles.toml"},
                         allow_redirects=False, timeout=10)
        assert made.status_code == 303, made.text
        client = socketio.Client()
        client.connect(server.base, auth={"role": "facilitator", "host_token": made.headers["Location"].rsplit("/", 1)[1]},
                       transports=["websocket"], wait_timeout=10)
        try:
            assert client.call("sync", {}, timeout=10)["state"]["cafe"]["status"] == "ready"
        finally:
            client.disconnect()
    finally:
        server.stop()


def test_async_mode_can_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("CAFE_ASYNC_MODE", "threading")
    server = Server(tmp_path, "serve")
    try:
        assert "Werkzeug" in urllib.request.urlopen(server.base + "/healthz").headers.get("Server", "")
    finally:
        server.stop()


def test_demo_runs_a_live_cafe_with_simulated_people_posting(tmp_path):
    server = Server(tmp_path, "demo", "--people", "8")
    try:
        text = server.output()
        dashboard = re.search(r"Facilitator: (\S+/f/(\S+))", text)
        assert dashboard, text
        assert re.search(r"Projector: \S+/w/\w+", text)
        posted = []
        client = socketio.Client()
        client.on("insight_posted", posted.append)
        client.connect(server.base, auth={"role": "facilitator", "host_token": dashboard.group(2)}, transports=["websocket"])
        try:
            state = client.call("sync", {}, timeout=10)["state"]
            assert state["cafe"]["status"] == "running"
            assert len(state["participants"]) == 8
            deadline = time.monotonic() + 20
            while not posted and time.monotonic() < deadline:
                time.sleep(0.2)
            assert posted, "no simulated insight arrived within 20 s"
        finally:
            client.disconnect()
    finally:
        server.stop()


def _cafe(tmp_path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cafe", *args], cwd=REPO, env=_env(tmp_path), input=stdin,
                          capture_output=True, text=True, timeout=60)


def test_check_plan_names_file_line_and_field(tmp_path):
    good = _cafe(tmp_path, "check-plan", str(REPO / "sessions" / "icic-2023-lived-experience-roles.toml"))
    assert good.returncode == 0 and "ok" in good.stdout
    bad = tmp_path / "broken.toml"
    bad.write_text('title = "x"\nrounds = 3\nround_minutes = 10\ntable_size = 40\ntheme_mode = "rotate"\n'
                   '[[themes]]\nname = "A"\nquestion = "Q?"\n')
    result = _cafe(tmp_path, "check-plan", str(bad))
    assert result.returncode == 2
    assert "broken.toml:4:" in result.stderr and "table_size" in result.stderr


def test_import_reads_back_an_export_as_a_new_cafe(tmp_path, app, facilitator):
    import uuid

    phones = facilitator.join(6, ("lived_experience", ""))
    facilitator.do("start_round")
    assert phones[0].emit("post_insight", {"id": str(uuid.uuid4()), "text": "Pay people for their time"})["ok"]
    facilitator.do("end_round")
    exported = facilitator.http.get(facilitator.host_link + "/export.json").get_json()
    path = tmp_path / "export.json"
    path.write_text(json.dumps(exported))

    result = _cafe(tmp_path, "import", str(path), "--public-url", "http://cafe.test")
    assert result.returncode == 0, result.stderr
    host_link = re.search(r"http://cafe.test(/f/\S+)", result.stdout).group(1)
    again = facilitator.http.get(host_link + "/export.json").get_json()
    assert again["cafe"]["code"] != exported["cafe"]["code"]
    assert [i["text"] for i in again["insights"]] == ["Pay people for their time"]
    assert len(again["participants"]) == 6
    assert again["seats"] and len(again["seats"]) == len(exported["seats"])


def test_import_refuses_a_file_that_is_not_an_export(tmp_path):
    junk = tmp_path / "junk.json"
    junk.write_text(json.dumps({"hello": "world"}))
    result = _cafe(tmp_path, "import", str(junk))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "cafe-export/1" in result.stderr
    missing = _cafe(tmp_path, "import", str(tmp_path / "nope.json"))
    assert missing.returncode == 2 and "nope.json" in missing.stderr

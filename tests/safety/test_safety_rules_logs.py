"""Issue 9, item 6: the real server run with --verbose logs no host token, participant token or
cookie, and a flood of malformed engine.io traffic leaves a bounded number of log lines."""
from __future__ import annotations

import subprocess
import sys

import requests
from live import REPO, LiveServer, _healthy, free_port, stop_server
from services import clean_env, post_form, wait_for

PLAN = "icic-2023-lived-experience-roles.toml"


def test_a_verbose_server_logs_no_secret_and_no_flood(tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "server.log"
    env = clean_env(CAFE_DATABASE_URL=f"sqlite:///{tmp_path / 'cafe.sqlite3'}", CAFE_INSTANCE_PATH=str(tmp_path),
                    PYTHONUNBUFFERED="1")
    command = [sys.executable, "-m", "cafe", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--public-url", base, "--verbose"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
    try:
        wait_for(lambda: process.poll() is not None or _healthy(base), timeout=30,
                 message=lambda: log_path.read_text(errors="replace"))
        assert process.poll() is None, log_path.read_text(errors="replace")
        laptop = requests.Session()
        created = post_form(laptop, f"{base}/new", {"plan": PLAN}, allow_redirects=False, timeout=10)
        assert created.status_code == 303
        host_link = created.headers["Location"]
        host_token = host_link.rsplit("/", 1)[1]
        assert laptop.get(base + host_link if host_link.startswith("/") else host_link, timeout=10).status_code == 200
        # Malformed engine.io traffic, many times over: each is refused, the log stays short.
        before = len(log_path.read_text(errors="replace").splitlines())
        for _ in range(100):
            handshake = requests.get(f"{base}/socket.io/?EIO=4&transport=polling", timeout=10).text
            sid = handshake.split('"sid":"')[1].split('"')[0]
            for garbage in (b"4\xff\xfe[[[[", b"42[\"post_insight\",{{{{"):
                requests.post(f"{base}/socket.io/?EIO=4&transport=polling&sid={sid}", data=garbage, timeout=10)
        wait_for(lambda: "socket.io" in log_path.read_text(errors="replace"), timeout=10)
        text = log_path.read_text(errors="replace")
        # Log records (not the lines of their tracebacks) other than the access lines.
        flood = [line for line in text.splitlines()[before:] if line[:2].isdigit() and "cafe.access" not in line]
        assert host_token not in text
        assert laptop.cookies.get("session") not in text
        assert "/f/[redacted]" in text
        # Every request has its access line (that is what --verbose asks for); what the engine says
        # about 200 malformed packets stays a handful of lines.
        assert len(flood) < 40, "\n".join(flood[:50])
    finally:
        stop_server(LiveServer(base, process, log_path))

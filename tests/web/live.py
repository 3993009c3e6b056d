"""The real-browser tests' machinery: the real server (eventlet, `cafe serve`) in its own
process, so eventlet's monkey-patching never reaches pytest, and Debian's headless Chromium
driven by Playwright's sync API."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
STARTUP_TIMEOUT_S = 20.0
REPO = Path(__file__).resolve().parents[2]


@dataclass
class LiveServer:
    """A running `cafe serve` process and where to reach it."""

    base_url: str
    process: subprocess.Popen
    log_path: Path

    def url(self, path: str) -> str:
        return self.base_url + path

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])


def free_port() -> int:
    """A port nobody listens on right now (the tiny race with other processes is acceptable)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _healthy(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(base_url + "/healthz", timeout=1) as response:
            return response.status == 200 and response.read().decode().strip() == "ok"
    except (OSError, urllib.error.URLError):
        return False


def start_server(workdir: Path) -> LiveServer:
    """Start `python -m cafe serve` on a free 127.0.0.1 port and wait for /healthz."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    env.update({
        "CAFE_DATABASE_URL": f"sqlite:///{workdir / 'cafe.sqlite3'}",
        "CAFE_INSTANCE_PATH": str(workdir),
        "PYTHONUNBUFFERED": "1",
    })
    env.pop("CAFE_PUBLIC_URL", None)
    log_path = workdir / "server.log"
    command = [sys.executable, "-m", "cafe", "serve", "--host", "127.0.0.1", "--port", str(port), "--public-url", base_url]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    server = LiveServer(base_url, process, log_path)
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"cafe serve exited with {process.returncode} before answering:\n{server.log_tail()}")
        if _healthy(base_url):
            return server
        time.sleep(0.2)
    stop_server(server)
    pytest.fail(f"cafe serve did not answer /healthz within {STARTUP_TIMEOUT_S:.0f} s:\n{server.log_tail()}")


def stop_server(server: LiveServer) -> None:
    """Stop the server we started, by its own PID: terminate, then kill after 5 s."""
    process = server.process
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    server = start_server(tmp_path_factory.mktemp("live"))
    try:
        yield server
    finally:
        stop_server(server)


@pytest.fixture
def server_control():
    """(start_server, stop_server) for a test that checks the process itself."""
    return start_server, stop_server


@pytest.fixture(scope="session")
def playwright():
    from playwright.sync_api import sync_playwright

    manager = sync_playwright().start()
    try:
        yield manager
    finally:
        manager.stop()


@pytest.fixture(scope="session")
def browser(playwright):
    if not Path(CHROMIUM).exists():
        # Never a skip: the project's setup script installs Debian's chromium, so this is a broken setup.
        pytest.fail(f"{CHROMIUM} is missing; install Debian's chromium package (the setup script does).")
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def contexts(browser, playwright, live_server):
    """Makers of a laptop, a projector and phone contexts; all closed after the test."""
    made = []

    class Contexts:
        def laptop(self):
            return self._new(viewport={"width": 1366, "height": 800}, accept_downloads=True)

        def projector(self):
            return self._new(viewport={"width": 1920, "height": 1080})

        def phone(self):
            return self._new(**playwright.devices["Pixel 7"])

        def _new(self, **options):
            context = browser.new_context(base_url=live_server.base_url, **options)
            context.set_default_timeout(10_000)
            made.append(context)
            return context

    yield Contexts()
    for context in made:
        context.close()

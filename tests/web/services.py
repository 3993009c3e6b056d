"""Real services for the scale-out tests: PostgreSQL, Redis and `cafe serve` processes, each on
127.0.0.1 and a free port, each stopped by its own PID.

Missing binaries are a broken setup, never a reason to skip: `scripts/setup.sh --test` installs them.
"""
from __future__ import annotations

import glob
import re
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
import contextlib

REPO = Path(__file__).resolve().parents[2]
SETUP_HINT = "scripts/setup.sh --test installs redis-server and postgresql (Debian packages)"
# Settings a developer's shell may carry that would point a test server somewhere else.
_FOREIGN_ENV = ("CAFE_DATABASE_URL", "DATABASE_URL", "CAFE_MESSAGE_QUEUE", "REDIS_URL", "CAFE_PUBLIC_URL",
                "CAFE_ASYNC_MODE", "CAFE_INSTANCE_PATH", "PORT", "CAFE_HOST")


def free_port() -> int:
    """A port nobody listens on right now (the tiny race with other processes is acceptable)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without settings that would point cafe elsewhere, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if k not in _FOREIGN_ENV}
    env.update(extra)
    return env


def wait_for(condition, timeout: float = 10.0, interval: float = 0.05, message=lambda: "condition"):
    """Poll `condition` until it returns something truthy; fail the test after `timeout` seconds.
    `message` is a string or a callable (so a log is read only when it is needed)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {message() if callable(message) else message}")
        time.sleep(interval)


def _stop(process: subprocess.Popen, sig: int = signal.SIGTERM, grace: float = 5.0) -> None:
    """Signal one process we started and reap it; SIGKILL if it does not go in time."""
    if process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


class Redis:
    """`redis-server` without persistence on a free loopback port."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail(f"redis-server is not installed; {SETUP_HINT}")
        self.folder = Path(tempfile.mkdtemp(prefix="cafe-redis-"))
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = self.folder / "redis.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no",
                 "--dir", str(self.folder)],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )
        try:
            wait_for(self._ready, timeout=10, message=lambda: f"redis-server on port {self.port}:\n{_tail(self.log)}")
        except BaseException:
            self.stop()
            raise

    def _ready(self) -> bool:
        import redis

        if self.process.poll() is not None:
            pytest.fail(f"redis-server exited with {self.process.returncode}:\n{_tail(self.log)}")
        try:
            client = redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=1)
            try:
                return bool(client.ping())
            finally:
                client.close()
        except redis.RedisError:
            return False

    def stop(self) -> None:
        _stop(self.process)
        shutil.rmtree(self.folder, ignore_errors=True)


class Postgres:
    """A throwaway PostgreSQL cluster run as the `postgres` user (it refuses root), trusting
    loopback connections, with its socket in its own folder."""

    def __init__(self) -> None:
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=lambda p: int(Path(p).parts[-3]))
        if not bins or shutil.which("runuser") is None:
            pytest.fail(f"PostgreSQL server binaries are missing (/usr/lib/postgresql/*/bin); {SETUP_HINT}")
        self.bin = Path(bins[-1]).parent
        # pytest's tmp folders are not reachable by the postgres user; a mkdtemp folder handed over is.
        self.folder = Path(tempfile.mkdtemp(prefix="cafe-pg-"))
        shutil.chown(self.folder, user="postgres", group="postgres")
        self.data = self.folder / "data"
        self.port = free_port()
        self.log = self.folder / "postgres.log"
        self.process: subprocess.Popen | None = None
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def _as_postgres(self, *command: str) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *command]

    def _start(self) -> None:
        init = subprocess.run(
            self._as_postgres(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                              "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"),
            capture_output=True, text=True, timeout=60,
        )
        if init.returncode != 0:
            pytest.fail(f"initdb failed:\n{init.stdout}\n{init.stderr}")
        with self.log.open("wb") as log:
            # Speed over durability: the cluster is thrown away after the tests.
            self.process = subprocess.Popen(
                self._as_postgres(str(self.bin / "postgres"), "-D", str(self.data), "-p", str(self.port),
                                  "-c", "listen_addresses=127.0.0.1", "-k", str(self.folder),
                                  "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                                  # A zone far from UTC, as a hosted database may have: stored times must still read as UTC.
                                  "-c", "TimeZone=Pacific/Chatham"),
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )
        wait_for(self._ready, timeout=20, message=lambda: f"PostgreSQL on port {self.port}:\n{_tail(self.log)}")

    def _ready(self) -> bool:
        import psycopg

        if self.process is not None and self.process.poll() is not None:
            pytest.fail(f"postgres exited with {self.process.returncode}:\n{_tail(self.log)}")
        try:
            with psycopg.connect(self.url("postgres"), connect_timeout=2) as connection:
                connection.execute("SELECT 1")
            return True
        except psycopg.OperationalError:
            return False

    def url(self, database: str) -> str:
        """The URL a user would put in DATABASE_URL (config adds the psycopg driver)."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A new, empty database; returns its URL."""
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def _postmaster_pid(self) -> int | None:
        try:
            return int((self.data / "postmaster.pid").read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return None

    def stop(self) -> None:
        """Fast shutdown of the postmaster (runuser's child) by its PID, then reap runuser."""
        if self.process is not None and self.process.poll() is None:
            pid = self._postmaster_pid()
            if pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                if pid is not None:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                _stop(self.process, signal.SIGKILL)
        shutil.rmtree(self.folder, ignore_errors=True)


class CafeServer:
    """`python -m cafe serve` (eventlet) on a given or free loopback port, with its own settings."""

    def __init__(self, workdir: Path, env: dict[str, str], port: int | None = None, name: str = "cafe") -> None:
        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.workdir = workdir
        self.log = workdir / f"{name}-{self.port}.log"
        full_env = clean_env(CAFE_INSTANCE_PATH=str(workdir), PYTHONUNBUFFERED="1", **env)
        command = [sys.executable, "-m", "cafe", "serve", "--host", "127.0.0.1", "--port", str(self.port),
                   "--public-url", self.base_url]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, cwd=REPO, env=full_env, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL)

    def url(self, path: str) -> str:
        return self.base_url + path

    def output(self) -> str:
        return _tail(self.log, 80)

    def _healthy(self) -> bool:
        if self.process.poll() is not None:
            pytest.fail(f"cafe serve exited with {self.process.returncode} before answering:\n{self.output()}")
        try:
            with urllib.request.urlopen(self.url("/healthz"), timeout=1) as response:
                return response.status == 200 and response.read().strip() == b"ok"
        except OSError:
            return False

    def wait_ready(self, timeout: float = 20.0) -> CafeServer:
        wait_for(self._healthy, timeout=timeout, interval=0.1, message=lambda: f"cafe serve on {self.base_url}:\n{self.output()}")
        return self

    def stop(self) -> None:
        _stop(self.process)


CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def post_form(client, url: str, form: dict, **options):
    """POST a form as a browser does, from a page it loaded first (so with that page's CSRF token,
    which is bound to the session cookie the GET set). `client` is a Playwright APIRequestContext
    (keyword `form`) or a requests.Session (keyword `data`); `url` is the form's address."""
    base = url.split("/j/")[0].split("/new")[0]
    if hasattr(client, "mount"):  # requests.Session
        page = client.get(f"{base}/new", timeout=10).text
        return client.post(url, data={**form, "csrf_token": CSRF_FIELD.search(page).group(1)}, **options)
    page = client.get(f"{base}/new").text()
    return client.post(url, form={**form, "csrf_token": CSRF_FIELD.search(page).group(1)}, **options)

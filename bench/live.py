"""Live café benchmark: a real `cafe serve` (eventlet) on 127.0.0.1 and a room of phones.

Starts the server as a subprocess on a free port with a fresh SQLite file, creates the ICIC café,
joins N phones over HTTP, connects each with python-socketio, starts round 1, then every phone
posts M insights. Prints the post acknowledgement latency and the time until the dashboard
received each insight (p50/p95/max), the throughput, how long starting round 1 takes (it plans
the whole café), how long until every phone has its new seat after a round change and the
harvest after it starts (with the size of a phone's state then), and the server's memory.

    .venv/bin/python bench/live.py [--phones 60] [--posts 5]
"""
from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import socketio

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(tmp: str, port: int, command: list[str] | None = None, env: dict[str, str] | None = None) -> subprocess.Popen:
    """`cafe serve` (or `command`, another server that answers /healthz) on 127.0.0.1:port; `env`
    overrides the settings (by default a fresh SQLite file in `tmp`)."""
    env = {**os.environ, "CAFE_DATABASE_URL": f"sqlite:///{tmp}/cafe.sqlite3", "CAFE_INSTANCE_PATH": tmp, **(env or {})}
    log = open(Path(tmp) / f"server-{port}.log", "w")  # noqa: SIM115  (the server writes to it for its whole life)
    proc = subprocess.Popen(
        command or [sys.executable, "-m", "cafe", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    for _ in range(200):
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read() == b"ok":
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("server did not start")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def post_form(base: str, path: str, data: dict) -> tuple[str, str]:
    """POST a form from the page that shows it, as a browser does (so with its CSRF token);
    returns (Location, cookie header)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(NoRedirect, urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + path).read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    try:
        opener.open(base + path, data=urllib.parse.urlencode({**data, "csrf_token": token}).encode())
    except urllib.error.HTTPError as response:  # 303 arrives as an "error" without redirects
        location = response.headers["Location"]
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
    return location, cookies


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:  # noqa: C901  (one benchmark scenario, read top to bottom)
    parser = argparse.ArgumentParser()
    parser.add_argument("--phones", type=int, default=60)
    parser.add_argument("--posts", type=int, default=5)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="cafe-bench-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(tmp, port)
    clients: list[socketio.Client] = []
    try:
        host_link, _ = post_form(base, "/new", {"plan": "icic-2023-lived-experience-roles.toml"})
        token = host_link.rsplit("/", 1)[1]
        page = urllib.request.urlopen(base + f"/f/{token}").read().decode()
        code = re.search(r'"code": "(\w+)"', page).group(1)

        seen: dict[str, float] = {}
        all_seen = threading.Event()
        total = args.phones * args.posts
        dashboard = socketio.Client()

        @dashboard.on("insight_posted")
        def on_posted(data):
            seen.setdefault(data["id"], time.perf_counter())
            if len(seen) >= total:
                all_seen.set()

        dashboard.connect(base, auth={"role": "facilitator", "host_token": token}, transports=["websocket"])
        clients.append(dashboard)
        t0 = time.perf_counter()
        for i in range(args.phones):
            _, cookie = post_form(base, f"/j/{code}", {"name": f"P{i}", "perspective": "lived_experience" if i % 3 == 0 else ""})
            phone = socketio.Client()
            phone.connect(base, headers={"Cookie": cookie}, auth={"role": "participant", "code": code}, transports=["websocket"])
            clients.append(phone)
        joined_s = time.perf_counter() - t0
        t_start = time.perf_counter()
        assert dashboard.call("start_round", {}, timeout=30)["ok"]
        start_round_s = time.perf_counter() - t_start  # balances tables and plans every later round

        acks: list[float] = []
        sent: dict[str, float] = {}
        lock = threading.Lock()

        def run(phone: socketio.Client) -> None:
            for n in range(args.posts):
                insight_id = str(uuid.uuid4())
                start = time.perf_counter()
                with lock:
                    sent[insight_id] = start
                reply = phone.call("post_insight", {"id": insight_id, "text": f"Insight {n}: people must be heard"}, timeout=30)
                assert reply["ok"], reply
                with lock:
                    acks.append(time.perf_counter() - start)

        t1 = time.perf_counter()
        threads = [threading.Thread(target=run, args=(c,)) for c in clients[1:]]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        all_seen.wait(30)
        elapsed = time.perf_counter() - t1
        delivery = [seen[i] - sent[i] for i in sent if i in seen]

        def fmt(values: list[float]) -> str:
            ordered = sorted(values)
            p95 = ordered[int(0.95 * (len(ordered) - 1))]
            return f"p50 {statistics.median(ordered) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms"

        # One post at a time, as in a real room: what a single phone waits for.
        quiet_acks: list[float] = []
        for n in range(50):
            start = time.perf_counter()
            assert clients[1 + n % args.phones].call("post_insight", {"id": str(uuid.uuid4()), "text": "one at a time"}, timeout=10)["ok"]
            quiet_acks.append(time.perf_counter() - start)

        # A round change, then the harvest: every phone hears cafe_changed and syncs at once.
        synced: list[float] = []
        sizes: list[int] = []
        done = threading.Event()
        change = {"at": 0.0}

        def resync(phone: socketio.Client, started: float) -> None:
            reply = phone.call("sync", {}, timeout=60)
            assert reply["ok"]
            with lock:
                synced.append(time.perf_counter() - started)
                sizes.append(len(json.dumps(reply["state"])))
                if len(synced) == args.phones:
                    done.set()

        for phone in clients[1:]:
            phone.on("cafe_changed", lambda _data, p=phone: threading.Thread(target=resync, args=(p, change["at"])).start())

        def everyone_resyncs(event: str) -> list[float]:
            synced.clear()
            sizes.clear()
            done.clear()
            change["at"] = time.perf_counter()
            assert dashboard.call(event, {}, timeout=60)["ok"]
            done.wait(120)
            return list(synced)

        next_round = everyone_resyncs("next_round")
        for event in ("start_round", "next_round", "start_round"):
            everyone_resyncs(event)
        harvest = everyone_resyncs("start_harvest")
        harvest_kb = statistics.median(sizes) / 1024 if sizes else 0.0

        print(f"phones joined and connected: {args.phones} in {joined_s:.1f} s")
        print(f"insights posted: {len(acks)} of {total}, dashboard received {len(delivery)}")
        print(f"post acknowledgement: {fmt(acks)}")
        print(f"post -> dashboard:    {fmt(delivery)}")
        print(f"throughput: {len(acks) / elapsed:.0f} posts/s while {args.phones} phones post at once")
        print(f"single post in a quiet room (50 posts): {fmt(quiet_acks)}")
        print(f"start round 1 (balance tables, plan every later round): {start_round_s * 1000:.0f} ms")
        print(f"next round -> every phone has its new seat: {len(next_round)} phones, {fmt(next_round)}")
        print(f"harvest -> every phone has the harvest: {len(harvest)} phones, {fmt(harvest)}, "
              f"state {harvest_kb:.0f} KB each")
        print(f"server memory (RSS): {rss_mb(server.pid):.0f} MB")
    finally:
        for c in clients:
            c.disconnect()
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()

"""What one careless or hostile sender costs everyone else, measured on a real `cafe serve`.

Starts the server (eventlet, fresh SQLite file, the shipped limits) on a free port of 127.0.0.1,
imports a harvested café of 2,000 insights (`cafe import`, before the server starts), and
creates a second café whose room of phones posts steadily all along: those phones are "the
others", and every post acknowledgement they wait for is timed. Then, one after the other:

- quiet: nothing else happens (the reference);
- the worst plan upload (`POST /new` with a 48 KB dotted key), its answer and time, and the
  server's memory before and after (bench/plan_upload.py measures the parser itself);
- flood: one phone sends `post_insight` as fast as it can from 8 threads, in a process of its own
  (a laptop of its own: its threads must not share the room clients' interpreter lock);
- sync spam: a wall does the same with `sync`;
- harvest: the dashboard of the 2,000-insight café opens (groups every theme) and downloads its
  PDF and Word reports, twice with different curation, while the others post;
- 500 joins from one address (a room behind one venue NAT) within 60 s: how many got in;
- 1,000 wrong join codes from that address: how many got an answer other than 429.

For each phase it prints the others' post acknowledgement p50/p99/max and how many were refused.
Target: p99 ≤ 300 ms for the others in every phase.

    .venv/bin/python bench/abuse.py [--phones 40] [--seconds 8]
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import socketio

sys.path.insert(0, str(Path(__file__).resolve().parent))
from live import free_port, post_form, rss_mb, start_server

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "v0" / "KXYZYS.json"  # a harvested café of the landed schema

WORDS = {
    "who": ["carers", "patients", "young people", "older people", "families", "staff", "volunteers", "peer workers"],
    "need": ["need", "want", "deserve", "ask for", "should get", "must have"],
    "what": ["evening buses", "easy-read letters", "paid roles", "training", "a seat on the board", "feedback loops",
             "plain language", "interpreters", "step-free access", "childcare", "expenses paid on the day",
             "time to prepare", "mentors", "honest answers", "shared budgets", "data they can read"],
    "why": ["so they can take part", "to be heard", "instead of token places", "to shape services",
            "before decisions are made", "to trust the process", "to stay involved", "to lead change"],
}


def sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS[part]) for part in ("who", "need", "what", "why")).capitalize()


def big_cafe(path: Path, insights: int) -> None:
    """A harvested café export with `insights` insights spread over its tables and rounds."""
    data = json.loads(FIXTURE.read_text())
    rng = random.Random(7)
    themes = {(t["round"], t["table"]): t["theme"] for t in data["round_themes"]}
    people = [p["id"] for p in data["participants"]]
    posted = data["rounds_log"][0]["started_at"]
    data["insights"] = [
        {"id": str(uuid.UUID(int=rng.getrandbits(128))), "participant_id": rng.choice(people),
         "round": (key := rng.choice(sorted(themes)))[0], "table": key[1], "theme": themes[key],
         "text": sentence(rng), "do_not_quote": n % 10 == 0, "hidden": False, "resonance": 0, "posted_at": posted}
        for n in range(insights)
    ]
    data["resonances"] = []
    data["cafe"]["code"] = "BIGBIG"
    path.write_text(json.dumps(data))


def server_env(tmp: str) -> dict[str, str]:
    return {**os.environ, "CAFE_DATABASE_URL": f"sqlite:///{tmp}/cafe.sqlite3", "CAFE_INSTANCE_PATH": tmp}


def fmt(values: list[float]) -> str:
    if not values:
        return "none"
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    return (f"p50 {statistics.median(ordered) * 1000:5.0f} ms  p99 {p99 * 1000:5.0f} ms  "
            f"max {ordered[-1] * 1000:5.0f} ms  ({len(ordered)} posts)")


class Others:
    """The room that keeps posting: one post every `every` seconds, round robin over its phones
    (each phone then posts well inside its own limit), each acknowledgement timed."""

    def __init__(self, phones: list[socketio.Client], every: float) -> None:
        self.phones, self.every = phones, every
        self.acks: list[float] = []
        self.refused = 0
        self.lock = threading.Lock()
        self.running = threading.Event()
        self.stop = threading.Event()
        self.pool = ThreadPoolExecutor(16)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _post(self, phone: socketio.Client) -> None:
        start = time.perf_counter()
        try:
            reply = phone.call("post_insight", {"id": str(uuid.uuid4()), "text": "Carers need evening buses"}, timeout=30)
        except socketio.exceptions.TimeoutError:
            reply = {"ok": False}
        with self.lock:
            if reply.get("ok"):
                self.acks.append(time.perf_counter() - start)
            else:
                self.refused += 1

    def _run(self) -> None:
        n = 0
        next_at = time.perf_counter()
        while not self.stop.is_set():
            self.running.wait()
            self.pool.submit(self._post, self.phones[n % len(self.phones)])
            n += 1
            next_at += self.every
            time.sleep(max(0.0, next_at - time.perf_counter()))

    def measure(self, name: str, action) -> dict:
        with self.lock:
            self.acks, self.refused = [], 0
        self.running.set()
        started = time.perf_counter()
        detail = action()
        elapsed = time.perf_counter() - started
        self.running.clear()
        time.sleep(0.5)  # the last posts' acknowledgements arrive
        with self.lock:
            acks, refused = list(self.acks), self.refused
        print(f"{name:<34} {fmt(acks)}  refused {refused}  ({elapsed:.1f} s){'  ' + detail if detail else ''}", flush=True)
        ordered = sorted(acks)
        return {"phase": name, "p99_ms": ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000 if acks else None,
                "refused": refused, "detail": detail}


def hammer(call, seconds: float, threads: int = 8) -> tuple[int, int]:
    """Call `call()` from `threads` threads for `seconds`; (calls, refused with rate_limited).
    A call on a connection the server closed fails at once; the client connects again by itself."""
    counts = {"calls": 0, "limited": 0}
    lock = threading.Lock()
    until = time.monotonic() + seconds

    def run() -> None:
        while time.monotonic() < until:
            try:
                reply = call()
            except (socketio.exceptions.TimeoutError, socketio.exceptions.BadNamespaceError):
                reply = {}
                time.sleep(0.01)
            with lock:
                counts["calls"] += 1
                counts["limited"] += reply.get("error") == "rate_limited"

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return counts["calls"], counts["limited"]


def attacker(base: str, auth: dict, cookie: str | None, event: str, seconds: float, out) -> None:
    """One hostile laptop, in a process of its own (as on its own machine, so that its threads do
    not take turns with the room's clients for this process's interpreter lock): connects and
    fires `event` from 8 threads for `seconds`; puts (calls, rate_limited, closed) on `out`."""
    client = socketio.Client(reconnection=False)
    closed = []
    client.on("disconnect", lambda *_: closed.append(1))
    client.connect(base, headers={"Cookie": cookie} if cookie else {}, auth=auth, transports=["websocket"], wait_timeout=60)

    def send() -> dict:
        payload = {"id": str(uuid.uuid4()), "text": "spam"} if event == "post_insight" else {}
        return client.call(event, payload, timeout=5)

    calls, limited = hammer(send, seconds)
    out.put((calls, limited, len(closed)))


def attack(base: str, auth: dict, cookie: str | None, event: str, seconds: float) -> str:
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    process = context.Process(target=attacker, args=(base, auth, cookie, event, seconds, out))
    process.start()
    calls, limited, closed = out.get(timeout=seconds + 120)
    process.join(30)
    return f"sent {calls} {event}, {limited} refused rate_limited, closed by the server {closed} times"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--phones", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=8.0, help="length of the quiet, flood and spam phases")
    parser.add_argument("--insights", type=int, default=2000)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="cafe-abuse-")
    export = Path(tmp) / "big.json"
    big_cafe(export, args.insights)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    made = subprocess.run([sys.executable, "-m", "cafe", "import", str(export), "--public-url", base],
                          cwd=ROOT, env=server_env(tmp), capture_output=True, text=True, check=True)
    big_link = next(word for word in made.stdout.split() if word.startswith(base + "/f/"))
    big_token = big_link.rsplit("/", 1)[1]
    server = start_server(tmp, port)
    clients: list[socketio.Client] = []
    try:
        host_link, _ = post_form(base, "/new", {"plan": "icic-2023-lived-experience-roles.toml"})
        token = host_link.rsplit("/", 1)[1]
        page = urllib.request.urlopen(base + f"/f/{token}").read().decode()
        code = page.split('"code": "', 1)[1][:6]
        dashboard = socketio.Client()
        dashboard.connect(base, auth={"role": "facilitator", "host_token": token}, transports=["websocket"], wait_timeout=60)
        clients.append(dashboard)
        phones = []
        cookies = []
        for i in range(args.phones + 1):
            _, cookie = post_form(base, f"/j/{code}", {"name": f"P{i}", "perspective": "lived_experience" if i % 3 == 0 else ""})
            cookies.append(cookie)
            phone = socketio.Client()
            phone.connect(base, headers={"Cookie": cookie}, auth={"role": "participant", "code": code},
                          transports=["websocket"], wait_timeout=60)
            phones.append(phone)
        clients.extend(phones)
        flooder, room = phones[0], phones[1:]
        assert dashboard.call("start_round", {}, timeout=60)["ok"]
        wall = socketio.Client()
        wall.connect(base, auth={"role": "wall", "code": code}, transports=["websocket"], wait_timeout=60)
        clients.append(wall)
        # each phone posts once every phones times every seconds: 40 phones at 0.1 s is one post per
        # phone every 4 s, inside the per-person limit (10, then one per 5 s) over these phases
        others = Others(room, every=0.1)
        results = []
        print(f"server pid {server.pid}, {args.phones} phones posting 10 insights/s between them; "
              f"RSS {rss_mb(server.pid):.0f} MB", flush=True)
        results.append(others.measure("quiet", lambda: time.sleep(args.seconds) or ""))

        def worst_upload() -> str:
            before = rss_mb(server.pid)
            text = ".".join(["a"] * (48 * 1024 // 2)) + " = 1\n"
            started = time.perf_counter()
            status = upload(base, text)
            took = time.perf_counter() - started
            time.sleep(1)
            return f"worst plan upload: HTTP {status} in {took * 1000:.0f} ms, server RSS {before:.0f} -> {rss_mb(server.pid):.0f} MB"
        results.append(others.measure("worst plan upload", worst_upload))

        flooder.disconnect()  # the flooder fires from a laptop of its own, with this phone's cookie
        results.append(others.measure("one phone floods post_insight", lambda: "flooder " + attack(
            base, {"role": "participant", "code": code}, cookies[0], "post_insight", args.seconds)))
        results.append(others.measure("the wall spams sync", lambda: "a wall " + attack(
            base, {"role": "wall", "code": code}, None, "sync", args.seconds)))

        def harvest() -> str:
            big = socketio.Client()
            big.connect(base, auth={"role": "facilitator", "host_token": big_token}, transports=["websocket"], wait_timeout=120)
            clients.append(big)
            steps = []
            started = time.perf_counter()
            state = big.call("sync", {}, timeout=120)
            assert state["ok"], state
            steps.append(f"dashboard {time.perf_counter() - started:.1f} s")
            for fmt_ in ("pdf", "docx"):
                started = time.perf_counter()
                body = urllib.request.urlopen(f"{base}/f/{big_token}/export.{fmt_}", timeout=300).read()
                steps.append(f"{fmt_} {time.perf_counter() - started:.1f} s ({len(body) // 1024} KB)")
            theme = state["state"]["harvest"]["themes"][0]
            started = time.perf_counter()
            reply = big.call("curate", {"theme": theme["theme"], "op": "set_k", "k": 3, "version": theme.get("version", 0)},
                             timeout=120)
            steps.append(f"regroup a theme {time.perf_counter() - started:.1f} s ({'ok' if reply.get('ok') else reply.get('error')})")
            started = time.perf_counter()
            urllib.request.urlopen(f"{base}/f/{big_token}/export.pdf", timeout=300).read()
            steps.append(f"pdf again {time.perf_counter() - started:.1f} s")
            return f"{args.insights} insights: " + ", ".join(steps)
        results.append(others.measure(f"harvest of {args.insights} + PDF/Word", harvest))

        others.stop.set()
        others.running.set()

        # a room behind one NAT address: every join must get in
        started = time.perf_counter()
        with ThreadPoolExecutor(8) as pool:
            outcomes = list(pool.map(lambda i: join(base, code, f"Room {i}"), range(500)))
        took = time.perf_counter() - started
        print(f"500 joins from one address: {sum(outcomes)} got in, in {took:.1f} s", flush=True)

        # then someone guesses codes from that address
        answers = {"429": 0, "other": 0}
        rng = random.Random(3)
        for _ in range(1000):
            guess = "".join(rng.choice("BCDFGHJKLMNPQRSTVWXZ") for _ in range(6))
            try:
                urllib.request.urlopen(f"{base}/j/{guess}", timeout=10).read()
                answers["other"] += 1
            except urllib.error.HTTPError as error:
                answers["429" if error.code == 429 else "other"] += 1
        print(f"1,000 wrong join codes from one address: {answers['other']} answered other than 429", flush=True)
        print(f"server RSS at the end: {rss_mb(server.pid):.0f} MB", flush=True)
        worst = max((r["p99_ms"] or 0) for r in results)
        print(f"others' worst p99 across the phases: {worst:.0f} ms (target <= 300 ms)")
    finally:
        for c in clients:
            with contextlib.suppress(Exception):  # a client the server already dropped
                c.disconnect()
        server.terminate()
        server.wait(10)


def upload(base: str, text: str) -> int:
    """POST a plan file to /new as the form does; the HTTP status."""
    import re
    import http.cookiejar
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/new").read().decode()
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{csrf}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"plan_file\"; filename=\"plan.toml\"\r\n"
            f"Content-Type: application/toml\r\n\r\n{text}\r\n--{boundary}--\r\n").encode()
    request = urllib.request.Request(base + "/new", data=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        return opener.open(request, timeout=60).status
    except urllib.error.HTTPError as error:
        return error.code


def join(base: str, code: str, name: str) -> bool:
    """One person joins through the join form; True when they reached their phone page."""
    try:
        location, _ = post_form(base, f"/j/{code}", {"name": name, "perspective": ""})
        return f"/p/{code}" in location
    except Exception:  # a refused join answers an HTTP error: it did not get in
        return False


if __name__ == "__main__":
    main()

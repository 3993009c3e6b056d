"""A crowd of phones on one server process (or several): join storm, round changes, a post burst, the harvest.

Starts a real `cafe serve` (or bench/bare.py, the baseline: `--server bare`) on a free port of
127.0.0.1 with a fresh SQLite file, creates the ICIC café through the real forms, and plays N
phones, the facilitator's dashboard and the wall with a lean Socket.IO client: Engine.IO v4 /
Socket.IO v5 frames over a plain websocket on asyncio streams (`transport=websocket` straight
away; `40` with the auth, `2` answered with `3`, `42[...]` events, `43<id>[...]` acks). Every
client follows the protocol's catch-up rule (drop what it has, `sync` once on a gap). Phones are
spread over generator processes (`--generators`, default one per 2,000 phones), whose figures are
aggregated; the dashboard, the wall and a second café run in the main process. With
`--processes 2` (up to 4) that many `cafe serve` processes share a throwaway PostgreSQL cluster
and a Redis queue, started as the scale-out tests start them; joins and phones are spread over
them in turn, the dashboard is on the first and the wall on the last, so every figure crosses
processes. Server CPU and memory are summed over the processes; bare stays one process.

Scenarios, each timed (every wait is bounded; a figure not reached prints "not within N s"):
- join storm: N phones join over HTTP (the join form with its CSRF token, 16 at a time) and
  connect (200 at a time); until all are connected and have their `state`;
- round 1 start and the next round: until 50/99/100% of phones know their new table, theme and
  deadline from what was pushed (cafe_updated and their itinerary / itinerary_changed);
- post burst: ~100 insights/s for ~20 s from random phones: ack p50/p99, every insight seen at the
  dashboard and by the other phones at its table (lost, duplicated), server CPU per post;
- harvest: with about N insights in the café the facilitator starts the harvest; until the
  dashboard has it, while a second café's phones post and their ack p99 is measured;
- server memory per phone, disconnects seen, and the generator's own CPU.

The shipped per-phone post limit and the per-address caps are raised for the run (every phone
comes from 127.0.0.1), see `SERVER_ENV`.

    .venv/bin/python bench/crowd.py [--phones 300] [--server cafe|bare] [--async-mode eventlet|gevent]
                                    [--processes 1|2] [--compare] [--json FILE]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import math
import multiprocessing
import os
import random
import re
import resource
import sys
import tempfile
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from abuse import sentence
from live import free_port, post_form, rss_mb, start_server

ROOT = Path(__file__).resolve().parents[1]
WAIT_S = 60.0
SERVER_ENV = {
    # every phone of the bench comes from one address and posts more often than a person would
    "CAFE_LIMIT_POST_INSIGHT": "100/0.05",
    "CAFE_LIMIT_CONNECTIONS_PER_ADDRESS": "50000",
    "CAFE_LIMIT_CONNECTIONS_PER_CAFE": "50000",
    "CAFE_LIMIT_ADDRESS": "1000000/0.00001",
}


def raise_nofile() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


# ---------------------------------------------------------------- the lean websocket client


class Closed(Exception):
    pass


class WebSocket:
    """RFC 6455 client, text frames only; the mask key is zero, so payloads go as they are."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int, path: str, cookie: str = "") -> WebSocket:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        key = "dGhlIHNhbXBsZSBub25jZQ=="
        head = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nOrigin: http://127.0.0.1:{port}\r\n")
        if cookie:
            head += f"Cookie: {cookie}\r\n"
        writer.write((head + "\r\n").encode())
        answer = await reader.readuntil(b"\r\n\r\n")
        if not answer.startswith(b"HTTP/1.1 101"):
            writer.close()
            raise Closed(answer.split(b"\r\n", 1)[0].decode(errors="replace"))
        return cls(reader, writer)

    def send(self, text: str) -> None:
        data = text.encode()
        n = len(data)
        if n < 126:
            head = bytes((0x81, 0x80 | n))
        elif n < 65536:
            head = bytes((0x81, 0x80 | 126)) + n.to_bytes(2, "big")
        else:
            head = bytes((0x81, 0x80 | 127)) + n.to_bytes(8, "big")
        self.writer.write(head + b"\0\0\0\0" + data)

    async def recv(self) -> str:
        parts: list[bytes] = []
        while True:
            b0, b1 = await self.reader.readexactly(2)
            n = b1 & 0x7F
            if n == 126:
                n = int.from_bytes(await self.reader.readexactly(2), "big")
            elif n == 127:
                n = int.from_bytes(await self.reader.readexactly(8), "big")
            payload = await self.reader.readexactly(n) if n else b""
            opcode = b0 & 0x0F
            if opcode == 8:
                raise Closed("closed by the server")
            if opcode == 9:
                self.writer.write(bytes((0x8A, 0x80 | len(payload))) + b"\0\0\0\0" + payload)
                continue
            if opcode == 10:
                continue
            parts.append(payload)
            if b0 & 0x80:
                return b"".join(parts).decode()

    def close(self) -> None:
        self.writer.close()


class Client:
    """One Socket.IO v5 client on a websocket, following the catch-up rule of the protocol."""

    staff = False  # staff screens read their state at most once a second

    def __init__(self, stats: dict[str, int]) -> None:
        self.stats = stats
        self.ws: WebSocket | None = None
        self.acks: dict[int, asyncio.Future] = {}
        self.next_id = 0
        self.versions: dict[str, int] = {}
        self.state: dict[str, Any] | None = None
        self.connected = asyncio.Event()
        self.refused: str | None = None
        self.closing = False
        self.syncing = False
        self.sync_again = False
        self.reader_task: asyncio.Task | None = None

    async def connect(self, port: int, auth: dict[str, Any], timeout: float = WAIT_S) -> bool:
        try:
            self.ws = await asyncio.wait_for(WebSocket.open(port, "/socket.io/?EIO=4&transport=websocket"), timeout)
            opened = await asyncio.wait_for(self.ws.recv(), timeout)
            if not opened.startswith("0"):
                raise Closed(opened)
            self.ws.send("40" + json.dumps(auth))
            self.reader_task = asyncio.get_running_loop().create_task(self._read())
            await asyncio.wait_for(self.connected.wait(), timeout)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, Closed) as error:
            self.refused = self.refused or repr(error)
            return False
        return self.refused is None

    async def _read(self) -> None:
        assert self.ws is not None
        try:
            while True:
                message = await self.ws.recv()
                kind = message[:2]
                if message == "2":
                    self.ws.send("3")
                elif kind == "42":
                    name, *rest = json.loads(message[2:])
                    self._event(name, rest[0] if rest else None)
                elif kind == "43":
                    cut = message.index("[")
                    future = self.acks.pop(int(message[2:cut]), None)
                    if future is not None and not future.done():
                        reply = json.loads(message[cut:])
                        future.set_result(reply[0] if reply else None)
                elif kind == "44":
                    self.refused = message[2:]
                    self.connected.set()
                    return
                elif message.startswith("40"):
                    pass  # connected; the state follows
                elif message.startswith("41") or message == "1":
                    raise Closed("disconnected by the server")
        except (OSError, asyncio.IncompleteReadError, Closed, ValueError):
            if not self.closing:
                self.stats["disconnects"] = self.stats.get("disconnects", 0) + 1
        finally:
            for future in self.acks.values():
                if not future.done():
                    future.set_result(None)

    async def call(self, event: str, data: Any, timeout: float = WAIT_S) -> Any:
        """Emit with an ack id; the reply, or None when none came within `timeout`."""
        if self.ws is None:
            return None
        self.next_id += 1
        future = asyncio.get_running_loop().create_future()
        self.acks[self.next_id] = future
        self.ws.send(f"42{self.next_id}" + json.dumps([event, data]))
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            self.acks.pop(self.next_id, None)
            return None

    def _event(self, name: str, data: Any) -> None:
        if name == "state":
            self.take_state(data)
            self.connected.set()
            return
        stream, v = (data.get("stream"), data.get("v")) if isinstance(data, dict) else (None, None)
        gap = False
        if stream is not None and isinstance(v, int):
            have = self.versions.get(stream)
            if have is not None and v <= have:
                self.stats["dropped"] = self.stats.get("dropped", 0) + 1
                self.seen_raw(name, data)
                return
            gap = have is not None and v > have + 1
            self.versions[stream] = v
        self.seen_raw(name, data)
        self.apply(name, data)
        if gap or name == "cafe_changed":
            self.stats["gaps" if gap else "cafe_changed"] = self.stats.get("gaps" if gap else "cafe_changed", 0) + 1
            self.want_sync()

    def want_sync(self, delay: float = 0.0) -> None:
        if self.syncing:
            self.sync_again = True
            return
        self.syncing = True
        asyncio.get_running_loop().create_task(self._sync(delay))

    async def _sync(self, delay: float) -> None:
        try:
            while True:
                self.sync_again = False
                if delay:
                    await asyncio.sleep(delay)
                self.stats["syncs"] = self.stats.get("syncs", 0) + 1
                reply = await self.call("sync", {"versions": dict(list(self.versions.items())[-16:])}, WAIT_S)
                if reply and reply.get("ok"):
                    self.take_state(reply["state"])
                if not self.sync_again:
                    return
                delay = 1.0 if self.staff else 0.0
        finally:
            self.syncing = False

    def take_state(self, state: dict[str, Any]) -> None:
        self.state = state
        self.versions = dict(state.get("versions") or {})

    def seen_raw(self, name: str, data: Any) -> None:
        pass

    def apply(self, name: str, data: Any) -> None:
        pass

    def close(self) -> None:
        self.closing = True
        if self.ws is not None:
            self.ws.close()


class Phone(Client):
    def __init__(self, stats: dict[str, int], index: int, token: str) -> None:
        super().__init__(stats)
        self.index, self.token = index, token
        self.cafe: dict[str, Any] = {}
        self.itinerary: list[dict[str, Any]] = []
        self.texts: dict[str, Any] = {}
        self.known: dict[int, float] = {}  # round -> when this phone first knew its table, theme and deadline
        self.seen: dict[str, int] = {}  # insight id -> insight_posted frames received

    def take_state(self, state: dict[str, Any]) -> None:
        super().take_state(state)
        self.cafe = dict(state.get("cafe") or {})
        self.itinerary = list(state.get("itinerary") or [])
        self.texts = state.get("texts") or self.texts
        self.check()

    def seen_raw(self, name: str, data: Any) -> None:
        if name == "insight_posted":
            self.seen[data["id"]] = self.seen.get(data["id"], 0) + 1

    def apply(self, name: str, data: Any) -> None:
        if name == "cafe_updated":
            self.cafe.update(data.get("cafe") or {})
            if data.get("reason") == "harvest_started":
                asyncio.get_running_loop().create_task(self._harvest(random.uniform(0, 3)))  # the documented spread
        elif name == "itinerary_changed":
            self.itinerary = list(data.get("itinerary") or [])
        self.check()

    async def _harvest(self, delay: float) -> None:
        """The harvest alone (`harvest`), as the protocol says a phone asks for it."""
        await asyncio.sleep(delay)
        self.stats["harvest_reads"] = self.stats.get("harvest_reads", 0) + 1
        reply = await self.call("harvest", {}, WAIT_S)
        if reply and reply.get("ok") and reply.get("harvest"):
            self.stats["harvests_received"] = self.stats.get("harvests_received", 0) + 1

    def seat(self, round_no: int) -> dict[str, Any] | None:
        return next((s for s in self.itinerary if s.get("round") == round_no), None)

    def check(self) -> None:
        r = self.cafe.get("round")
        if not isinstance(r, int) or r in self.known or self.cafe.get("status") != "running" or not self.cafe.get("deadline"):
            return
        seat = self.seat(r)
        themes = (self.texts or {}).get("themes") or []
        if seat is not None and isinstance(seat.get("theme_index"), int) and seat["theme_index"] < len(themes):
            self.known[r] = time.monotonic()


class Staff(Client):
    staff = True

    def __init__(self, stats: dict[str, int]) -> None:
        super().__init__(stats)
        self.seen: dict[str, int] = {}

    def seen_raw(self, name: str, data: Any) -> None:
        if name == "insight_posted":
            self.seen[data["id"]] = self.seen.get(data["id"], 0) + 1

    def apply(self, name: str, data: Any) -> None:
        if name == "cafe_updated" and data.get("reason") in ("next_round", "harvest_started"):
            self.want_sync(1.0)


# ---------------------------------------------------------------- figures


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def quantile_times(times: list[float | None], t0: float, total: int) -> dict[str, float | None]:
    """When 50/99/100% of `total` phones knew, in seconds after t0 (None: not reached)."""
    done = sorted(t - t0 for t in times if t is not None)
    out: dict[str, float | None] = {}
    for label, q in (("50%", 0.5), ("99%", 0.99), ("100%", 1.0)):
        need = max(1, math.ceil(q * total))
        out[label] = max(0.0, done[need - 1]) if len(done) >= need else None
    return out


def cpu_ticks(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------- generator processes


async def post_schedule(phones: list[Phone], schedule: list[tuple[int, float]], start: float) -> list[dict[str, Any]]:
    """Post at the scheduled moments (seconds after `start`, a time.monotonic() instant)."""
    results: list[dict[str, Any]] = []

    async def one(phone: Phone, at: float) -> None:
        await asyncio.sleep(max(0.0, start + at - time.monotonic()))
        insight_id = str(uuid.uuid4())
        r = phone.cafe.get("round")
        seat = phone.seat(r) if isinstance(r, int) else None
        sent = time.monotonic()
        reply = await phone.call("post_insight", {"id": insight_id, "text": sentence(random.Random(insight_id))}, 30)
        ok = bool(reply and reply.get("ok"))
        results.append({"id": insight_id, "phone": phone.index, "table": (r, seat["table"] if seat else None),
                        "ack": time.monotonic() - sent if ok else None, "error": None if ok else (reply or {}).get("error", "timeout")})

    await asyncio.gather(*(one(phones[i], at) for i, at in schedule))
    return results


async def connect_all(phones: list[Phone], ports: list[int], code: str, limit: int = 200) -> list[float | None]:
    """Phone i connects to ports[i % len(ports)]: with several server processes the room is spread over them."""
    gate = asyncio.Semaphore(limit)

    async def one(phone: Phone) -> float | None:
        async with gate:
            auth = {"role": "participant", "code": code, "participant_token": phone.token}
            ok = await phone.connect(ports[phone.index % len(ports)], auth)
            return time.monotonic() if ok else None

    return list(await asyncio.gather(*(one(p) for p in phones)))


async def wait_known(phones: list[Phone], round_no: int, timeout: float) -> list[float | None]:
    end = time.monotonic() + timeout
    while time.monotonic() < end and not all(round_no in p.known for p in phones):
        await asyncio.sleep(0.05)
    return [p.known.get(round_no) for p in phones]


async def worker_loop(conn: Any, ports: list[int], code: str, tokens: list[tuple[int, str]]) -> None:
    loop = asyncio.get_running_loop()
    stats: dict[str, int] = {}
    phones = [Phone(stats, i, t) for i, t in tokens]
    local = {p.index: n for n, p in enumerate(phones)}
    while True:
        command, arg = await loop.run_in_executor(None, conn.recv)
        if command == "connect":
            reply: Any = await connect_all(phones, ports, code)
        elif command == "known":
            reply = await wait_known(phones, arg[0], arg[1])
        elif command == "post":
            reply = await post_schedule(phones, [(local[i], at) for i, at in arg[0]], arg[1])
        elif command == "seen":
            reply = [(p.index, p.seat(arg), p.seen) for p in phones]
        elif command == "stats":
            usage = resource.getrusage(resource.RUSAGE_SELF)
            reply = {**stats, "cpu_s": usage.ru_utime + usage.ru_stime, "refused": sum(p.refused is not None for p in phones)}
        else:
            for p in phones:
                p.close()
            conn.send(None)
            return
        conn.send(reply)


def worker_main(conn: Any, ports: list[int], code: str, tokens: list[tuple[int, str]]) -> None:
    raise_nofile()
    asyncio.run(worker_loop(conn, ports, code, tokens))


class Generators:
    """Phones spread over processes; `ask` sends one command to each and gathers the replies."""

    def __init__(self, count: int, ports: list[int], code: str, tokens: list[str]) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.pipes, self.procs = [], []
        for g in range(count):
            mine = [(i, t) for i, t in enumerate(tokens) if i % count == g]
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=worker_main, args=(child, ports, code, mine), daemon=True)
            proc.start()
            self.pipes.append(parent)
            self.procs.append(proc)
        self.count = count

    async def ask(self, command: str, arg: Any = None, per: list[Any] | None = None, timeout: float = WAIT_S + 30) -> list[Any]:
        loop = asyncio.get_running_loop()

        def get(pipe: Any) -> Any:
            return pipe.recv() if pipe.poll(timeout) else None

        for g, pipe in enumerate(self.pipes):
            pipe.send((command, per[g] if per is not None else arg))
        return list(await asyncio.gather(*(loop.run_in_executor(None, get, pipe) for pipe in self.pipes)))

    async def stop(self) -> None:
        await self.ask("stop", timeout=10)
        for proc in self.procs:
            proc.join(5)


# ---------------------------------------------------------------- one run


def create_cafe(base: str) -> tuple[str, str]:
    host_link, _ = post_form(base, "/new", {"plan": "icic-2023-lived-experience-roles.toml"})
    token = host_link.rsplit("/", 1)[1]
    page = urllib.request.urlopen(base + f"/f/{token}").read().decode()
    match = re.search(r'"code": "(\w+)"', page)
    assert match, "no café code on the dashboard"
    return token, match.group(1)


def join(base: str, code: str, i: int) -> str | None:
    try:
        _, cookies = post_form(base, f"/j/{code}", {"name": f"P{i}", "perspective": "lived_experience" if i % 3 == 0 else ""})
    except Exception:  # a failed join is counted, not fatal
        return None
    match = re.search(rf"cafe_{code}=([^;]+)", cookies)
    return match.group(1) if match else None


async def joins(bases: list[str], code: str, first: int, count: int) -> list[str | None]:
    """Join i goes to bases[i % len(bases)] (several processes share the room)."""
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(16) as pool:
        return list(await asyncio.gather(*(loop.run_in_executor(pool, join, bases[i % len(bases)], code, first + i)
                                           for i in range(count))))


def server_command(kind: str, mode: str, tmp: str, port: int) -> list[str] | None:
    if kind == "bare":
        return [sys.executable, str(ROOT / "bench" / "bare.py"), "--port", str(port), "--db", f"{tmp}/bare.sqlite3",
                "--async-mode", mode]
    return [sys.executable, "-m", "cafe", "serve", "--host", "127.0.0.1", "--port", str(port), "--async-mode", mode]


async def round_change(dash: Staff, gens: Generators, events: list[str], round_no: int, n: int) -> dict[str, Any]:
    t0 = time.monotonic()
    replies = [await dash.call(event, {}, WAIT_S) for event in events]
    call_s = time.monotonic() - t0
    known = [t for part in await gens.ask("known", (round_no, WAIT_S)) for t in (part or [])]
    figures: dict[str, Any] = {"facilitator_ack_s": call_s if all(r and r.get("ok") for r in replies) else None}
    figures.update({f"phones_know_{k}_s": v for k, v in quantile_times(known, t0, n).items()})
    return figures


def shared_services() -> tuple[list[Any], dict[str, str]]:
    """A throwaway PostgreSQL cluster and Redis (the scale-out tests' own), for several processes."""
    sys.path.insert(0, str(ROOT / "tests"))
    from web.services import Postgres, Redis

    started: list[Any] = [Redis()]
    started.append(Postgres())
    return started, {"CAFE_DATABASE_URL": started[1].create_database("crowd"), "CAFE_MESSAGE_QUEUE": started[0].url}


async def run(kind: str, mode: str, n: int, generators: int, burst_rate: float, burst_s: float,  # noqa: C901
              processes: int = 1) -> dict[str, Any]:
    """One room on one server process (or `processes` of them on PostgreSQL and Redis, the phones
    spread over them, the dashboard on the first, the wall on the last): every scenario in order."""
    tmp = tempfile.mkdtemp(prefix="cafe-crowd-")
    ports = [free_port() for _ in range(processes)]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    os.environ.update(SERVER_ENV)
    services, env = shared_services() if processes > 1 else ([], {})
    servers = [start_server(tmp, port, server_command(kind, mode, tmp, port), env) for port in ports]
    pids = [server.pid for server in servers]
    stats: dict[str, int] = {}
    figures: dict[str, Any] = {"server": kind, "async_mode": mode, "phones": n, "processes": processes}
    clients: list[Client] = []
    gens: Generators | None = None
    try:
        token, code = create_cafe(bases[0])
        token2, code2 = create_cafe(bases[-1])
        dash, wall = Staff(stats), Staff(stats)
        assert await dash.connect(ports[0], {"role": "facilitator", "host_token": token}), dash.refused
        assert await wall.connect(ports[-1], {"role": "wall", "code": code}), wall.refused
        clients += [dash, wall]
        # the second café: its own room, posting while the first harvests
        m = max(20, n // 20)
        tokens2 = await joins(bases, code2, 0, m)
        others = [Phone(stats, i, t) for i, t in enumerate(tokens2) if t]
        dash2 = Staff(stats)
        assert await dash2.connect(ports[0], {"role": "facilitator", "host_token": token2}), dash2.refused
        await connect_all(others, ports, code2)
        clients += [dash2, *others]
        await dash2.call("start_round", {}, WAIT_S)

        rss_before = sum(rss_mb(pid) for pid in pids)
        # join storm
        t0 = time.monotonic()
        tokens = await joins(bases, code, 0, n)
        figures["join_http_s"] = time.monotonic() - t0
        figures["joins_failed"] = sum(t is None for t in tokens)
        live_tokens = [t for t in tokens if t]
        gens = Generators(generators, ports, code, live_tokens)
        t1 = time.monotonic()
        connected = [t for part in await gens.ask("connect", timeout=WAIT_S * 3) for t in (part or [])]
        figures["connect_all_s"] = (max(t for t in connected if t) - t1) if connected and all(connected) else None
        figures["join_storm_s"] = (max(t for t in connected if t) - t0) if connected and all(connected) else None
        figures["connected"] = sum(t is not None for t in connected)
        await asyncio.sleep(1.0)
        rss_after = sum(rss_mb(pid) for pid in pids)
        figures["server_kb_per_phone"] = (rss_after - rss_before) * 1024 / max(1, figures["connected"])
        figures["server_rss_mb"] = rss_after
        phones = len(live_tokens)

        figures["round1"] = await round_change(dash, gens, ["start_round"], 1, phones)
        figures["round2"] = await round_change(dash, gens, ["next_round", "start_round"], 2, phones)

        # post burst, in round 2
        rng = random.Random(1)
        total = int(burst_rate * burst_s)
        schedule = [(rng.randrange(phones), k / burst_rate) for k in range(total)]
        per: list[list[tuple[int, float]]] = [[] for _ in range(generators)]
        for i, at in schedule:
            per[i % generators].append((i, at))
        cpu0 = sum(cpu_ticks(pid) for pid in pids)
        start = time.monotonic() + 0.5
        posted = [r for part in await gens.ask("post", per=[(p, start) for p in per], timeout=burst_s + 60) for r in (part or [])]
        cpu1 = sum(cpu_ticks(pid) for pid in pids)
        await asyncio.sleep(2.0)  # the last deliveries
        ok = [r for r in posted if r["ack"] is not None]
        acks = [r["ack"] for r in ok]
        burst: dict[str, Any] = {"posts": total, "acked": len(ok), "refused": len(posted) - len(ok),
                                 "ack_p50_ms": pct(acks, 0.5) * 1000 if acks else None,
                                 "ack_p99_ms": pct(acks, 0.99) * 1000 if acks else None,
                                 "server_cpu_ms_per_post": (cpu1 - cpu0) * 1000 / max(1, len(ok))}
        burst["dashboard_lost"] = sum(r["id"] not in dash.seen for r in ok)
        burst["dashboard_dup"] = sum(dash.seen.get(r["id"], 0) > 1 for r in ok)
        burst["wall_lost"] = sum(r["id"] not in wall.seen for r in ok)
        seen = [row for part in await gens.ask("seen", 2) for row in (part or [])]
        at_table: dict[Any, list[tuple[int, dict[str, int]]]] = {}
        for index, seat, got in seen:
            at_table.setdefault(seat["table"] if seat else None, []).append((index, got))
        expected = lost = dup = 0
        for r in ok:
            for index, got in at_table.get(r["table"][1], []):
                if index == r["phone"]:
                    continue
                expected += 1
                count = got.get(r["id"], 0)
                lost += count == 0
                dup += count > 1
        burst.update({"table_deliveries": expected, "table_lost": lost, "table_dup": dup})
        figures["burst"] = burst

        # the last round, then enough insights for the harvest (about one per phone)
        figures["round3"] = await round_change(dash, gens, ["next_round", "start_round"], 3, phones)
        more = max(0, n - len(ok))
        if more:
            fill = [(rng.randrange(phones), k / 200.0) for k in range(more)]
            per = [[] for _ in range(generators)]
            for i, at in fill:
                per[i % generators].append((i, at))
            start = time.monotonic() + 0.5
            await gens.ask("post", per=[(p, start) for p in per], timeout=more / 200 + 60)

        # harvest, while the second café posts
        harvest: dict[str, Any] = {"insights": len(dash.seen)}
        stop = asyncio.Event()
        other_acks: list[float] = []
        other_refused = 0

        async def keep_posting() -> None:
            nonlocal other_refused
            k = 0
            while not stop.is_set():
                phone = others[k % len(others)]
                k += 1
                sent = time.monotonic()
                reply = await phone.call("post_insight", {"id": str(uuid.uuid4()), "text": "Carers need evening buses"}, 30)
                if reply and reply.get("ok"):
                    other_acks.append(time.monotonic() - sent)
                else:
                    other_refused += 1
                await asyncio.sleep(max(0.0, 0.05 - (time.monotonic() - sent)))

        posting = asyncio.get_running_loop().create_task(keep_posting())
        await asyncio.sleep(2.0)  # the others' quiet reference
        quiet = list(other_acks)
        t0 = time.monotonic()
        reply = await dash.call("start_harvest", {}, WAIT_S)
        harvest["start_ack_s"] = time.monotonic() - t0 if reply and reply.get("ok") else None
        harvest["dashboard_has_harvest_s"] = None
        while reply and reply.get("ok") and time.monotonic() - t0 < WAIT_S * 2:
            state = await dash.call("sync", {}, WAIT_S)
            if state and state.get("ok") and state["state"].get("harvest"):
                harvest["dashboard_has_harvest_s"] = time.monotonic() - t0
                break
            await asyncio.sleep(1.0)
        # on past the phones' own reads of the harvest (spread over 3 s from its start)
        await asyncio.sleep(max(1.0, t0 + 4.5 - time.monotonic()))
        stop.set()
        await posting
        during = other_acks[len(quiet):]
        harvest["other_cafe_posts"] = len(during)
        harvest["other_cafe_refused"] = other_refused
        harvest["other_cafe_quiet_p99_ms"] = pct(quiet, 0.99) * 1000 if quiet else None
        harvest["other_cafe_ack_p99_ms"] = pct(during, 0.99) * 1000 if during else None
        figures["harvest"] = harvest

        worker_stats = await gens.ask("stats")
        usage = resource.getrusage(resource.RUSAGE_SELF)
        figures["generator_cpu_s"] = usage.ru_utime + usage.ru_stime + sum((w or {}).get("cpu_s", 0.0) for w in worker_stats)
        for key in ("disconnects", "gaps", "syncs", "dropped", "refused", "harvest_reads", "harvests_received"):
            figures[key] = stats.get(key, 0) + sum((w or {}).get(key, 0) for w in worker_stats)
        figures["server_alive"] = all(server.poll() is None for server in servers)
    finally:
        for c in clients:
            c.close()
        if gens is not None:
            await gens.stop()
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(10)
            except Exception:  # it would not stop in time
                server.kill()
        for service in services:
            service.stop()
    return figures


# ---------------------------------------------------------------- printing

ROWS = [
    ("join storm: HTTP joins", "join_http_s", "s"), ("join storm: connect + state", "connect_all_s", "s"),
    ("join storm: all connected and seated", "join_storm_s", "s"), ("phones connected", "connected", "n"),
    ("round 1: start_round ack", "round1.facilitator_ack_s", "s"),
    ("round 1: 50% of phones know", "round1.phones_know_50%_s", "s"), ("round 1: 99% know", "round1.phones_know_99%_s", "s"),
    ("round 1: 100% know", "round1.phones_know_100%_s", "s"),
    ("next round: next+start ack", "round2.facilitator_ack_s", "s"),
    ("next round: 50% know", "round2.phones_know_50%_s", "s"), ("next round: 99% know", "round2.phones_know_99%_s", "s"),
    ("next round: 100% know", "round2.phones_know_100%_s", "s"),
    ("burst: posts acked", "burst.acked", "n"), ("burst: refused or no ack", "burst.refused", "n"),
    ("burst: ack p50", "burst.ack_p50_ms", "ms"), ("burst: ack p99", "burst.ack_p99_ms", "ms"),
    ("burst: lost at the dashboard", "burst.dashboard_lost", "n"), ("burst: duplicated at the dashboard", "burst.dashboard_dup", "n"),
    ("burst: lost at the wall", "burst.wall_lost", "n"),
    ("burst: table deliveries expected", "burst.table_deliveries", "n"), ("burst: lost at tables", "burst.table_lost", "n"),
    ("burst: duplicated at tables", "burst.table_dup", "n"),
    ("burst: server CPU per post", "burst.server_cpu_ms_per_post", "ms"),
    ("harvest: insights in the café", "harvest.insights", "n"), ("harvest: start_harvest ack", "harvest.start_ack_s", "s"),
    ("harvest: dashboard has it", "harvest.dashboard_has_harvest_s", "s"),
    ("harvest: other café ack p99 (quiet)", "harvest.other_cafe_quiet_p99_ms", "ms"),
    ("harvest: other café ack p99 (during)", "harvest.other_cafe_ack_p99_ms", "ms"),
    ("harvest: other café posts refused", "harvest.other_cafe_refused", "n"),
    ("server memory per phone", "server_kb_per_phone", "KB"), ("server RSS with all connected", "server_rss_mb", "MB"),
    ("harvest: phones that read it", "harvests_received", "n"),
    ("disconnects seen", "disconnects", "n"), ("gaps healed by sync", "gaps", "n"), ("syncs sent", "syncs", "n"),
    ("generator CPU (all processes)", "generator_cpu_s", "s"),
]


def lookup(figures: dict[str, Any], key: str) -> Any:
    value: Any = figures
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def show(value: Any, unit: str) -> str:
    if value is None:
        return f"not within {WAIT_S:.0f} s" if unit in ("s", "ms") else "-"
    if unit == "n":
        return str(value)
    return f"{value:.2f} {unit}" if unit == "s" else f"{value:.1f} {unit}"


def table(runs: list[dict[str, Any]]) -> str:
    head = " / ".join(f"{r['server']} ({r['async_mode']}, {r['phones']} phones"
                      + (f", {r['processes']} processes)" if r.get("processes", 1) > 1 else ")") for r in runs)
    lines = [f"{'figure':40} {head}"]
    for label, key, unit in ROWS:
        values = [lookup(r, key) for r in runs]
        cells = [show(v, unit) for v in values]
        if len(runs) == 2 and isinstance(values[0], (int, float)) and isinstance(values[1], (int, float)) and values[0]:
            cells[1] += f"  (x{values[1] / values[0]:.2f})"
        lines.append(f"{label:40} " + "   ".join(f"{c:24}" for c in cells).rstrip())
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=300)
    parser.add_argument("--server", choices=("cafe", "bare"), default="cafe")
    parser.add_argument("--async-mode", choices=("eventlet", "gevent"), default="eventlet")
    parser.add_argument("--processes", type=int, choices=(1, 2, 3, 4), default=1,
                        help="cafe serve processes; more than 1 share PostgreSQL and Redis (bare stays at 1)")
    parser.add_argument("--generators", type=int, help="generator processes (default: one per 2,000 phones)")
    parser.add_argument("--rate", type=float, default=100.0, help="posts per second in the burst")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the burst")
    parser.add_argument("--compare", action="store_true", help="bare, then cafe, in one run")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()
    hard = raise_nofile()
    print(f"open files allowed: {hard} (about {hard - 100} phones per process)", flush=True)
    generators = args.generators or max(1, math.ceil(args.phones / 2000))
    runs = []
    for kind in (("bare", "cafe") if args.compare else (args.server,)):
        print(f"running {kind} ({args.async_mode}) with {args.phones} phones ...", flush=True)
        processes = args.processes if kind == "cafe" else 1
        runs.append(asyncio.run(run(kind, args.async_mode, args.phones, generators, args.rate, args.seconds, processes)))
        print(table(runs[-1:]), flush=True)
    if args.compare:
        print("\ncompared (ratio to bare):\n" + table(runs))
    if args.json:
        Path(args.json).write_text(json.dumps(runs, indent=2))


if __name__ == "__main__":
    main()

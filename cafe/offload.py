"""Costly pure work (harvest grouping, seat planning, report rendering) off the event loop.

Under eventlet or gevent every café in the process shares one loop: a 2,000-insight harvest or a
PDF that computes for seconds on it stops every phone's posts and the engine.io pings for that
long. A thread would not do: these computations are pure Python and would hold the interpreter
lock against the loop. `run` sends the call to a worker process (cafe/worker.py, started on
first use and kept), waits for it from a real OS thread, and the loop goes on serving meanwhile,
on its own core. At most `WORKERS` computations run at once, the others queue.

Budget: a job has `BUDGET_S` seconds (config OFFLOAD_BUDGET_S), its worker `CAFE_WORKER_MEMORY_MB`
of address space (2 GB); a worker over time is killed and the caller gets `OffloadFailed`; one
that runs out of memory answers MemoryError. Either way the server and its other cafés go on.

Only pure functions go through it, named by module and name (their arguments and results are
pickled): the arguments are loaded from the database on the loop first. Inside a write
transaction it computes in place: SQLite waits for its write lock in C, blocking the loop, so a
green thread that yielded while holding that lock could wait on a loop the next writer blocks.
Handlers that compute a lot therefore read and compute first (`cafe.db.reading`), then write.
Without an async server (the threaded server, tests) it simply calls the function.
"""
from __future__ import annotations

import os
import pickle
import struct
import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar
import contextlib

T = TypeVar("T")

HEADER = struct.Struct("!Q")  # the length before each pickled message between server and worker
MEMORY_ENV = "CAFE_WORKER_MEMORY_MB"

WORKERS = 2  # computations at once: one per core of the laptop this is made for
BUDGET_S = 300.0  # a 2,000-insight PDF takes ~15 s on a busy 2-core laptop
WORKER_MEMORY_MB = 2048
STARTUP_S = 60.0  # a worker starts in about a second; a machine under load may take longer


class OffloadFailed(RuntimeError):
    """The worker did not finish the job (over its time, or it died); nothing was changed."""


def _server() -> str | None:
    """'eventlet' or 'gevent' when this process runs under that green server, else None."""
    eventlet = sys.modules.get("eventlet.patcher")
    if eventlet is not None and eventlet.is_monkey_patched("thread"):
        return "eventlet"
    gevent = sys.modules.get("gevent.monkey")
    if gevent is not None and gevent.is_module_patched("threading"):
        return "gevent"
    return None


def may_not_yield() -> bool:
    """True inside a write transaction: waiting there for anything else would hold its lock."""
    from cafe.db import writing

    return writing()


def pause() -> None:
    """Let the loop serve other green threads for a moment in the middle of a long read (a big
    café's state); never inside a write transaction, whose lock must not wait on anyone."""
    if _server() is not None and not may_not_yield():
        import time

        time.sleep(0)  # green under the async servers: a yield, not a wait


def _original(module: str, name: str) -> Any:
    """The unpatched function: the worker's pipes are read from a real thread, not a green one."""
    if _server() == "eventlet":
        from eventlet import patcher

        return getattr(patcher.original(module), name)
    if _server() == "gevent":
        from gevent import monkey

        return monkey.get_original(module, name)
    return getattr(__import__(module), name)


class _Worker:
    """One `python -m cafe.worker` process and its two pipes."""

    def __init__(self) -> None:
        jobs_r, self.jobs = os.pipe()
        self.replies, replies_w = os.pipe()
        env = {**os.environ, MEMORY_ENV: str(WORKER_MEMORY_MB)}
        self.pid = os.posix_spawn(sys.executable, [sys.executable, "-m", "cafe.worker"], env, file_actions=[
            (os.POSIX_SPAWN_DUP2, jobs_r, 0), (os.POSIX_SPAWN_DUP2, replies_w, 1),
            (os.POSIX_SPAWN_CLOSE, self.jobs), (os.POSIX_SPAWN_CLOSE, self.replies),
        ])
        os.close(jobs_r)
        os.close(replies_w)
        for fd in (self.jobs, self.replies):
            os.set_inheritable(fd, False)
        self.ready = False

    def _reply(self, seconds: float, what: str) -> Any:
        """The next message from the worker, read in a real thread; OffloadFailed if none comes."""
        read, select, monotonic = _original("os", "read"), _original("select", "select"), _original("time", "monotonic")
        deadline = monotonic() + seconds

        def take(size: int) -> bytes:
            chunks, left = [], size
            while left:
                wait = deadline - monotonic()
                if wait <= 0 or not select([self.replies], [], [], wait)[0]:
                    raise OffloadFailed(f"{what} took longer than {seconds:.0f} s")
                chunk = read(self.replies, min(left, 1 << 20))
                if not chunk:
                    raise OffloadFailed("the worker stopped")
                chunks.append(chunk)
                left -= len(chunk)
            return b"".join(chunks)

        return pickle.loads(take(HEADER.unpack(take(HEADER.size))[0]))

    def call(self, message: tuple, budget: float) -> Any:
        """Send one job and wait for its reply (in a real thread)."""
        if not self.ready:
            self._reply(STARTUP_S, "starting the worker")
            self.ready = True
        write = _original("os", "write")
        body = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        data = memoryview(HEADER.pack(len(body)) + body)
        while data:
            data = data[write(self.jobs, data):]
        return self._reply(budget, "the job")

    def stop(self) -> None:
        for fd in (self.jobs, self.replies):
            with contextlib.suppress(OSError):
                os.close(fd)
        try:
            os.kill(self.pid, 9)
            _original("os", "waitpid")(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


_lock = threading.Lock()
_idle: list[_Worker] = []
_slots: Any = None


def prestart() -> None:
    """Start one worker now, under an async server, so that it has warmed up (imports, the
    embeddings) by the time the first café harvests; without one it does nothing."""
    if _server() is None:
        return
    with _lock:
        if not _idle:
            _idle.append(_Worker())


def _blocking(fn: Callable[..., T], *args: Any) -> T:
    """fn(*args) in a real OS thread, the green loop serving meanwhile."""
    if _server() == "eventlet":
        from eventlet import tpool

        return tpool.execute(fn, *args)
    import gevent

    return gevent.get_hub().threadpool.apply(fn, args)


def _budget() -> float:
    try:
        from flask import current_app

        return float(current_app.config.get("OFFLOAD_BUDGET_S", BUDGET_S))
    except RuntimeError:  # outside an app
        return BUDGET_S


def run(fn: Callable[..., T], *args: Any, language: bool = False, **kwargs: Any) -> T:
    """fn(*args, **kwargs), computed by a worker process when serving under eventlet or gevent.

    `language=True` runs it in the current request's language (a report's gettext)."""
    global _slots
    if _server() is None or may_not_yield():
        return fn(*args, **kwargs)
    locale = None
    if language:
        from flask_babel import get_locale

        locale = str(get_locale())
    message = (f"{fn.__module__}:{fn.__qualname__}", args, kwargs, locale)
    if _slots is None:
        _slots = threading.BoundedSemaphore(WORKERS)  # green under the async servers: waiting yields
    budget = _budget()
    with _slots:
        with _lock:
            worker = _idle.pop() if _idle else None
        if worker is None:
            worker = _Worker()
        try:
            outcome, value = _blocking(worker.call, message, budget)
        except BaseException:
            worker.stop()  # over its budget, or the pipe broke: a fresh one next time
            raise
        with _lock:
            _idle.append(worker)
    if outcome == "error":
        raise value
    return value

"""A worker process for the server's costly pure computations (cafe/offload.py sends them here).

Run by the server as `python -m cafe.worker`; it reads jobs from standard input and writes
results to standard output, each a pickled message after an 8-byte length:

    first  ("ready", pid), once, when the worker can take jobs
    job    (function "module:name", args, kwargs, locale or None)
    reply  ("ok", result) or ("error", exception)

A job with a locale runs inside a request context of a bare app in that language, so that a
report's gettext and templates work as in the server. The process ends when its input closes:
a server that stops, or is killed, takes its workers with it. Only the server writes to it (the
pipes are its own), so unpickling what arrives is safe.
"""
from __future__ import annotations

import importlib
import os
import pickle
import resource
import sys
from typing import Any, BinaryIO

from cafe.offload import HEADER, MEMORY_ENV
# What the jobs use, imported (and the embeddings loaded) before the worker says it is ready, so
# that the first harvest of a café does not wait for seconds of imports.
WARM = ("cafe.services.harvesting", "cafe.services.harvest_extras", "cafe.export", "cafe.domain.rotation.planner",
        "cafe.services.exporting")


def _warm() -> None:
    for module in WARM:
        importlib.import_module(module)
    from cafe.wordvectors import word_vectors

    word_vectors()


def read_message(stream: BinaryIO) -> Any:
    """One message, or EOFError when the other side closed."""
    head = stream.read(HEADER.size)
    if len(head) < HEADER.size:
        raise EOFError
    size = HEADER.unpack(head)[0]
    body = stream.read(size)
    if len(body) < size:
        raise EOFError
    return pickle.loads(body)


def write_message(stream: BinaryIO, message: Any) -> None:
    body = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(HEADER.pack(len(body)) + body)
    stream.flush()


def _function(path: str) -> Any:
    module, _, name = path.partition(":")
    target: Any = importlib.import_module(module)
    for part in name.split("."):
        target = getattr(target, part)
    return target


_app: Any = None


def _in_language(locale: str, fn: Any, args: tuple, kwargs: dict) -> Any:
    """fn(*args, **kwargs) in a request of a bare app (no database of its own) speaking `locale`."""
    global _app
    from flask_babel import force_locale

    if _app is None:
        from cafe.app import create_app

        _app = create_app({"DATABASE_URL": "sqlite://", "ASYNC_MODE": "threading", "MESSAGE_QUEUE": None})
    with _app.test_request_context(), force_locale(locale):
        return fn(*args, **kwargs)


def main() -> int:
    memory = int(os.environ.get(MEMORY_ENV, "0"))
    if memory:  # a runaway job ends this process with MemoryError, not the machine
        resource.setrlimit(resource.RLIMIT_AS, (memory << 20, memory << 20))
    jobs, replies = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # anything a job prints must not corrupt the replies
    try:
        _warm()
        write_message(replies, ("ready", os.getpid()))  # a job's budget starts once the worker is up
    except BrokenPipeError:
        return 0  # the server stopped while the worker was starting
    while True:
        try:
            path, args, kwargs, locale = read_message(jobs)
        except EOFError:
            return 0
        try:
            fn = _function(path)
            result = _in_language(locale, fn, args, kwargs) if locale else fn(*args, **kwargs)
            reply: tuple[str, Any] = ("ok", result)
        except Exception as error:  # the job's own error goes back to the caller, the worker stays
            reply = ("error", error)
        try:
            write_message(replies, reply)
        except BrokenPipeError:
            return 0  # the server stopped (or gave up on this job): nobody to answer
        except (pickle.PicklingError, TypeError, AttributeError) as error:
            write_message(replies, ("error", RuntimeError(f"the result could not be sent back: {error}")))


if __name__ == "__main__":
    sys.exit(main())

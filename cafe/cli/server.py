"""`cafe serve` and `cafe demo`: pick the async server (monkey-patching for eventlet) before
anything heavy is imported, then start the app and say where phones join."""
from __future__ import annotations

import logging
import os
import socket
import sys
from typing import Any

ASYNC_MODES = ("eventlet", "gevent", "threading")


def lan_address() -> str:
    """The address phones on the same network reach this laptop at.

    Connecting a UDP socket sends nothing; it only asks the kernel which interface would route."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed on the internet, no packet leaves
        return probe.getsockname()[0]
    except OSError:
        return "127.0.0.1"
    finally:
        probe.close()


def base_url(host: str, port: int, public_url: str | None) -> str:
    if public_url:
        return public_url.rstrip("/")
    shown = lan_address() if host in ("0.0.0.0", "::", "") else host
    return f"http://{shown}:{port}"


def _patch(mode: str) -> None:
    if mode == "eventlet":
        import warnings

        with warnings.catch_warnings():
            # eventlet warns that it is in maintenance mode; it is still our default by choice.
            warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
            import eventlet
        eventlet.monkey_patch()
    elif mode == "gevent":
        from gevent import monkey

        monkey.patch_all()


def _print_banner(base: str, join_url: str, facilitator_url: str, extra: list[str] | None = None) -> None:
    import segno

    print(f"\ncafe is running.\n  Facilitator: {facilitator_url}\n  Participants join at: {join_url}")
    for line in extra or []:
        print(f"  {line}")
    print("  Phones must be on the same network. Scan to join:\n")
    segno.make(join_url, error="m").terminal(compact=True)
    print(flush=True)


# A join storm of a whole hall arrives within seconds: the kernel queues this many connections
# before the loop accepts them (eventlet's default of 50 drops the rest and phones retry after 1-3 s).
BACKLOG = 4096
# What one connected phone costs this process, measured with bench/crowd.py (about 100 KB).
KB_PER_PHONE = 120


def raise_open_files() -> int:
    """Raise this process's open-file limit to the hard limit: every phone holds one socket, and
    the usual soft limit of 1,024 would refuse the 1,000th. Returns the limit now in force."""
    try:
        import resource
    except ImportError:  # not a POSIX system: the operating system decides
        return 0
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else 1_048_576
    if soft == resource.RLIM_INFINITY or soft >= wanted:
        return wanted if soft == resource.RLIM_INFINITY else soft
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    except (ValueError, OSError):
        return soft
    return wanted


def _available_memory_mb() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            for line in info:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def capacity_line(open_files: int, mode: str) -> str | None:
    """How many phones this process can hold, from its open-file limit and the memory free now."""
    if mode == "threading":
        return "Development server (threading): for a room, use the default eventlet server."
    limits = []
    if open_files:
        limits.append(("open files", open_files - 64))
    memory = _available_memory_mb()
    if memory:
        limits.append((f"{memory:,} MB of memory free", memory * 1024 * 8 // 10 // KB_PER_PHONE))
    if mode == "eventlet":
        limits.append(("the connection pool", 10_000))
    if not limits:
        return None
    reason, phones = min(limits, key=lambda item: item[1])
    return f"This server can hold about {max(0, phones):,} phones (limited by {reason})."


def tune_after_start_up() -> None:
    """Tell the garbage collector that everything loaded so far lives for good: a full collection
    then walks only what the café creates, not the libraries, so the loop does not pause for it."""
    import gc

    gc.collect()
    gc.freeze()
    # Each post and delivery allocates a few hundred objects: collect the young generation less
    # often than every 700 allocations.
    gc.set_threshold(10_000, 20, 20)


def _listener(host: str, port: int, mode: str) -> Any:
    """The listening socket: a deep accept queue, and TCP_NODELAY so a small websocket frame (an
    acknowledgement, a delta) leaves at once instead of waiting on the previous one's ACK."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    if mode == "eventlet":
        import eventlet

        listener = eventlet.listen((host, port), family, backlog=BACKLOG)
    else:  # gevent: the socket module is patched, so this socket is cooperative
        listener = socket.socket(family, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        listener.listen(BACKLOG)
    # Linux hands the listener's TCP_NODELAY to every accepted connection.
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return listener


def _run(app, args, mode: str) -> None:
    from cafe.extensions import socketio

    if mode == "threading":
        socketio.run(app, host=args.host, port=args.port, log_output=args.verbose, allow_unsafe_werkzeug=True)
        return
    listener = _listener(args.host, args.port, mode)
    tune_after_start_up()
    if mode == "eventlet":
        import eventlet.wsgi

        # The default pool of 1,024 green threads would cap the room size. Request lines go
        # through the logging filters (cafe.logs), never straight to stderr.
        eventlet.wsgi.server(listener, app, log_output=args.verbose, max_size=10_000,
                             log=logging.getLogger("cafe.access"))
    else:
        from gevent import pywsgi

        pywsgi.WSGIServer(listener, app, log="default" if args.verbose else None).serve_forever()


def _app(args, mode: str):
    from cafe import create_app, logs

    logs.install(args.verbose)  # before the app exists, so Flask's own handler is not added
    public = args.public_url or os.environ.get("CAFE_PUBLIC_URL")
    return create_app({"ASYNC_MODE": mode, "PUBLIC_URL": public, "LAN_URL": base_url(args.host, args.port, None)})


def _patch_or_explain(mode: str) -> bool:
    try:
        _patch(mode)
    except ImportError:
        print(f"cafe: --async-mode {mode} needs the {mode} package: pip install -e \".[{mode}]\"", file=sys.stderr)
        return False
    return True


def _app_or_explain(args, mode: str):
    from cafe.db import SchemaError

    try:
        return _app(args, mode)
    except SchemaError as error:
        print(f"cafe: {error}", file=sys.stderr)
        return None


def serve(args) -> int:
    """Start the real-time server."""
    mode = args.async_mode
    if not _patch_or_explain(mode):
        return 2
    app = _app_or_explain(args, mode)
    if app is None:
        return 2
    base = app.config["PUBLIC_URL"] or app.config["LAN_URL"]
    capacity = capacity_line(raise_open_files(), mode)
    _print_banner(base, f"{base}/", f"{base}/new", [capacity] if capacity else None)
    _run(app, args, mode)
    return 0


def demo(args) -> int:
    """Start the server with the ICIC café running and simulated participants posting."""
    mode = args.async_mode
    if not _patch_or_explain(mode):
        return 2
    app = _app_or_explain(args, mode)
    if app is None:
        return 2
    from cafe import demo as demo_module

    links = demo_module.start(app, people=args.people)
    base = app.config["PUBLIC_URL"] or app.config["LAN_URL"]
    capacity = capacity_line(raise_open_files(), mode)
    _print_banner(base, f"{base}{links['join']}", f"{base}{links['dashboard']}",
                  [f"Projector: {base}{links['wall']}", *([capacity] if capacity else [])])
    _run(app, args, mode)
    return 0

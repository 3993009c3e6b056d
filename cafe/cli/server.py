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


def _run(app, args, mode: str) -> None:
    from cafe.extensions import socketio

    options: dict[str, Any] = {"host": args.host, "port": args.port, "log_output": args.verbose}
    if mode == "eventlet":
        options["max_size"] = 10_000  # the default pool of 1,024 green threads caps the room size
        # Request lines go through the logging filters (cafe.logs), never straight to stderr.
        options["log"] = logging.getLogger("cafe.access")
    if mode == "threading":
        options["allow_unsafe_werkzeug"] = True
    socketio.run(app, **options)


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
    _print_banner(base, f"{base}/", f"{base}/new")
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
    _print_banner(base, f"{base}{links['join']}", f"{base}{links['dashboard']}", [f"Projector: {base}{links['wall']}"])
    _run(app, args, mode)
    return 0

"""The `cafe` command: serve, demo, import, init-db, db, check-plan, rotation, harvest.

Nothing heavy is imported at module level: `serve` must choose its async server (and
monkey-patch for eventlet) before Flask, SQLAlchemy or sockets are imported.
"""
from __future__ import annotations

import argparse
import json
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


def _read_export(name: str, limit: int) -> object:
    """The JSON of an export file (or standard input), at most `limit` bytes."""
    if name == "-":
        raw = sys.stdin.buffer.read(limit + 1)
    else:
        with open(name, "rb") as handle:
            raw = handle.read(limit + 1)
    if len(raw) > limit:
        raise ValueError(f"larger than {limit // (1024 * 1024)} MB: not a café export")
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except RecursionError:
        raise ValueError("nested too deeply: not a café export") from None


def import_file(args) -> int:
    """Create a café from a JSON export and print its new host link; a file with anything wrong
    is refused with one line and exit code 2, and nothing is written."""
    from sqlalchemy.exc import SQLAlchemyError

    from cafe.db import transaction
    from cafe.errors import CafeError
    from cafe.services import importing, utcnow

    def refuse(reason: str) -> int:
        print(f"cafe import: {args.file}: {' '.join(reason.split())}", file=sys.stderr)
        return 2

    try:
        data = _read_export(args.file, importing.MAX_FILE_BYTES)
    except (OSError, ValueError) as error:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        return refuse(getattr(error, "strerror", None) or str(error))
    app = _schema_app("serve")
    if app is None:
        return 2
    try:
        with app.app_context(), transaction() as db:
            cafe, token = importing.import_cafe(db, data, utcnow())
            code = cafe.code
    except CafeError as error:
        return refuse(error.message)
    except SQLAlchemyError as error:  # checked rows should always fit; if not, say so in one line
        return refuse(f"the database refused the import ({error.__class__.__name__}); nothing was written")
    base = (args.public_url or os.environ.get("CAFE_PUBLIC_URL") or "http://localhost:5000").rstrip("/")
    print(f"Imported as café {code}.\nHost link (keep it private): {base}/f/{token}")
    return 0


def _schema_app(policy: str):
    """An app whose start brings the schema as far as `policy` allows, or None after saying why not."""
    from cafe import create_app
    from cafe.db import SchemaError

    try:
        return create_app({"ASYNC_MODE": "threading", "DATABASE_SCHEMA": policy})
    except SchemaError as error:
        print(f"cafe: {error}", file=sys.stderr)
        return None


def _where(app) -> str:
    return app.config["DATABASE_URL"].split("@")[-1]  # never print a password


def db_upgrade(args) -> int:
    """Create the database, or upgrade it to this code's newest schema (the Procfile's release step)."""
    app = _schema_app("upgrade")
    if app is None:
        return 2
    from cafe import migrations

    print(f"database ready at schema {migrations.head()}: {_where(app)}")
    app.extensions["cafe_db"].engine.dispose()
    return 0


def db_current(args) -> int:
    """Say where the database's schema stands against this code's, changing nothing."""
    app = _schema_app("leave")
    if app is None:
        return 2
    from cafe import migrations

    database = app.extensions["cafe_db"]
    try:
        current, has_tables = database.revision()
    finally:
        database.engine.dispose()
    head = migrations.head()
    if current is None:
        state = "no tables yet (cafe db upgrade creates them)" if not has_tables else \
            f"made before migrations; cafe db upgrade recognises it and brings it to {head}"
    elif current == head:
        state = f"{current}: the newest this code knows"
    elif migrations.known(current):
        state = f"{current}: older than this code's {head}; run cafe db upgrade"
    else:
        state = f"{current}: newer than this code ({head}); this version will not use it"
    print(f"{_where(app)}: {state}")
    return 0


def check_plan(args) -> int:
    """Check a plan file and say what is wrong with it."""
    from cafe.domain.plan import PlanError
    from cafe.plans import load_plan

    status = 0
    for path in args.files:
        try:
            plan = load_plan(path)
        except PlanError as error:
            print(error, file=sys.stderr)
            status = 2
        else:
            print(f"{path}: ok: {plan.title} ({len(plan.themes)} themes, {plan.rounds} rounds, {plan.total_minutes} min)")
    return status


def harvest(args) -> int:
    """Group a CSV file of insights into labelled sub-themes (cafe.harvest_cli)."""
    from cafe import harvest_cli

    return harvest_cli.run(args)


def rotation(args) -> int:
    """Plan a whole café's seating from a JSON request and print it as JSON."""
    from cafe import rotation_cli

    return rotation_cli.run(args.file)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="cafe", description="Run a World Café workshop in real time.")
    commands = top.add_subparsers(dest="command", required=True)
    for name, fn, help_text in (("serve", serve, "start the server"), ("demo", demo, "start the server with a live demo café")):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("--host", default=os.environ.get("CAFE_HOST", "0.0.0.0"),
                             help="address to listen on (default 0.0.0.0: reachable from phones)")
        command.add_argument("--port", type=int, default=int(os.environ.get("PORT", "5000")), help="port (default $PORT or 5000)")
        command.add_argument("--async-mode", choices=ASYNC_MODES, default=os.environ.get("CAFE_ASYNC_MODE", "eventlet"),
                             help="server: eventlet (default), gevent or threading; also CAFE_ASYNC_MODE")
        command.add_argument("--public-url", help="the URL phones use, when behind a proxy (also CAFE_PUBLIC_URL)")
        command.add_argument("--verbose", action="store_true", help="log every request")
        if name == "demo":
            command.add_argument("--people", type=int, default=12, help="simulated participants (default 12)")
        command.set_defaults(fn=fn)
    command = commands.add_parser("import", help="create a café from a JSON export")
    command.add_argument("file", help="the export file, or - for standard input")
    command.add_argument("--public-url", help="the server's URL, to print a full host link")
    command.set_defaults(fn=import_file)
    command = commands.add_parser("init-db", help="create the database, or upgrade it to the newest schema")
    command.set_defaults(fn=db_upgrade)
    command = commands.add_parser("db", help="the database's schema: upgrade it, or say where it stands")
    steps = command.add_subparsers(dest="step", required=True)
    steps.add_parser("upgrade", help="create the database or upgrade it to this code's schema (backs up a SQLite file first)"
                     ).set_defaults(fn=db_upgrade)
    steps.add_parser("current", help="say which schema revision the database is at, changing nothing").set_defaults(fn=db_current)
    command = commands.add_parser("check-plan", help="check café plan files")
    command.add_argument("files", nargs="+")
    command.set_defaults(fn=check_plan)
    command = commands.add_parser("rotation", help="plan a café's seating rotation from a JSON request")
    command.add_argument("file", help="the request file, or - for standard input")
    command.set_defaults(fn=rotation)
    command = commands.add_parser("harvest", help="group a CSV of insights (columns text, group) into sub-themes")
    command.add_argument("file", help="CSV with columns text and group (votes and perspective optional), or - for standard input")
    command.add_argument("--k", metavar="N", help="sub-themes per group (default: the tool chooses)")
    command.add_argument("--json", action="store_true", help="print JSON (rows counted from 0)")
    command.add_argument("--no-embeddings", action="store_true",
                         help="group by words alone, without the packaged text embeddings")
    command.set_defaults(fn=harvest)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.fn(args)


if __name__ == "__main__":
    sys.exit(main())

"""The `cafe` command: serve, demo, import, init-db, db, check-plan, rotation, harvest.

Nothing heavy is imported at module level: `serve` must choose its async server (and
monkey-patch for eventlet) before Flask, SQLAlchemy or sockets are imported.
"""
from __future__ import annotations

import argparse
import os
import sys

from cafe.cli.db import db_current, db_upgrade
from cafe.cli.importing import import_file
from cafe.cli.server import ASYNC_MODES, demo, serve


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


def run_harvest(args) -> int:
    """Group a CSV file of insights into labelled sub-themes (cafe.cli.harvest)."""
    from cafe.cli import harvest as harvest_command

    return harvest_command.run(args)


def run_rotation(args) -> int:
    """Plan a whole café's seating from a JSON request and print it as JSON."""
    from cafe.cli import rotation as rotation_command

    return rotation_command.run(args.file)


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
    command.set_defaults(fn=run_rotation)
    command = commands.add_parser("harvest", help="group a CSV of insights (columns text, group) into sub-themes")
    command.add_argument("file", help="CSV with columns text and group (votes and perspective optional), or - for standard input")
    command.add_argument("--k", metavar="N", help="sub-themes per group (default: the tool chooses)")
    command.add_argument("--json", action="store_true", help="print JSON (rows counted from 0)")
    command.add_argument("--no-embeddings", action="store_true",
                         help="group by words alone, without the packaged text embeddings")
    command.set_defaults(fn=run_harvest)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.fn(args)


if __name__ == "__main__":
    sys.exit(main())

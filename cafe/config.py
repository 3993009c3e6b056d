"""Settings read from the environment, with safe defaults (SQLite in the instance folder)."""
from __future__ import annotations

import os
from pathlib import Path


# Limits on what one sender may do (token buckets: burst, then one more every N seconds), sized for a
# real café: a person types a few insights a minute, and a room of 500 may sit behind one venue NAT
# address. They are kept in memory per process (a restart or another process starts them afresh):
# they protect the server, they are not a record. docs/protocol.md ("Limits") lists them.
LIMIT_DEFAULTS: dict[str, object] = {
    # per participant (across all of their connections), per event
    "LIMIT_POST_INSIGHT": (10, 5.0),
    "LIMIT_RESONATE": (30, 1.0),
    "LIMIT_HARVEST_FEEDBACK": (30, 1.0),
    "LIMIT_PARTICIPANT_OTHER": (10, 2.0),  # submit_handover, leave_cafe and any later participant event
    # the facilitator's laptop drives the café: generous
    "LIMIT_FACILITATOR": (60, 0.1),
    # per connection: sync (the wall re-asking for everything), and every event together
    # (a wall spamming sync gets ~1 in 50 through; a phone clicking along with the facilitator is
    # at most 2 s behind, and the client folds a burst of cafe_changed into one sync in flight)
    "LIMIT_SYNC": (10, 2.0),
    "LIMIT_CONNECTION": (120, 0.1),
    # per address, every socket event together: 500 phones behind one NAT stay far below it
    "LIMIT_ADDRESS": (5000, 0.002),
    # refusals a connection may ignore: past this burst (then one a second) it is closed, since a
    # client that keeps sending after rate_limited is not a phone following retry_after
    "LIMIT_IGNORED_REFUSALS": (50, 1.0),
    # open connections
    "LIMIT_CONNECTIONS_PER_ADDRESS": 2000,
    # a café of 1,000 people with a phone and a spare tab each, its wall and dashboards, fits
    "LIMIT_CONNECTIONS_PER_CAFE": 3000,
    "LIMIT_CONNECTIONS_TOTAL": 10000,
    # wrong join codes per address: this many within the window blocks that address for the block time
    "LIMIT_WRONG_CODES": 20,
    "LIMIT_WRONG_CODES_WINDOW_S": 600.0,
    "LIMIT_WRONG_CODES_BLOCK_S": 900.0,
    # False switches every limit off (a load test on one machine)
    "LIMITS_ENABLED": True,
}


def _limits_from_environment() -> dict[str, object]:
    """LIMIT_DEFAULTS, each overridable as CAFE_<NAME> ("10/5" for a bucket, a number otherwise)."""
    values: dict[str, object] = {}
    for name, default in LIMIT_DEFAULTS.items():
        raw = os.environ.get(f"CAFE_{name}")
        if raw is None:
            values[name] = default
        elif isinstance(default, bool):
            values[name] = raw.strip().lower() not in ("0", "false", "no", "off")
        elif isinstance(default, tuple):
            burst, every = raw.split("/", 1)
            values[name] = (int(burst), float(every))
        elif isinstance(default, float):
            values[name] = float(raw)
        else:  # the rest are whole numbers
            values[name] = int(raw)
    return values


def from_environment(instance_path: str) -> dict[str, object]:
    """Configuration for an app whose instance folder is `instance_path`."""
    default_db = "sqlite:///" + str(Path(instance_path) / "cafe.sqlite3")
    database_url = os.environ.get("CAFE_DATABASE_URL") or os.environ.get("DATABASE_URL") or default_db
    # Heroku-style URLs still say postgres://; SQLAlchemy wants a driver name.
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgres://"):]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]
    return {
        "DATABASE_URL": database_url,
        "MESSAGE_QUEUE": os.environ.get("CAFE_MESSAGE_QUEUE") or os.environ.get("REDIS_URL") or None,
        "PUBLIC_URL": (os.environ.get("CAFE_PUBLIC_URL") or "").rstrip("/") or None,
        "SECRET_KEY": os.environ.get("CAFE_SECRET_KEY") or os.environ.get("SECRET_KEY") or None,
        "BABEL_DEFAULT_LOCALE": os.environ.get("CAFE_LANGUAGE", "en"),
        "SECURE_COOKIES": os.environ.get("CAFE_SECURE_COOKIES", "") == "1",
        # seconds a worker may take for one heavy job (cafe/offload.py)
        "OFFLOAD_BUDGET_S": float(os.environ.get("CAFE_OFFLOAD_BUDGET_S") or 300),
        **_limits_from_environment(),
    }

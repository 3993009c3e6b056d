"""`cafe import FILE`: create a café from a JSON export."""
from __future__ import annotations

import json
import os
import sys

from cafe.cli.db import schema_app


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
    app = schema_app("serve")
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

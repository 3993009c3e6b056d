"""URLs the screens hand to each other."""
from __future__ import annotations

from flask import url_for


def facilitator_urls(host_token: str, code: str) -> dict[str, object]:
    """Links on the dashboard: projector, join page, QR, exports."""
    export = lambda fmt: url_for("facilitator.export", host_token=host_token, fmt=fmt)  # noqa: E731
    return {
        "wall": url_for("wall.wall", code=code),
        "join": url_for("participant.join", code=code),
        "qr": url_for("home.qr", code=code),
        "exports": {
            "md": export("md"),
            "csv": export("csv"),
            "json": export("json"),
            "html": export("html"),
            "plan": url_for("facilitator.plan_file", host_token=host_token),
        },
    }

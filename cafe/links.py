"""URLs the screens hand to each other (the HTTP pages and the socket state both give them out)."""
from __future__ import annotations

from flask import current_app, request, url_for

_LOOPBACK = ("localhost", "127.", "[::1]")


def public_base() -> str:
    """The address phones reach this server at: the configured public URL; else, when the
    facilitator browses on the laptop itself (localhost), its address on the local network;
    else the address the browser used, which works behind a proxy or on a hosted server."""
    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        return configured.rstrip("/")
    lan = current_app.config.get("LAN_URL")
    if lan and request.host.startswith(_LOOPBACK):
        return lan.rstrip("/")
    return request.host_url.rstrip("/")


def join_url(code: str) -> str:
    """The URL phones use to join (and the QR code encodes)."""
    return f"{public_base()}/j/{code}"


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
            "pdf": export("pdf"),
            "docx": export("docx"),
            "plan": url_for("facilitator.plan_file", host_token=host_token),
        },
    }

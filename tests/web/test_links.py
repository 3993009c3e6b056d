"""The join link and QR code point where phones can really reach the server."""
from __future__ import annotations

import re

import pytest

from cafe import create_app


def _join_url_on_dashboard(tmp_path, host: str, **config) -> str:
    app = create_app({"TESTING": True, "ASYNC_MODE": "threading", "DATABASE_URL": f"sqlite:///{tmp_path / 'c.sqlite3'}",
                      "PUBLIC_URL": None, **config})
    client = app.test_client()
    base = f"http://{host}"
    form = client.get("/new", base_url=base).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    created = client.post("/new", data={"plan": "icic-2023-lived-experience-roles.toml", "csrf_token": token}, base_url=base)
    page = client.get(created.headers["Location"], base_url=base).get_data(as_text=True)
    url = re.search(r'"join_url": "([^"]+)"', page).group(1)
    code = url.rsplit("/", 1)[1]
    svg = client.get(f"/qr/{code}.svg", base_url=base).get_data(as_text=True)
    assert url in svg  # the QR code's title names the same link it encodes
    return url


@pytest.mark.parametrize("host", ["localhost:5000", "127.0.0.1:5000"])
def test_on_the_laptop_itself_phones_are_sent_to_its_network_address(tmp_path, host):
    url = _join_url_on_dashboard(tmp_path, host, LAN_URL="http://192.168.1.20:5000")
    assert url.startswith("http://192.168.1.20:5000/j/")


def test_behind_a_proxy_or_on_a_hosted_server_the_browsers_address_is_used(tmp_path):
    url = _join_url_on_dashboard(tmp_path, "cafe.example.org", LAN_URL="http://10.0.0.5:5000")
    assert url.startswith("http://cafe.example.org/j/")


def test_a_configured_public_url_always_wins(tmp_path):
    url = _join_url_on_dashboard(tmp_path, "localhost:5000", LAN_URL="http://192.168.1.20:5000",
                                 PUBLIC_URL="https://cafe.example.org")
    assert url.startswith("https://cafe.example.org/j/")

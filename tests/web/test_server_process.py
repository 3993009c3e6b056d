"""The real `cafe serve` process: it answers, creates a café, seats a phone, and stops cleanly."""
from __future__ import annotations

import http.client
import json
import re
import subprocess
import sys
import urllib.parse
from pathlib import Path
from urllib.parse import urlsplit

import requests
from services import post_form

REPO = Path(__file__).resolve().parents[2]
ICIC = "icic-2023-lived-experience-roles.toml"


def _request(server, method: str, path: str, form: dict[str, str] | None = None, headers: dict[str, str] | None = None):
    """One request without following redirects (http.client never does)."""
    parts = urlsplit(server.base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    body = urllib.parse.urlencode(form) if form is not None else None
    sent = dict(headers or {})
    if body is not None:
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode("utf-8")
    finally:
        connection.close()


def test_healthz_says_ok(live_server):
    status, _, body = _request(live_server, "GET", "/healthz")
    assert (status, body.strip()) == (200, "ok")


def test_a_plan_starts_a_cafe_and_a_phone_joins_it(live_server):
    laptop = requests.Session()  # forms are posted from the page that shows them (CSRF token)
    created = post_form(laptop, live_server.url("/new"), {"plan": ICIC}, allow_redirects=False, timeout=10)
    assert created.status_code == 303
    dashboard = urlsplit(created.headers["Location"]).path
    assert re.fullmatch(r"/f/[\w-]+", dashboard)

    status, _, html = _request(live_server, "GET", dashboard)
    assert status == 200
    page = json.loads(re.search(r'<script type="application/json" id="page-data">(.*?)</script>', html, re.S).group(1))
    code = page["code"]
    assert page["join_url"] == f"{live_server.base_url}/j/{code}"

    phone_browser = requests.Session()
    joined = post_form(phone_browser, live_server.url(f"/j/{code}"), {"name": "Ada", "perspective": "researcher"},
                       allow_redirects=False, timeout=10)
    assert joined.status_code == 303 and urlsplit(joined.headers["Location"]).path == f"/p/{code}"
    cookie = joined.headers["Set-Cookie"].split(";", 1)[0]
    assert cookie.startswith(f"cafe_{code}=")

    status, _, phone = _request(live_server, "GET", f"/p/{code}", headers={"Cookie": cookie})
    assert status == 200 and "socket.io.min.js" in phone


def test_the_server_stops_when_terminated(tmp_path, server_control):
    start_server, stop_server = server_control
    server = start_server(tmp_path)
    assert server.process.poll() is None
    stop_server(server)
    assert server.process.returncode is not None
    assert "Traceback" not in server.log_tail(200)



def test_the_server_says_how_many_phones_it_can_hold(live_server):
    assert re.search(r"This server can hold about [\d,]+ phones \(limited by ", live_server.log_tail(200)), \
        live_server.log_tail(200)
    status, _, body = _request(live_server, "GET", "/healthz")  # through its own listener
    assert (status, body.strip()) == (200, "ok")


def test_the_open_file_limit_is_raised_from_the_usual_1024():
    """Every phone holds a socket: at the usual soft limit of 1,024 the 1,000th phone is refused."""
    script = (
        "import resource\n"
        "soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)\n"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (min(1024, hard), hard))\n"
        "from cafe.cli.server import raise_open_files\n"
        "print(raise_open_files(), *resource.getrlimit(resource.RLIMIT_NOFILE))\n"
    )
    said, soft, hard = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True,
                                      cwd=REPO).stdout.split()
    assert said == soft == hard, (said, soft, hard)

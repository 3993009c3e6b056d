"""Issue 9, item 3 (heavy work off the event loop): a 2,000-insight harvest and its PDF made the
dashboard wait 13.8 s and the PDF 26.8 s, blocking every café in the process. Grouping, the
harvest's other costly steps, re-plans and report rendering now run in a worker process
(cafe/offload.py) with a time and memory budget, while the loop goes on serving.

The first tests run cafe.offload in a real eventlet process, as `cafe serve` does; the last one
downloads every report from a real server and finds the worker that rendered them."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import urllib.request
from pathlib import Path

import pytest
from live import start_server, stop_server
from services import clean_env

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "v0" / "KXYZYS.json"  # a harvested café


def _under_eventlet(body: str, tmp_path: Path) -> dict:
    """Run `body` in a fresh monkey-patched eventlet process; it prints one JSON line."""
    script = textwrap.dedent("""
        import warnings
        warnings.simplefilter("ignore")
        import eventlet
        eventlet.monkey_patch()
        import json, os, sys
        from cafe import offload
    """) + textwrap.dedent(body)
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=180,
                          env=clean_env(CAFE_DATABASE_URL=f"sqlite:///{tmp_path / 'cafe.sqlite3'}",
                                        CAFE_INSTANCE_PATH=str(tmp_path)))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_loop_runs_while_a_worker_computes(tmp_path):
    # math.factorial holds the interpreter lock for its whole run: computed in the server's own
    # process, no green thread could tick meanwhile
    seen = _under_eventlet("""
        import math
        ticks = []
        def tick():
            while True:
                ticks.append(1)
                eventlet.sleep(0.001)
        eventlet.spawn(tick)
        eventlet.sleep(0)
        before = len(ticks)
        digits = offload.run(math.factorial, 40000).bit_length()
        during = len(ticks) - before
        inline_before = len(ticks)
        math.factorial(40000)
        print(json.dumps({"digits": digits, "during": during, "inline": len(ticks) - inline_before,
                          "workers": [w.pid for w in offload._idle], "me": os.getpid()}))
    """, tmp_path)
    assert seen["digits"] == __import__("math").factorial(40000).bit_length()
    assert seen["during"] > 0, "no green thread ran while the worker computed"
    assert seen["inline"] == 0  # the same call in the process itself blocks the loop
    assert seen["workers"] and seen["me"] not in seen["workers"]


def test_a_job_over_its_budget_is_stopped_and_the_next_one_gets_a_fresh_worker(tmp_path):
    seen = _under_eventlet("""
        import math, time
        offload.BUDGET_S = 0.5
        first = offload.run(os.getpid)
        try:
            offload.run(time.sleep, 60)
            outcome = "finished"
        except offload.OffloadFailed as error:
            outcome = str(error)
        alive = os.path.exists(f"/proc/{first}") and open(f"/proc/{first}/stat").read().split()[2] != "Z"
        print(json.dumps({"outcome": outcome, "first_alive": alive, "next": offload.run(math.factorial, 5),
                          "second": offload.run(os.getpid), "first": first}))
    """, tmp_path)
    assert "longer than" in seen["outcome"]
    assert not seen["first_alive"]
    assert seen["next"] == 120 and seen["second"] != seen["first"]


def test_errors_come_back_and_write_transactions_compute_in_place(tmp_path):
    seen = _under_eventlet("""
        from cafe.app import create_app
        from cafe.db import reading, transaction
        try:
            offload.run(int, "not a number")
            error = None
        except ValueError as caught:
            error = str(caught)
        app = create_app()
        with app.app_context():
            with transaction():
                writing = offload.run(os.getpid)
            with reading():
                read = offload.run(os.getpid)
        print(json.dumps({"error": error, "writing": writing, "read": read, "me": os.getpid()}))
    """, tmp_path)
    assert "invalid literal" in seen["error"]
    # inside a write transaction nothing may wait: SQLite's write lock would be held meanwhile
    assert seen["writing"] == seen["me"]
    assert seen["read"] != seen["me"]


def _workers_of(pid: int) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(stat[1]) == pid:
                    found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode())
            except (OSError, IndexError, ValueError):
                continue
    return [c for c in found if "cafe.worker" in c]


def test_reports_from_a_real_server_are_rendered_by_its_worker(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    made = subprocess.run([sys.executable, "-m", "cafe", "import", str(FIXTURE), "--public-url", "http://x"],
                          cwd=REPO, capture_output=True, text=True, timeout=120,
                          env=clean_env(CAFE_DATABASE_URL=f"sqlite:///{tmp_path / 'cafe.sqlite3'}",
                                        CAFE_INSTANCE_PATH=str(tmp_path)))
    assert made.returncode == 0, made.stderr
    token = made.stdout.split("http://x/f/", 1)[1].split()[0]
    quotable = next(i["text"] for i in json.loads(FIXTURE.read_text())["insights"] if not i["do_not_quote"])
    server = start_server(tmp_path)
    try:
        bodies = {}
        for fmt in ("md", "html", "pdf", "docx", "json"):
            with urllib.request.urlopen(server.url(f"/f/{token}/export.{fmt}"), timeout=120) as response:
                assert response.status == 200
                bodies[fmt] = response.read()
        assert _workers_of(server.process.pid), "no worker process rendered the reports"
        import io

        import docx

        pdf_text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(bodies["pdf"])).pages)
        word_text = " ".join(p.text for p in docx.Document(io.BytesIO(bodies["docx"])).paragraphs)
        assert "Exported from cafe" in bodies["html"].decode() and "Exported from cafe" in word_text  # gettext ran
        for text in (bodies["md"].decode(), bodies["html"].decode(), " ".join(pdf_text.split()), word_text):
            assert quotable.split(" (")[0] in text
        assert json.loads(bodies["json"])["cafe"]["title"]
    finally:
        stop_server(server)
    # the server's end closed the worker's input: it is gone with it
    assert not _workers_of(server.process.pid)

"""`cafe import FILE.json` (issue 9, item 1): a 2-million-character insight made the harvest build
a 6.7 GiB array, a made-up status left the imported café unable to run, and wrong types ended in
tracebacks. Every field is now checked by the rules live input meets; a bad file is refused with
one line naming the field and exit code 2, and nothing is written."""
from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cafe import cli
from cafe.db import transaction
from cafe.models import Base

REPO = Path(__file__).resolve().parents[2]


def new_id() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def export(facilitator) -> dict:
    """A real café's export: people with perspectives, seats, insights, a resonance, a hand-over,
    a nudge and harvest feedback."""
    phones = facilitator.join(4, ("lived_experience", "practitioner"))
    facilitator.do("start_round")
    me = phones[0].state()
    facilitator.do("set_host", {"table": me["table"]["number"], "participant_id": me["me"]["id"]})
    posted = phones[0].emit("post_insight", {"id": new_id(), "text": "Pay people for their time"})["insight"]
    for phone in phones[1:]:
        if phone.state()["table"]["number"] == me["table"]["number"]:
            assert phone.emit("resonate", {"insight_id": posted["id"]})["ok"]
            break
    assert phones[0].emit("submit_handover", {"bullets": ["Money first"]})["ok"]
    facilitator.do("nudge", {"text": "Five minutes left"})
    facilitator.play_on_to_harvest()
    assert phones[1].emit("harvest_feedback", {"id": new_id(), "kind": "missing", "theme": None, "text": "Carers"})["ok"]
    data = facilitator.http.get(facilitator.host_link + "/export.json").get_json()
    assert data["resonances"] and data["handovers"] and data["nudges"] and data["feedback"]
    return data


def row_counts(app) -> dict[str, int]:
    with app.app_context(), transaction() as db:
        return {table.name: db.scalar(select(func.count()).select_from(table)) for table in Base.metadata.sorted_tables}


def run_import(app, monkeypatch, capsys, tmp_path, data) -> tuple[int, str, str]:
    """`cafe import` in this process, on the test app's database."""
    monkeypatch.setenv("CAFE_DATABASE_URL", app.config["DATABASE_URL"])
    path = tmp_path / "export.json"
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(json.dumps(data, ensure_ascii=True), encoding="utf-8")
    code = cli.main(["import", str(path)])
    out = capsys.readouterr()
    return code, out.out, out.err


def mutate(data: dict, change) -> dict:
    changed = copy.deepcopy(data)
    change(changed)
    return changed


def _set(path: str, value):
    """A change that puts `value` at a dotted path such as insights.0.text."""
    def change(data):
        *parents, last = path.split(".")
        target = data
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value
    return change


BAD = {
    "two_million_character_insight": (_set("insights.0.text", "x" * 2_000_000), "insights[0].text", "at most 500"),
    "bogus_status": (_set("cafe.status", "exploded"), "cafe.status", "ready, running, paused, ended"),
    "bogus_stage": (_set("cafe.stage", "party"), "cafe.stage", "rounds, harvest"),
    "round_beyond_the_plan": (_set("cafe.round", 9), "cafe.round", "between 1 and 3"),
    "insight_round_beyond_the_plan": (_set("insights.0.round", 4), "insights[0].round", "between 1 and 3"),
    "insight_at_an_unknown_table": (_set("insights.0.table", 999), "insights[0].table", "not in tables"),
    "insight_by_an_unknown_person": (_set("insights.0.participant_id", 999_999), "insights[0].participant_id",
                                     "not in participants"),
    "insight_id_not_a_uuid": (_set("insights.0.id", "1; DROP TABLE"), "insights[0].id", "UUID"),
    "insight_theme_not_in_the_plan": (_set("insights.0.theme", "Nope"), "insights[0].theme", "plan's themes"),
    "insight_text_a_number": (_set("insights.0.text", 12), "insights[0].text", "must be text"),
    "insight_lone_surrogate": (_set("insights.0.text", "half \ud83d"), "insights[0].text", "not valid text"),
    "insight_time_unparseable": (_set("insights.0.posted_at", "yesterday"), "insights[0].posted_at", "must be a time"),
    "do_not_quote_a_string": (_set("insights.0.do_not_quote", "yes"), "insights[0].do_not_quote", "true or false"),
    "unknown_perspective": (_set("participants.0.perspective", "wizard"), "participants[0].perspective", "must be one of"),
    "name_too_long": (_set("participants.0.name", "n" * 41), "participants[0].name", "at most 40"),
    "participant_id_a_string": (_set("participants.0.id", "1"), "participants[0].id", "whole number"),
    "seat_in_round_zero": (_set("seats.0.round", 0), "seats[0].round", "between 1 and 3"),
    "resonance_on_an_unknown_insight": (_set("resonances.0.insight_id", new_id()), "resonances[0].insight_id",
                                        "not in insights"),
    "six_bullets": (_set("handovers.0.bullets", ["b"] * 6), "handovers[0].bullets", "1 to 5"),
    "nudge_too_long": (_set("nudges.0.text", "n" * 201), "nudges[0].text", "at most 200"),
    "feedback_note_too_long": (_set("feedback.0.text", "f" * 301), "feedback[0].text", "at most 300"),
    "feedback_kind_unknown": (_set("feedback.0.kind", "withdraw"), "feedback[0].kind", "reflects, missing"),
    "plan_title_too_long": (_set("plan.title", "t" * 201), "plan: field 'title'", "at most 200"),
    "insights_not_a_list": (_set("insights", {"a": 1}), "insights", "must be a list"),
    "duplicate_seat": (lambda d: d["seats"].append(dict(d["seats"][0])), "seats[", "two seats in round"),
    "duplicate_insight": (lambda d: d["insights"].append(dict(d["insights"][0])), "insights[1].id", "given twice"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_export_is_refused_with_one_line_and_nothing_written(app, export, monkeypatch, capsys, tmp_path, case):
    change, where, why = BAD[case]
    before = row_counts(app)
    code, out, err = run_import(app, monkeypatch, capsys, tmp_path, mutate(export, change))
    assert code == 2, (out, err)
    assert err.count("\n") == 1 and err.startswith("cafe import: "), err
    assert where in err and why in err, err
    assert len(err) < 400 and out == ""
    assert row_counts(app) == before


@pytest.mark.parametrize("content, why", [
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (b"{\"format\": \"cafe-export/1\", \"x\": \"" + b"y" * (33 * 1024 * 1024) + b"\"}", "larger than 32 MB"),
    (b"\xff\xfe not utf-8", "utf-8"),
    (b"{\"format\": ", "Expecting value"),
], ids=["deeply_nested", "too_large", "not_utf8", "not_json"])
def test_a_file_that_is_not_an_export_is_one_line_too(app, monkeypatch, capsys, tmp_path, content, why):
    before = row_counts(app)
    code, _out, err = run_import(app, monkeypatch, capsys, tmp_path, content)
    assert code == 2 and err.count("\n") == 1 and why in err, err
    assert row_counts(app) == before


def test_a_good_export_imports_with_its_text_cleaned_like_live_input(app, export, monkeypatch, capsys, tmp_path):
    dirty = mutate(export, _set("insights.0.text", "Pay\x00 people\uffff for their\u202e time"))
    dirty = mutate(dirty, _set("participants.0.name", "Ann\x00a\ufffe"))
    code, out, err = run_import(app, monkeypatch, capsys, tmp_path, dirty)
    assert code == 0, err
    host_link = out.split("/f/")[1].split()[0]
    again = app.test_client().get(f"/f/{host_link}/export.json").get_json()
    assert [i["text"] for i in again["insights"]] == ["Pay people for their time"]
    assert "Anna" in [p["name"] for p in again["participants"]]
    assert again["cafe"]["status"] == export["cafe"]["status"] and again["cafe"]["stage"] == "harvest"
    assert len(again["resonances"]) == len(export["resonances"]) and len(again["feedback"]) == len(export["feedback"])
    assert [h["bullets"] for h in again["handovers"]] == [h["bullets"] for h in export["handovers"]]


def test_the_command_itself_prints_no_traceback_for_a_bogus_status(app, export, tmp_path):
    path = tmp_path / "bogus.json"
    path.write_text(json.dumps(mutate(export, _set("cafe.status", "exploded"))), encoding="utf-8")
    env = {**os.environ, "CAFE_DATABASE_URL": app.config["DATABASE_URL"], "CAFE_INSTANCE_PATH": str(tmp_path)}
    before = row_counts(app)
    result = subprocess.run([sys.executable, "-m", "cafe", "import", str(path)], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr == f"cafe import: {path}: cafe.status: must be one of: ready, running, paused, ended\n"
    assert row_counts(app) == before

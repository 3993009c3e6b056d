"""`cafe harvest FILE.csv [--k N] --json`: every row in one sub-theme of its group; bad input exits 2."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from cafe.cli import main

TRANSPORT = ["The bus service is too infrequent in the evenings", "More buses at night so people can get home",
             "Bus routes do not reach the outer estates", "Cheaper bus fares for young people and evening buses"]
MONEY = ["Funding for the charity was cut this year", "Grant funding is short term and hard to plan with",
         "Small charities need longer funding agreements", "The funding application forms take weeks to complete"]
TRAINING = ["Volunteers want training and mentoring before they start", "Mentoring schemes help new volunteers settle in",
            "Training volunteers in first aid and safeguarding", "A mentoring buddy for every new volunteer"]


def write(path, rows, header=("text", "group", "votes", "perspective")):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(header)
        out.writerows(rows)
    return str(path)


@pytest.fixture
def cafe_csv(tmp_path):
    rows = [(text, "Getting around" if n % 2 else "Money and people", n % 3, "practitioner")
            for n, text in enumerate(TRANSPORT + MONEY + TRAINING + TRANSPORT[:2] + MONEY[:2])]
    rows.append(("<script>alert(1)</script> bus fares", "Getting around", "", ""))
    return write(tmp_path / "insights.csv", rows), rows


def harvest(capsys, *args):
    status = main(["harvest", *args, "--json", "--no-embeddings"])
    out = capsys.readouterr()
    return status, (json.loads(out.out) if status == 0 else None), out.err


@pytest.mark.parametrize("k", [None, 1, 2, 3, 40])
def test_every_row_is_in_exactly_one_subtheme_of_its_group(capsys, cafe_csv, k):
    path, rows = cafe_csv
    status, result, _ = harvest(capsys, path, *(["--k", str(k)] if k else []))
    assert status == 0
    assert list(result["groups"]) == ["Money and people", "Getting around"]
    seen = []
    for group, body in result["groups"].items():
        mine = {n for n, row in enumerate(rows) if row[1] == group}
        members = [m for sub in body["subthemes"] for m in sub["members"]]
        assert sorted(members) == sorted(mine)
        if k:
            assert len(body["subthemes"]) == min(k, len(mine))
        for sub in body["subthemes"]:
            assert sub["quote"] in sub["members"]
            assert 1 <= len(sub["label"].split()) <= 5 and "alert" not in sub["label"].lower()
        seen += members
    assert sorted(seen) == list(range(len(rows)))
    assert isinstance(result["crosscutting"], list)


def test_a_pattern_in_both_groups_is_reported_as_cross_cutting(capsys, tmp_path):
    rows = [(t, "North") for t in TRANSPORT[:2] + MONEY] + [(t, "South") for t in TRANSPORT[2:] + TRAINING]
    status, result, _ = harvest(capsys, write(tmp_path / "two.csv", rows, ("text", "group")), "--k", "2")
    assert status == 0
    assert any(set(p["groups"]) == {"North", "South"} and "bus" in p["label"].lower()
               for p in result["crosscutting"])
    for pattern in result["crosscutting"]:
        for ref in pattern["subthemes"]:
            assert 0 <= ref["index"] < len(result["groups"][ref["group"]]["subthemes"])


@pytest.mark.parametrize("rows, header, args, message", [
    (None, None, [], "No such file"),
    ([("a", "b")], ("words", "group"), [], "missing column(s): text"),
    ([("bus", "G"), ("  ", "G")], ("text", "group"), [], "data row 1 (line 3): empty text"),
    ([("bus", "G", "lots")], ("text", "group", "votes"), [], "votes must be a whole number"),
    ([("bus", "G", "-1")], ("text", "group", "votes"), [], "votes must be a whole number"),
    ([("bus", "G")], ("text", "group"), ["--k", "0"], "--k must be a whole number"),
    ([("bus", "G")], ("text", "group"), ["--k", "two"], "--k must be a whole number"),
])
def test_bad_input_gets_one_clear_line_and_status_2(capsys, tmp_path, rows, header, args, message):
    path = str(tmp_path / "missing.csv") if rows is None else write(tmp_path / "in.csv", rows, header)
    status, _, err = harvest(capsys, path, *args)
    assert status == 2
    assert err.count("\n") == 1 and err.startswith("cafe harvest: ") and message in err, err


def test_the_installed_command_prints_json(tmp_path):
    path = write(tmp_path / "in.csv", [(t, "G") for t in TRANSPORT + MONEY], ("text", "group"))
    done = subprocess.run([sys.executable, "-m", "cafe.cli", "harvest", path, "--k", "2", "--json"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    subthemes = json.loads(done.stdout)["groups"]["G"]["subthemes"]
    assert sorted(m for s in subthemes for m in s["members"]) == list(range(8))


def test_standard_input_is_read_with_a_dash(tmp_path):
    text = Path(write(tmp_path / "in.csv", [(t, "G") for t in TRANSPORT + MONEY], ("text", "group"))).read_text(encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "cafe.cli", "harvest", "-", "--k", "2", "--json"], input=text,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert sorted(m for s in json.loads(done.stdout)["groups"]["G"]["subthemes"] for m in s["members"]) == list(range(8))
    bad = subprocess.run([sys.executable, "-m", "cafe.cli", "harvest", "-"], input="txt,group\n",
                         capture_output=True, text=True, timeout=60, check=False)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "missing column" in bad.stderr


def test_the_optional_word_vectors_load_offline_from_their_package(capsys, cafe_csv, monkeypatch):
    from cafe.cli import harvest as harvest_cli

    monkeypatch.delenv("CAFE_EMBEDDINGS", raising=False)
    harvest_cli.word_vectors.cache_clear()
    vectors = harvest_cli.word_vectors()
    assert vectors is not None, "the test extra installs wordllama, whose weights ship in the wheel"
    assert len(vectors(["bus", "fares"])) == 2
    status = main(["harvest", cafe_csv[0], "--json"])
    result = json.loads(capsys.readouterr().out)
    assert status == 0 and sum(len(s["members"]) for g in result["groups"].values() for s in g["subthemes"]) == len(cafe_csv[1])

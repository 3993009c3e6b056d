"""`cafe rotation`: JSON in, a plan and its quality figures out; bad input is refused with exit 2."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def rotation(path: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cafe.cli", "rotation", path],
        input=stdin, capture_output=True, text=True, cwd=REPO, timeout=60,
    )


def request(**overrides) -> dict:
    data = {
        "participants": [{"id": i, "perspective": "lived_experience" if i % 3 == 0 else "practitioner",
                          "host": i <= 3} for i in range(1, 13)],
        "tables": 3, "rounds": 3, "themes": ["Disruptor", "Community Builder", "Citizen Leader"], "seed": 7,
    }
    data.update(overrides)
    return data


@pytest.fixture
def request_file(tmp_path):
    def write(data) -> str:
        path = tmp_path / "request.json"
        path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
        return str(path)
    return write


def test_the_plan_lists_every_table_of_every_round_with_theme_host_and_members(request_file):
    done = rotation(request_file(request()))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert len(result["rounds"]) == 3
    for tables in result["rounds"]:
        assert [t["table"] for t in tables] == [1, 2, 3]
        assert sorted(t["theme"] for t in tables) == ["Citizen Leader", "Community Builder", "Disruptor"]
        assert sorted(m for t in tables for m in t["members"]) == list(range(1, 13))
        assert [t["host"] for t in tables] == [1, 2, 3]
        assert all(t["members"][0] == t["host"] for t in tables)
    metrics = result["metrics"]
    assert {"repeat_encounters", "theme_repeats", "max_size_gap", "perspective_spread", "moves_of_stayers"} <= set(metrics)
    assert metrics["max_size_gap"] == 0 and metrics["moves_of_stayers"] == 0 and metrics["theme_repeats"] == 0


def test_the_same_input_and_seed_print_the_same_plan_and_stdin_works_too(request_file):
    data = request()
    first = rotation(request_file(data))
    again = rotation("-", stdin=json.dumps(data))
    assert first.returncode == again.returncode == 0
    assert first.stdout == again.stdout


def test_rounds_already_seated_come_back_unchanged(request_file):
    first = json.loads(rotation(request_file(request())).stdout)["rounds"][0]
    result = json.loads(rotation(request_file(request(seating=[first], seed=8))).stdout)
    assert result["rounds"][0] == first


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (request(colour="blue"), "unknown field 'colour'"),
        (request(participants=[{"id": 1, "name": "Ann"}]), "unknown field 'name'"),
        (request(participants=[{"id": 1}, {"id": 1}, {"id": 2}]), "appears more than once"),
        (request(max_size=3), "do not fit"),
        (request(min_size=5), "cannot fill"),
        (request(tables="3"), "tables must be a whole number"),
        (request(participants=[{"id": True}]), "must be a number or a string"),
        (request(participants=[{"id": 1, "host": "yes"}]), "host must be true or false"),
        (request(theme_mode="shuffle"), "theme_mode"),
        (request(seating=[[{"table": 9, "members": [1]}]]), "names table 9"),
        ({"tables": 2, "rounds": 2}, "no 'participants'"),
        ("{not json", "Expecting"),
    ],
)
def test_bad_input_gets_one_clear_line_and_exit_status_2(request_file, data, words):
    done = rotation(request_file(data))
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cafe rotation: ")
    assert words in lines[0]


def test_a_missing_file_is_refused_with_exit_status_2(tmp_path):
    done = rotation(str(tmp_path / "nowhere.json"))
    assert done.returncode == 2 and done.stderr.count("\n") == 1

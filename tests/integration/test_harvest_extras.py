"""The harvest beyond themes, through the real services: patterns, open questions, each table."""
from __future__ import annotations

import uuid

QUESTIONS = [
    "Who pays for peer support workers in the long run?",
    "Honestly, who pays for the peer support workers?",
    "How do we reach people who never come to meetings?",
]


def _post(phone, text: str, **extra) -> None:
    assert phone.emit("post_insight", {"id": str(uuid.uuid4()), "text": text, **extra})["ok"]


def run_to_harvest(facilitator) -> dict:
    phones = facilitator.join(8, ("lived_experience", "practitioner"))
    for round_no in range(3):
        facilitator.do("start_round")
        for i, phone in enumerate(phones):
            _post(phone, f"Paying people fairly for their time and expertise matters {i}")
            _post(phone, f"Training and mentoring new peer leaders across services {round_no}")
        if round_no == 0:
            for phone, text in zip(phones, QUESTIONS, strict=False):
                _post(phone, f"We talked a lot. {text}")
            _post(phones[4], "Why do boards still meet at 9am on weekdays?", do_not_quote=True)
        if round_no < 2:
            facilitator.do("next_round")
    facilitator.do("start_harvest")
    return facilitator.state()["harvest"]


def test_open_questions_are_merged_ranked_and_private_ones_left_out(facilitator):
    harvest = run_to_harvest(facilitator)
    texts = [q["text"] for q in harvest["open_questions"]]
    assert len([t for t in texts if "who pays" in t.casefold()]) == 1
    assert "How do we reach people who never come to meetings?" in texts
    assert not any("9am" in t for t in texts)
    merged = next(q for q in harvest["open_questions"] if "who pays" in q["text"].casefold())
    assert merged["asked"] == 2 and merged["tables"]


def test_every_table_has_its_own_grouping_and_patterns_span_themes(facilitator):
    harvest = run_to_harvest(facilitator)
    assert {t["table"] for t in harvest["tables"]} == {t["number"] for t in facilitator.state()["tables"]}
    for table in harvest["tables"]:
        assert sum(s["count"] for s in table["subthemes"]) == table["insight_count"]
        for sub in table["subthemes"]:
            assert sub["quote_insight"] is None or not sub["quote_insight"]["do_not_quote"]
    # the same two ideas were raised under every theme: they recur across themes
    assert harvest["crosscutting"], harvest["themes"]
    assert all(len(p["themes"]) >= 2 for p in harvest["crosscutting"])
    themes = {t["theme"] for t in harvest["themes"]}
    assert all(set(p["themes"]) <= themes for p in harvest["crosscutting"])


def test_near_identical_insights_are_one_voice_counted_twice(facilitator):
    phones = facilitator.join(4)
    facilitator.do("start_round")
    same = "Pay peer workers properly for their time"
    _post(phones[0], same)
    _post(phones[1], "Pay peer workers properly for their time!")
    _post(phones[2], "Boards should meet in the evening so carers can come")
    facilitator.play_on_to_harvest()
    theme = next(t for t in facilitator.state()["harvest"]["themes"] if t["insight_count"] == 3)
    grouped = [s for s in theme["subthemes"] if s["duplicates"]]
    assert len(grouped) == 1 and len(grouped[0]["duplicates"][0]) == 2
    assert grouped[0]["distinct"] == grouped[0]["count"] - 1


def test_phones_get_the_same_harvest_lighter(facilitator):
    import json

    phones = facilitator.join(6, ("lived_experience", "practitioner"))
    facilitator.do("start_round")
    for i, phone in enumerate(phones):
        _post(phone, f"Paying people fairly for their time and expertise matters {i}")
    facilitator.play_on_to_harvest()
    full = facilitator.state()["harvest"]
    light = phones[0].state()["harvest"]
    assert [t["theme"] for t in light["themes"]] == [t["theme"] for t in full["themes"]]
    for mine, whole in zip(light["themes"], full["themes"], strict=False):
        assert [(s["label"], s["count"], s["quote_insight"]) for s in mine["subthemes"]] == \
               [(s["label"], s["count"], s["quote_insight"]) for s in whole["subthemes"]]
        assert "voice" not in mine and all("insight_ids" not in s for s in mine["subthemes"])
    assert "tables" not in light and "voice_flags" not in light
    assert len(json.dumps(light)) * 2 < len(json.dumps(full))

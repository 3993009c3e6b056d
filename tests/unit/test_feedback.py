"""The rules of harvest feedback, without a database: the latest word of a person counts, once."""
from __future__ import annotations

from cafe.domain.harvest.feedback import FeedbackEvent, reflecting, summarise


def ev(person: int, kind: str, theme: str | None = "A", **extra) -> FeedbackEvent:
    return FeedbackEvent(person=person, kind=kind, theme=theme, **extra)


def test_a_person_counts_once_per_theme_however_often_they_say_it():
    assert reflecting([ev(1, "reflects"), ev(1, "reflects"), ev(2, "reflects")]) == {(1, "A"), (2, "A")}


def test_the_latest_reflects_or_withdraw_decides():
    assert reflecting([ev(1, "reflects"), ev(1, "withdraw")]) == set()
    assert reflecting([ev(1, "reflects"), ev(1, "withdraw"), ev(1, "reflects")]) == {(1, "A")}
    assert reflecting([ev(1, "withdraw")]) == set()


def test_themes_and_the_whole_harvest_are_counted_apart():
    assert reflecting([ev(1, "reflects", "A"), ev(1, "reflects", None), ev(1, "withdraw", "B")]) == {(1, "A"), (1, None)}


def test_the_summary_lists_quotable_notes_counts_every_note_and_names_nobody():
    events = [
        ev(1, "reflects"), ev(2, "reflects"), ev(2, "withdraw"), ev(3, "reflects", None),
        ev(1, "missing", text="Transport", perspective="lived_experience"),
        ev(4, "missing", text="Secret", do_not_quote=True),
        ev(4, "missing", None, text="Overall"),
    ]
    per_theme, room = summarise(events, ["A", "B"])
    assert per_theme["A"]["reflects"] == 1
    assert per_theme["A"]["missing_count"] == 2
    assert per_theme["A"]["missing"] == [{"text": "Transport", "perspective": "lived_experience", "at": None}]
    assert per_theme["B"] == {"reflects": 0, "missing": [], "missing_count": 0}
    assert room["reflects"] == 1 and [n["text"] for n in room["missing"]] == ["Overall"]
    assert room["totals"] == {"reflects": 2, "missing": 3, "people": 3}

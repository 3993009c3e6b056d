"""Open questions: found in any script, deduplicated, ranked, never from an unquotable text."""
from __future__ import annotations

from cafe.domain.harvest.questions import Source, open_questions, question_sentences


def src(text: str, *, id: str | None = "i", theme: str = "T", table: int = 1, resonance: int = 0,
        quotable: bool = True) -> Source:
    return Source(id=id, theme=theme, table=table, round=1, text=text, resonance=resonance, quotable=quotable)


def test_only_question_sentences_are_taken():
    text = "Peer roles matter. Who pays for peer support workers? We should ask them."
    assert question_sentences(text) == ["Who pays for peer support workers?"]


def test_other_scripts_and_inverted_marks():
    assert question_sentences("¿Quién decide sobre los fondos?") == ["¿Quién decide sobre los fondos?"]
    assert question_sentences("誰が 費用を 払う のか？") == ["誰が 費用を 払う のか？"]
    assert question_sentences("من يقرر في التمويل؟") == ["من يقرر في التمويل؟"]


def test_too_short_and_markup_are_not_questions():
    assert question_sentences("Why?") == []
    assert question_sentences("<script>alert('x?')</script> fine.") == []


def test_same_question_asked_twice_is_one_with_the_most_resonating_wording():
    found = open_questions([
        src("Who pays for peer support workers?", id="a", table=1, resonance=1),
        src("Honestly, who pays for the peer support workers?", id="b", theme="U", table=2, resonance=4),
        src("How do we reach people who never come to meetings?", id="c", table=3),
    ])
    assert [q.insight_id for q in found] == ["b", "c"]
    first = found[0]
    assert first.asked == 2 and first.resonance == 5
    assert first.themes == ("T", "U") and first.tables == (1, 2)
    assert first.text == "Honestly, who pays for the peer support workers?"


def test_do_not_quote_texts_never_become_questions():
    assert open_questions([src("Who will listen to us in the board?", quotable=False)]) == []


def test_hand_over_bullets_count_and_limit_applies():
    found = open_questions([src("Can carers sit on the board as equals?", id=None) for _ in range(2)]
                           + [src("What would change if we paid people fairly?", id="x")], limit=1)
    assert len(found) == 1 and found[0].asked == 2 and found[0].insight_id is None

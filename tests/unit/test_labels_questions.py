"""Open questions are sentences that ask, in the languages people write in; a statement that
merely quotes a question is not one."""
from __future__ import annotations

import pytest

from cafe.domain.harvest.questions import Source, open_questions, question_sentences


@pytest.mark.parametrize("text", [
    'She asked "who pays for this?" and nobody answered.',
    "He said “why do we even meet?” in the hall.",
    "Our motto «¿por qué no?» kept us going all year.",
    'The sign read "Are you ready?" above the door',
])
def test_a_question_quoted_inside_a_statement_is_not_an_open_question(text):
    assert question_sentences(text) == []


def test_a_quoted_question_that_is_the_whole_sentence_still_asks():
    found = question_sentences('"Who pays for peer support workers?" That is what we asked.')
    assert found == ["Who pays for peer support workers?"]


def test_a_statement_around_a_quote_may_still_ask_itself():
    assert question_sentences('Did anyone answer "who pays?" at the board?') == ['Did anyone answer "who pays?" at the board?']


@pytest.mark.parametrize("text", [
    "How might we reach people who never come",
    "Should we pay carers for their time",
    "What would change if the board listened",
    "Cómo podemos llegar a más gente del barrio",
])
def test_questions_typed_without_their_mark_are_found_by_their_opening(text):
    assert question_sentences(text) == [text]


@pytest.mark.parametrize("text", [
    "How we talk to each other matters.",
    "What we need is more time.",
    "Should be banned outright now",
    "Whoever came early set up the chairs",
    "Cómo nos hablamos importa.",
])
def test_statements_that_open_like_questions_are_not_questions(text):
    assert question_sentences(text) == []


def test_question_marks_of_other_scripts_still_end_questions():
    assert question_sentences("誰が 費用を 払う のか？ 次の 話") == ["誰が 費用を 払う のか？"]
    assert question_sentences("من يقرر في التمويل؟") == ["من يقرر في التمويل؟"]
    assert question_sentences("¿Quién decide sobre los fondos") == ["¿Quién decide sobre los fondos"]


def test_a_statement_quoting_a_question_adds_nothing_to_the_open_questions():
    sources = [Source("a", "T", 1, 1, 'Ana asked "who pays for the buses?" and we moved on.'),
               Source("b", "T", 2, 1, "Who pays for the buses at night?")]
    assert [q.insight_id for q in open_questions(sources)] == ["b"]

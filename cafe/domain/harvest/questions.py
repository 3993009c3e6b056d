"""Open questions people raised: the question sentences of insights and hand-overs, deduplicated.

A World Café's harvest gathers "deeper questions" beside its insights. A question here is a
sentence that ends with a question mark (Latin, full-width, Arabic or Greek), that opens with
Spanish ¿, or that opens as questions do when people type them on a phone without the mark
("how might we …", "should we …", "¿"-less "cómo podemos …"). A question quoted inside a
statement ('She asked "who pays?" and left.') is the statement's, not an open question: marks
inside quotation marks that open mid-sentence end nothing. Near-identical questions (most of
their content words shared) are one question asked several times; the most resonating
wording is kept and the others are counted.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from cafe.domain.harvest.words import prose, tokens

# Sentence pieces: up to and including a sentence end, or to the end of the text.
_QUESTION_END = ("?", "\uff1f", "\u061f", "\u037e")  # Latin, full-width, Arabic, Greek
_SENTENCE = re.compile(r"[^.!?\uff1f\u061f\u037e\n]*(?:[?\uff1f\u061f\u037e.!\n]|$)")
# Quoted passages (straight or typographic double quotes, guillemets) within one line.
_QUOTED = re.compile(r'["“„«]([^"“”„«»\n]{1,400})["”»]')
_STOPS = "?.!\uff1f\u061f\u037e"
# Stand-ins for sentence marks inside a quotation, so the sentence splitter passes over them.
_MASK = str.maketrans(_STOPS, "\ue000\ue001\ue002\ue003\ue004\ue005")
_UNMASK = str.maketrans("\ue000\ue001\ue002\ue003\ue004\ue005", _STOPS)
# Openings of a question typed without its mark: a question word followed by an auxiliary, or an
# auxiliary followed by its subject ("what would change", "can carers sit", "is it fair").
_AUXILIARY = r"(?:do|does|did|is|are|was|were|can|could|should|would|will|shall|may|might|must|have|has)"
_SUBJECT = r"(?:we|you|i|they|it|he|she|there|this|that|people|everyone|anyone|our|the|a|an)"
_OPENING = re.compile(
    rf"(?i:(?:who|what|when|where|why|how|which|whose)\s+{_AUXILIARY}\b|{_AUXILIARY}(?:n't)?\s+{_SUBJECT}\b"
    r"|(?:qué|quién|quiénes|cómo|cuándo|dónde|cuál|cuáles|por qué|cuánto|cuántos|cuántas)\s)")
# Share of content words two wordings must have in common to be the same question.
SAME_QUESTION = 0.6
MIN_WORDS = 3


@dataclass(frozen=True)
class Source:
    """A text a question may come from: an insight (id) or a hand-over bullet (id None)."""

    id: str | None
    theme: str
    table: int
    round: int
    text: str
    resonance: int = 0
    quotable: bool = True


@dataclass(frozen=True)
class OpenQuestion:
    """One question, the insight it was taken from (if any), and how often it was asked."""

    text: str
    insight_id: str | None
    themes: tuple[str, ...]
    tables: tuple[int, ...]
    resonance: int
    asked: int


def _mask_quotes(text: str) -> str:
    """The text with the sentence marks of quotations that open mid-sentence masked."""
    def mask(match: re.Match[str]) -> str:
        before = text[:match.start()]
        opened = max(before.rfind(c) for c in _STOPS + "\n")
        mid_sentence = any(ch.isalnum() for ch in before[opened + 1:])
        return match.group().translate(_MASK) if mid_sentence else match.group()
    return _QUOTED.sub(mask, text)


def is_question(sentence: str) -> bool:
    """Whether a trimmed sentence asks: its own mark at the end (closing quotes and brackets
    aside), Spanish ¿ at the start, or a question's opening when no mark ends it (a full stop
    says the writer meant a statement: "what we need is time.")."""
    bare = sentence.rstrip("\"”»)]’' ")
    if bare.endswith(_QUESTION_END) or sentence.startswith("¿"):
        return True
    return not bare.endswith((".", "!")) and bool(_OPENING.match(sentence))


def question_sentences(text: str) -> list[str]:
    """The sentences of a text that are questions, trimmed."""
    found = []
    for piece in _SENTENCE.findall(_mask_quotes(prose(text))):
        sentence = piece.strip(" \t-–—•*\"“”„«»")
        if sentence and is_question(sentence) and len(sentence.split()) >= MIN_WORDS:
            found.append(sentence.translate(_UNMASK))
    return found


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0  # nothing to compare on: keep both rather than merge unrelated questions
    return len(a & b) / min(len(a), len(b))


def open_questions(sources: Sequence[Source], limit: int | None = None) -> list[OpenQuestion]:
    """Distinct questions, most asked and most resonating first; never from an unquotable text."""
    asked: list[tuple[frozenset[str], list[tuple[Source, str]]]] = []
    for source in sources:
        if not source.quotable:
            continue
        for sentence in question_sentences(source.text):
            words = frozenset(tokens(sentence))
            home = next((group for key, group in asked if _overlap(key, words) >= SAME_QUESTION), None)
            if home is None:
                asked.append((words, [(source, sentence)]))
            else:
                home.append((source, sentence))
    questions = []
    for _, group in asked:
        best, text = max(group, key=lambda pair: (pair[0].resonance, pair[0].id is not None, -group.index(pair)))
        themes = tuple(dict.fromkeys(src.theme for src, _ in group))
        tables = tuple(sorted({src.table for src, _ in group}))
        questions.append(OpenQuestion(text, best.id, themes, tables,
                                      sum(src.resonance for src, _ in group), len(group)))
    order = {id(q): i for i, q in enumerate(questions)}
    questions.sort(key=lambda q: (-q.asked, -q.resonance, order[id(q)]))
    return questions[:limit] if limit is not None else questions

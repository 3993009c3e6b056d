"""Sub-theme labels: a phrase of the members' own words that sets their group apart.

A candidate is a contiguous span of a member's prose (2-5 words, inner function words kept,
starting and ending with a content word, never across a sentence end, punctuation or markup).
It scores by how many members hold its content stems, in any form and order, times how much
more the group holds them than the rest of its theme, with a mild preference for 2-4 words.
It is shown as its members most often wrote it, completed by the next word when it usually
stops mid-name ("a barbaric [practice]"). With text embeddings, the best few phrases are then
weighed by how close each one's meaning is to what sets the group apart (its members' mean
embedding less the theme's), so the label says what the group means, not only what it repeats.
A group of one is labelled by a short form of its text.
"""
from __future__ import annotations

import functools
import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from cafe.domain.harvest.words import STOPWORDS, prose, stem

# Optional embeddings of texts, the same callable the grouping takes (see cafe.wordvectors).
Embed = Callable[[Sequence[str]], Sequence[Sequence[float]]]

FALLBACK_LABEL = "Other"
MIN_WORDS, MAX_WORDS = 2, 5
# Bounds that keep a 5,000-insight theme quick: a span must hold one of the group's ANCHORS most
# distinctive stems, only the first SCANNED members are read for spans, and only the TRIED most
# often written content-stem sets are scored (coverage is still counted over every member).
ANCHORS = 6
SCANNED = 300
TRIED = 200
# With embeddings: how many of the best-scoring phrases are weighed by meaning, and how much
# meaning counts beside the word score (chosen on the development half of bench/harvest.py).
WEIGHED = 8
MEANING = 0.5
_SENTENCE_END = re.compile(r"[.!?;:\n]")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# What may stand between two words of one phrase: space, or a hyphen or slash joining them.
_JOINER = re.compile(r"\s+|[-/]")
# Words that open a new clause: a phrase stops before them ("journalism is because the ...").
_CLAUSE = frozenset("""
because but if although though whereas unless since so than then however therefore thus
otherwise""".split())
# Words that open a noun phrase: a phrase that stops right before one likely lacks its object
# ("doctors take [an oath]").
_OPENS = frozenset("~" + w for w in """
a an the this that these those their his her its our my your some any every each""".split())
# Phrases a reader takes for a fragment: one that stops right after a modal ("cloning could
# cause"), on a general word ("should be able", "right to take"), or that runs into a relative
# clause ("schools that the parents") or into a second phrase ("marriage the couple"). They stay possible
# but weigh FRAGMENT_FIT of their score.
_MODALS = frozenset("~" + w for w in """
can could should would will must may might shall can't couldn't shouldn't wouldn't won't""".split())
_RELATIVE = frozenset(("~that", "~which"))
_ARTICLES = frozenset(("~a", "~an", "~the"))
FRAGMENT_FIT = 0.5
# Adverbs that only colour what stands next to them: inside a phrase they are kept like function
# words, but a label never starts or ends on one ("Data alone never").
_COLOUR = frozenset("""
never actually simply usually probably definitely certainly truly merely hardly rarely""".split())
# General words that carry no idea on their own; fine inside a phrase, never its reason.
_WEAK = frozenset(stem(w) for w in """
able allow already another anyone believe better certain create easy everybody everyone example
feel good help keep kind know lead mean people person place provide put reason someone sure
take tell try part year""".split())


@dataclass(frozen=True)
class _Token:
    key: str  # the stem of a content word; a function word lower case, after a "~"
    content: bool
    shown: str  # as a label shows it: lower case unless an acronym or a name mid-sentence
    possessive: bool
    start: int
    end: int


@dataclass(frozen=True)
class _Text:
    prose: str
    runs: tuple[tuple[_Token, ...], ...]  # word runs no phrase may cross
    stems: frozenset[str]


def _sentence_case(label: str) -> str:
    return label[:1].upper() + label[1:]


def short_text(text: str, max_words: int = MAX_WORDS) -> str:
    """A few words from the start of a text, trimmed of filler at both ends."""
    text = prose(text)
    first = _SENTENCE_END.split(text.strip(), maxsplit=1)[0] or text
    found = _WORD.findall(first) or _WORD.findall(text)
    picked = found
    while picked and picked[0].casefold() in STOPWORDS:
        picked = picked[1:]
    picked = picked[:max_words]
    while picked and picked[-1].casefold() in STOPWORDS:
        picked = picked[:-1]
    picked = picked or found[:max_words]
    if not picked:
        return FALLBACK_LABEL
    return _sentence_case(" ".join(picked))


@functools.lru_cache(maxsize=16384)
def _read(text: str) -> _Text:
    """A text's word runs and content stems; cached, as a theme's texts are read for each group."""
    clean = prose(text)
    shouting = clean.isupper()
    runs: list[tuple[_Token, ...]] = []
    run: list[_Token] = []
    last_end = 0
    sentence_start = True
    for match in _WORD.finditer(clean):
        gap = clean[last_end:match.start()]
        lower = match.group().casefold().replace("’", "'")
        if run and (not _JOINER.fullmatch(gap) or lower in _CLAUSE):
            runs.append(tuple(run))
            run = []
        if _SENTENCE_END.search(gap) or not last_end:
            sentence_start = True
        raw = match.group()
        bare = lower.removesuffix("'s")
        content = (lower not in STOPWORDS and lower not in _COLOUR and bare.replace("'", "").isalpha()
                   and (len(bare) >= 3 or (raw.isupper() and len(raw) > 1)))
        if shouting or raw.islower():
            shown = lower
        elif raw.isupper() and len(raw) > 1:
            shown = raw  # an acronym
        elif lower == "i" or lower.startswith("i'"):
            shown = "I" + lower[1:]
        else:
            shown = raw if not sentence_start else lower  # a name mid-sentence keeps its capital
        run.append(_Token(stem(bare) if content else "~" + lower, content, shown, bare != lower,
                          match.start(), match.end()))
        last_end = match.end()
        sentence_start = False
    if run:
        runs.append(tuple(run))
    stems = frozenset(t.key for r in runs for t in r if t.content)
    return _Text(clean, tuple(runs), stems)


class ThemeWords:
    """Which texts of a theme hold each content stem, read once for all of its groups' labels."""

    def __init__(self, texts: Sequence[str], embed: Embed | None = None) -> None:
        self.texts = [_read(t) for t in texts]
        self.holding: dict[str, set[int]] = {}
        for i, found in enumerate(self.texts):
            for key in found.stems:
                self.holding.setdefault(key, set()).add(i)
        self.meaning = _Meaning.of([t.prose for t in self.texts], embed) if embed is not None else None

    def label(self, members: Sequence[int], avoid: Collection[str] = ()) -> str:
        """The label of the group of these text indices, against the rest of the theme; not one in avoid."""
        members = [i for i in members if self.texts[i].prose.strip()]
        if not members:
            return FALLBACK_LABEL
        n, total = len(members), len(self.texts)
        others = total - n
        inside = set(members)
        df_in: Counter[str] = Counter(k for i in members for k in self.texts[i].stems)

        def score(dfg: int, dfo: int) -> float:
            # common in the group and rare overall (IDF), and more common here than elsewhere (lift)
            share = dfg / n
            lift = share / ((dfo + 1) / (others + 1)) if others else 1.0
            return share * math.log((total + 1) / (dfg + dfo + 0.5)) * float(min(lift, 4.0) ** 0.5)

        ranked = sorted(df_in, key=lambda k: (-score(df_in[k], len(self.holding[k]) - df_in[k]), k))
        anchors = frozenset(([k for k in ranked if k not in _WEAK] or ranked)[:ANCHORS])
        taken = {a.casefold() for a in avoid}
        if n > 1:
            spans = _spans((self.texts[i] for i in members[:SCANNED]), anchors)
            best = self._best(spans, inside, score, taken)
            if best:
                return best
        # Nothing the members wrote makes a phrase: a short form of the member that carries most of
        # the group's distinctive words says more than a lone word.
        def weight(i: int) -> float:
            return sum(score(df_in[k], len(self.holding[k]) - df_in[k]) for k in self.texts[i].stems)
        best_member = max(members, key=lambda i: (weight(i), -i))
        return short_text(self.texts[best_member].prose)

    def _best(self, spans: dict[tuple[str, ...], _Span], inside: set[int],
              score: Callable[[int, int], float], taken: set[str]) -> str | None:
        """The best-scoring phrase as its members most often wrote it, not one already taken."""
        by_stems: dict[frozenset[str], list[tuple[str, ...]]] = {}
        for key in spans:
            by_stems.setdefault(frozenset(k for k in key if k[0] != "~"), []).append(key)
        written = {s: sum(spans[k].texts for k in keys) for s, keys in by_stems.items()}
        tried = sorted(by_stems, key=lambda s: (-written[s], sorted(s)))[:TRIED]
        scored = []
        for stems in tried:
            holders = sorted((self.holding[k] for k in stems), key=len)
            everywhere = set.intersection(*holders)
            here = len(everywhere & inside)
            # of the ways these stems were written as a phrase: the most used, less so when it
            # usually cuts a name in two
            key = max(by_stems[stems], key=lambda k: (spans[k].texts * _whole(spans[k]), -len(k), k))
            fit = (1.0 if len(key) <= 4 else 0.85) * _shape(key)  # a mild preference for 2-4 words
            scored.append((-score(here, len(everywhere) - here) * fit, -spans[key].texts, len(key), key))
        scored.sort()
        picked: list[tuple[float, str]] = []
        for value, *_, key in scored:
            label = _sentence_case(_mended(spans[key], len(key)))
            if label.casefold() not in taken and all(label != p for _, p in picked):
                picked.append((-value, label))
                if self.meaning is None or len(picked) >= WEIGHED:
                    break
        if not picked:
            return None
        return self.meaning.weigh(picked, inside) if self.meaning is not None else picked[0][1]


class _Meaning:
    """A theme's texts embedded, less their mean: what a group's texts mean beyond the theme's topic."""

    def __init__(self, rows: np.ndarray, mean: np.ndarray, embed: Embed) -> None:
        self.rows, self.mean, self.embed = rows, mean, embed

    @classmethod
    def of(cls, texts: Sequence[str], embed: Embed) -> _Meaning | None:
        """The embedded theme, or None when the embeddings say nothing usable."""
        said = [i for i, t in enumerate(texts) if t.strip()]
        found = _unit(embed([texts[i] for i in said])) if said else None
        if found is None or len(found) != len(said):
            return None
        mean = found.mean(axis=0)
        rows = np.zeros((len(texts), found.shape[1]))
        rows[said] = found - mean  # texts without words (not quotable) stay zero and add nothing
        return cls(rows, mean, embed)

    def weigh(self, picked: Sequence[tuple[float, str]], inside: Collection[int]) -> str:
        """Of phrases with their word scores (best first), the best on words and meaning together."""
        centre = self.rows[sorted(inside)].sum(axis=0)
        phrases = _unit(self.embed([label for _, label in picked]))
        norm = float(np.linalg.norm(centre))
        if phrases is None or len(phrases) != len(picked) or norm == 0:
            return picked[0][1]
        closeness = _unit(phrases - self.mean) @ (centre / norm)
        top = picked[0][0] or 1.0
        values = [score / top + MEANING * float(near) for (score, _), near in zip(picked, closeness, strict=False)]
        return picked[int(np.argmax(values))][1]  # ties go to the better word score


def _unit(found: Sequence[Sequence[float]]) -> np.ndarray | None:
    """Rows scaled to unit length, or None when they are not a finite matrix."""
    rows = np.asarray(found, dtype=float)
    if rows.ndim != 2 or not np.isfinite(rows).all():
        return None
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms > 0, norms, 1.0)


@dataclass
class _Span:
    """How one phrase (by its words' keys) was written across a group's texts."""

    wordings: Counter[str] = field(default_factory=Counter)
    texts: int = 0
    # What stood right before it when that was a content word, and what followed up to the next
    # content word when that began at once or after an article: the phrase then cuts a name in
    # two ("[death] penalty is", "a barbaric [practice]") or stops short of its object
    # ("doctors take [an oath]"). None when it did not.
    before: Counter[str | None] = field(default_factory=Counter)
    after: Counter[tuple[str, int] | None] = field(default_factory=Counter)


def _shape(key: tuple[str, ...]) -> float:
    """1 for a phrase that reads as whole, FRAGMENT_FIT for one that reads as a fragment."""
    fragment = (key[-1] in _WEAK or key[-2] in _MODALS or any(k in _RELATIVE for k in key[1:-1])
                or any(b in _ARTICLES and a[0] != "~" for a, b in itertools.pairwise(key)))
    return FRAGMENT_FIT if fragment else 1.0


def _whole(span: _Span) -> float:
    """1 for a phrase that never cuts a name in two, down to 0.3 for one that always does."""
    cut = 0.5 * (span.texts - span.after[None]) + 0.2 * (span.texts - span.before[None])
    return 1 - cut / span.texts


def _mended(span: _Span, size: int) -> str:
    """The phrase's most common wording, completed by the words most writers went on with (or
    began with) when it usually cuts a name in two, within five words."""
    # ties go to the wording written first (counters keep the members' order)
    shown = max(span.wordings.items(), key=lambda kv: kv[1])[0]
    tail, times = max(span.after.items(), key=lambda kv: kv[1])
    if tail and times * 2 > span.texts and size + tail[1] <= MAX_WORDS:
        shown, size = shown + tail[0], size + tail[1]
    head, times = max(span.before.items(), key=lambda kv: kv[1])
    if head and times * 2 > span.texts and size < MAX_WORDS:
        shown = head + shown
    return shown


def _spans(texts: Iterable[_Text], anchors: frozenset[str]) -> dict[tuple[str, ...], _Span]:
    """Every 2-5 word span that starts and ends with a content word and holds an anchor stem,
    keyed by its words (content words by stem), counted once per text."""
    found: dict[tuple[str, ...], _Span] = {}
    for text in texts:
        seen: set[tuple[str, ...]] = set()
        for run in text.runs:
            for a, first in enumerate(run):
                if not first.content or first.key in _WEAK:
                    continue  # "people to die", "help kids": a general word does not lead
                held = first.key in anchors
                filler = 0  # function words in a row: more than two read as a fragment
                for b in range(a + 1, min(a + MAX_WORDS, len(run))):
                    last = run[b]
                    held = held or last.key in anchors
                    filler = 0 if last.content else filler + 1
                    if filler > 2:
                        break
                    if not (last.content and held) or last.possessive:
                        continue
                    key = tuple(t.key for t in run[a:b + 1])
                    stems = [k for k in key if k[0] != "~"]
                    if key in seen or len(set(stems)) < len(stems):
                        continue  # once per text; and no "care and care"
                    seen.add(key)
                    span = found.setdefault(key, _Span())
                    span.wordings[_wording(text.prose, run[a:b + 1])] += 1
                    span.texts += 1
                    span.before[_wording(text.prose, run[a - 1:a + 1])[:-len(first.shown)]
                                if a and run[a - 1].content else None] += 1
                    span.after[_tail(text.prose, run, b)] += 1
    return found


def _tail(clean: str, run: Sequence[_Token], b: int) -> tuple[str, int] | None:
    """What follows word b up to the next content word, if that comes at once or after an article."""
    end = b + 1 + (b + 1 < len(run) and run[b + 1].key in _OPENS)
    if end >= len(run) or not run[end].content or run[end].possessive:
        return None
    return _wording(clean, run[b:end + 1])[len(run[b].shown):], end - b


def _wording(clean: str, words: Sequence[_Token]) -> str:
    """The words as written, joined by a space, or by the hyphen or slash that joined them."""
    out = words[0].shown
    for before, word in itertools.pairwise(words):
        out += (clean[before.end:word.start].strip() or " ") + word.shown
    return out


def label_for(texts: Sequence[str], others: Sequence[str] = (), avoid: Collection[str] = ()) -> str:
    """A 2-5 word phrase of the group's own words that sets it apart from the others."""
    texts = [t for t in texts if t.strip()]
    if not texts:
        return FALLBACK_LABEL
    if len(texts) == 1:
        return short_text(texts[0])
    return ThemeWords([*texts, *others]).label(range(len(texts)), avoid)

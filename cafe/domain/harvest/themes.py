"""The harvest: each theme's insights grouped into labelled sub-themes, with quotes and voices."""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from cafe.domain.harvest.grouping import Vector, WordVectors, centroid, cosine, group_texts, tokens, vectorize
from cafe.domain.harvest.duplicates import near_duplicates
from cafe.domain.harvest.labels import FALLBACK_LABEL, ThemeWords, label_for, short_text
from cafe.domain.perspective import PERSPECTIVES
from cafe.domain.harvest.privacy import PRIVATE_LABEL, quotable, shown_text

__all__ = ["FALLBACK_LABEL", "PRIVATE_LABEL", "HarvestInsight", "Subtheme", "ThemeHarvest", "build_harvest",
           "count_perspectives", "label_for", "short_text"]
NOT_GIVEN = "not_given"


@dataclass(frozen=True)
class HarvestInsight:
    """One insight as the harvest sees it."""

    id: str
    theme: str
    table: int
    round: int
    text: str
    perspective: str | None
    resonance: int
    do_not_quote: bool = False


@dataclass(frozen=True)
class Subtheme:
    """A group of insights on one idea, most resonating first, with a quote that may be shown."""

    label: str
    insight_ids: tuple[str, ...]
    quote: str | None
    # Insights that say the same thing, each set in insight_ids' order: the first is the one shown.
    duplicates: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class ThemeHarvest:
    """What a theme's conversations produced, ready to show on the wall or export."""

    theme: str
    insight_count: int
    subthemes: tuple[Subtheme, ...]
    top_insight_ids: tuple[str, ...]
    perspectives: dict[str, int]


def _quote(members: Sequence[int], insights: Sequence[HarvestInsight],
           vectors: Sequence[Vector]) -> str | None:
    """The quotable insight nearest the group's centre; resonance, then order, break ties."""
    quotable = [i for i in members if not insights[i].do_not_quote]
    if not quotable:
        return None
    centre = centroid([vectors[i] for i in members])
    best = max(quotable, key=lambda i: (round(cosine(vectors[i], centre), 2), insights[i].resonance, -i))
    return insights[best].id


def _remembering(word_vectors: WordVectors | None) -> WordVectors | None:
    """The same embeddings, each text embedded once: grouping and labels both ask for a theme's texts."""
    if word_vectors is None:
        return None
    known: dict[str, Sequence[float]] = {}

    def embed(found: Sequence[str]) -> Sequence[Sequence[float]]:
        missing = [t for t in dict.fromkeys(found) if t not in known]
        if missing:
            fresh = word_vectors(missing)
            if len(fresh) != len(missing):
                return fresh if len(missing) == len(found) else word_vectors(found)
            known.update(zip(missing, fresh, strict=False))
        return [known[t] for t in found]
    return embed


def _theme_harvest(theme: str, insights: Sequence[HarvestInsight], k: int | None,
                   word_vectors: WordVectors | None) -> ThemeHarvest:
    word_vectors = _remembering(word_vectors)
    texts = [ins.text for ins in insights]
    vectors = vectorize([tokens(t) for t in texts])
    groups = group_texts(texts, k, word_vectors)
    groups.sort(key=lambda g: (-len(g), -sum(insights[i].resonance for i in g), min(g)))
    subthemes: list[Subtheme] = []
    seen: set[str] = set()
    # Grouping reads every text (so sizes stay right), but a label shows words, so it is built from
    # quotable ones only: the theme's words are read once, without the unquotable ones, and each
    # group is set against the rest of its theme.
    theme_words = ThemeWords([shown_text(ins) for ins in insights], word_vectors)
    for members in groups:
        quote = _quote(members, insights, vectors)
        if quote is None:
            label = PRIVATE_LABEL  # no member may be quoted, so none of their words may name it
        else:
            label = theme_words.label(members, avoid=seen)
            if label in seen:
                label = short_text(next(ins.text for ins in insights if ins.id == quote))
            seen.add(label)
        ordered = sorted(members, key=lambda i: (-insights[i].resonance, i))
        same = tuple(tuple(insights[ordered[j]].id for j in found)
                     for found in near_duplicates([texts[i] for i in ordered]))
        subthemes.append(Subtheme(label, tuple(insights[i].id for i in ordered), quote, same))
    top = sorted((i for i, ins in enumerate(insights) if ins.resonance > 0 and quotable(ins)),
                 key=lambda i: (-insights[i].resonance, i))[:3]
    return ThemeHarvest(theme, len(insights), tuple(subthemes),
                        tuple(insights[i].id for i in top), count_perspectives(insights))


def count_perspectives(insights: Sequence[HarvestInsight]) -> dict[str, int]:
    """Insights per perspective, known keys in form order, then others, then not given."""
    counts = Counter(ins.perspective or NOT_GIVEN for ins in insights)
    order = [p for p in PERSPECTIVES if p in counts]
    order += sorted(p for p in counts if p not in PERSPECTIVES and p != NOT_GIVEN)
    order += [NOT_GIVEN] if NOT_GIVEN in counts else []
    return {p: counts[p] for p in order}


def build_harvest(insights: Sequence[HarvestInsight], themes: Sequence[str], *, k: int | None = None,
                  word_vectors: WordVectors | None = None) -> tuple[ThemeHarvest, ...]:
    """One harvest per theme in the given order, then any themes only the insights name.

    k asks for that many sub-themes in every theme; word vectors, when given, help grouping."""
    by_theme: dict[str, list[HarvestInsight]] = {t: [] for t in themes}
    for ins in insights:
        by_theme.setdefault(ins.theme, []).append(ins)
    return tuple(_theme_harvest(theme, items, k, word_vectors) for theme, items in by_theme.items())

"""Sub-theme labels read as a writer would keep them: whole phrases, close to what the group means,
and built from quotable words only."""
from __future__ import annotations

from cafe.domain.harvest.themes import HarvestInsight, build_harvest
from cafe.domain.harvest.labels import ThemeWords, label_for
from cafe.domain.harvest.privacy import PRIVATE_LABEL, shown_text

PARKS = ["Parks need cleaning", "Parks need benches", "Lovely parks near the river"]


def money_vectors(found):
    """Ticket and price words point one way, park words another, the rest nowhere; a text sums its words."""
    def one(word: str) -> list[float]:
        word = word.strip(",.").lower()
        return [1.0, 0.0] if word.startswith(("ticket", "price")) else [0.0, 1.0] if word.startswith("park") else [0.0, 0.0]
    return [[sum(v) for v in zip(*(one(w) for w in text.split()), strict=False)] for text in found]


def test_of_equally_shared_phrases_the_one_closest_to_the_groups_meaning_is_the_label():
    group = ["Ticket prices and green buses", "Green buses and ticket prices", "Ticket prices, green buses"]
    words_only = ThemeWords(group + PARKS).label(range(3))
    weighed = ThemeWords(group + PARKS, money_vectors).label(range(3))
    assert words_only == "Green buses"  # a tie on words alone goes by spelling order
    assert weighed == "Ticket prices"


def test_a_label_does_not_stop_right_after_a_modal():
    group = ["Human cloning could cause genetic defects", "Human cloning could cause health problems",
             "Human cloning could cause suffering in children"]
    label = label_for(group, ["Marriage is old", "Voting should be compulsory", "Taxes pay for schools"])
    assert label == "Human cloning"


def test_a_label_does_not_run_into_a_second_phrase():
    group = ["In a marriage the couple shares costs", "In a marriage the couple shares a home",
             "A marriage the couple trusts"]
    label = label_for(group, ["Voting should be compulsory", "Taxes pay for schools"]).lower()
    assert "marriage the" not in label, label


def test_meaning_is_read_from_quotable_words_only():
    asked: list[str] = []

    def recording(found):
        asked.extend(found)
        return money_vectors(found)
    insights = [HarvestInsight(f"i{n}", "T", 1, 1, text, None, 0, do_not_quote=n < 2)
                for n, text in enumerate(["Zephyrquill ticket prices", "Zephyrquill ticket prices again",
                                          "Ticket prices are high", "Ticket prices went up", *PARKS])]
    ThemeWords([shown_text(i) for i in insights], recording).label(range(4))
    assert asked and not any("zephyrquill" in text.lower() for text in asked)


def test_a_group_of_only_unquotable_insights_keeps_its_neutral_label_with_embeddings():
    private = [HarvestInsight(f"p{n}", "T", 1, 1, f"Zephyrquill ticket prices story {n}", None, 0, True)
               for n in range(3)]
    public = [HarvestInsight(f"q{n}", "T", 1, 1, text, None, 0) for n, text in enumerate(PARKS)]
    (theme,) = build_harvest(private + public, ["T"], k=2, word_vectors=money_vectors)
    labels = {frozenset(s.insight_ids): s.label for s in theme.subthemes}
    assert labels[frozenset(p.id for p in private)] == PRIVATE_LABEL
    assert not any("zephyrquill" in label.lower() for label in labels.values())


def test_grouping_and_labels_embed_each_text_of_a_theme_once():
    asked: list[str] = []

    def counting(found):
        asked.extend(found)
        return money_vectors(found)
    texts = ["Ticket prices are high", "Ticket prices went up", "Prices of tickets hurt", *PARKS]
    build_harvest([HarvestInsight(f"i{n}", "T", 1, 1, t, None, 0) for n, t in enumerate(texts)], ["T"], k=2,
                  word_vectors=counting)
    assert asked and len(asked) == len(set(asked))

"""Rules of the harvest: grouping, labels, quotes, top insights and perspective counts."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cafe.domain.harvest import grouping, labels, themes
from cafe.domain.harvest.grouping import group_texts, stem
from cafe.domain.harvest.crosscut import crosscutting
from cafe.domain.harvest.themes import HarvestInsight, build_harvest, label_for

TRANSPORT = [
    "The bus service is too infrequent in the evenings",
    "More buses at night so people can get home",
    "Bus routes do not reach the outer estates",
    "Cheaper bus fares for young people and evening buses",
]
MONEY = [
    "Funding for the charity was cut this year",
    "Grant funding is short term and hard to plan with",
    "Small charities need longer funding agreements",
    "The funding application forms take weeks to complete",
]
TRAINING = [
    "Volunteers want training and mentoring before they start",
    "Mentoring schemes help new volunteers settle in",
    "Training volunteers in first aid and safeguarding",
    "A mentoring buddy for every new volunteer",
]
TOPICS = [TRANSPORT, MONEY, TRAINING]
SENTENCES = [s for topic in TOPICS for s in topic]


def insight(n: int, text: str, *, theme: str = "Community", resonance: int = 0,
            perspective: str | None = None, do_not_quote: bool = False) -> HarvestInsight:
    return HarvestInsight(id=f"i{n}", theme=theme, table=1 + n % 3, round=1, text=text,
                          perspective=perspective, resonance=resonance, do_not_quote=do_not_quote)


def as_sets(groups: list[list[int]]) -> set[frozenset[int]]:
    return {frozenset(g) for g in groups}


def test_every_insight_appears_in_exactly_one_subtheme():
    insights = [insight(n, text) for n, text in enumerate(SENTENCES * 2)]
    (theme,) = build_harvest(insights, ["Community"])
    ids = [i for sub in theme.subthemes for i in sub.insight_ids]
    assert sorted(ids) == sorted(ins.id for ins in insights)
    assert theme.insight_count == len(insights)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=25), st.one_of(st.none(), st.integers(1, 30)))
def test_every_index_is_grouped_exactly_once_whatever_the_text(texts, k):
    groups = group_texts(texts, k)
    assert sorted(i for g in groups for i in g) == list(range(len(texts)))
    assert all(groups)
    if k is not None:
        assert len(groups) == min(k, len(texts))


@pytest.mark.parametrize("k", [1, 2, 3, 5, 12, 40])
def test_k_is_honoured(k):
    assert len(group_texts(SENTENCES, k)) == min(k, len(SENTENCES))


@pytest.mark.parametrize("k", [3, None])
def test_obvious_topical_groups_are_separated(k):
    expected = {frozenset(range(start, start + 4)) for start in (0, 4, 8)}
    assert as_sets(group_texts(SENTENCES, k)) == expected


def test_near_duplicates_land_together():
    texts = [*SENTENCES, "More buses at night so people can get home!", "small charities need longer funding agreements"]
    for k in (3, 6, 10, None):
        groups = group_texts(texts, k)
        assert any({1, 12} <= set(g) for g in groups), k
        assert any({6, 13} <= set(g) for g in groups), k


def test_empty_input_works():
    assert group_texts([]) == []
    assert group_texts([], 3) == []
    assert label_for([]) == "Other"
    assert build_harvest([], []) == ()
    (empty,) = build_harvest([], ["Housing"])
    assert empty.theme == "Housing" and empty.insight_count == 0
    assert empty.subthemes == () and empty.top_insight_ids == () and empty.perspectives == {}


def test_labels_are_one_to_five_words_and_never_empty():
    insights = [insight(n, text) for n, text in enumerate([*SENTENCES, "", "ok", "?!", "a the of"])]
    (theme,) = build_harvest(insights, ["Community"])
    labels = [sub.label for sub in theme.subthemes]
    for text_group in (TRANSPORT, MONEY, TRAINING, ["x"], ["", " "], ["the and of"], [SENTENCES[0]]):
        labels.append(label_for(text_group, SENTENCES))
    for label in labels:
        assert label.strip() and 1 <= len(label.replace(",", " ").split()) <= 5, label


def test_labels_name_the_group_by_its_distinctive_words():
    assert "bus" in label_for(TRANSPORT, MONEY + TRAINING).lower()
    assert "funding" in label_for(MONEY, TRANSPORT + TRAINING).lower()
    assert {"training", "mentoring", "volunteers"} & set(label_for(TRAINING, TRANSPORT + MONEY).lower().replace(",", "").split())


def test_a_group_of_one_is_labelled_with_a_short_form_of_its_text():
    assert label_for(["We should fund more youth clubs in rural villages"]) == "Fund more youth clubs"


def test_do_not_quote_is_never_the_quote_nor_a_top_insight():
    insights = [insight(n, text, resonance=10 - n % 10, do_not_quote=n % 2 == 0)
                for n, text in enumerate(SENTENCES)]
    (theme,) = build_harvest(insights, ["Community"])
    hidden = {ins.id for ins in insights if ins.do_not_quote}
    assert all(sub.quote not in hidden for sub in theme.subthemes)
    assert all((sub.quote is None) == (set(sub.insight_ids) <= hidden) for sub in theme.subthemes)
    assert not hidden & set(theme.top_insight_ids)


def test_quote_is_none_when_every_insight_is_do_not_quote():
    insights = [insight(n, text, resonance=3, do_not_quote=True) for n, text in enumerate(TRANSPORT)]
    (theme,) = build_harvest(insights, ["Community"])
    assert [sub.quote for sub in theme.subthemes] == [None] * len(theme.subthemes)
    assert theme.top_insight_ids == ()


def test_quote_is_central_and_resonance_breaks_ties():
    same = "Mentoring schemes help new volunteers settle in"
    insights = [insight(0, same, resonance=1), insight(1, same, resonance=5), insight(2, same)]
    (theme,) = build_harvest(insights, ["Community"])
    assert theme.subthemes[0].quote == "i1"
    assert theme.subthemes[0].insight_ids == ("i1", "i0", "i2")


def test_top_insights_are_the_three_most_resonating_ties_by_position():
    resonance = [0, 2, 5, 2, 0, 7, 2, 0, 0, 1, 0, 0]
    insights = [insight(n, text, resonance=r) for n, (text, r) in enumerate(zip(SENTENCES, resonance, strict=False))]
    (theme,) = build_harvest(insights, ["Community"])
    assert theme.top_insight_ids == ("i5", "i2", "i1")
    quiet = [insight(n, text) for n, text in enumerate(SENTENCES)]
    assert build_harvest(quiet, ["Community"])[0].top_insight_ids == ()


def test_subthemes_are_ranked_by_size_then_resonance():
    insights = [insight(n, text, resonance=5 if text in MONEY else 0)
                for n, text in enumerate(SENTENCES + TRAINING[:2])]
    (theme,) = build_harvest(insights, ["Community"])
    sizes = [len(sub.insight_ids) for sub in theme.subthemes]
    assert sizes == sorted(sizes, reverse=True)
    assert {"i4", "i5", "i6", "i7"} == set(theme.subthemes[1].insight_ids)


def test_perspective_counts_add_up():
    keys = ["practitioner", None, "lived_experience", "practitioner", "researcher", None, "other"]
    insights = [insight(n, SENTENCES[n], perspective=p) for n, p in enumerate(keys)]
    (theme,) = build_harvest(insights, ["Community"])
    assert sum(theme.perspectives.values()) == theme.insight_count == len(keys)
    assert theme.perspectives == {"lived_experience": 1, "practitioner": 2, "researcher": 1,
                                  "other": 1, "not_given": 2}


def test_themes_keep_their_order_and_unknown_themes_come_last():
    insights = [insight(0, TRANSPORT[0], theme="Getting around"),
                insight(1, MONEY[0], theme="Stray"),
                insight(2, MONEY[1], theme="Money")]
    result = build_harvest(insights, ["Money", "Empty", "Getting around"])
    assert [t.theme for t in result] == ["Money", "Empty", "Getting around", "Stray"]
    assert [t.insight_count for t in result] == [1, 0, 1, 1]


def test_stemmer_joins_word_families():
    assert stem("volunteers") == stem("volunteering") == stem("volunteered") == "volunteer"
    assert stem("caring") == stem("cares") == "care"
    assert stem("studies") == "study"


def test_grouping_of_a_thousand_insights_is_quick():
    import time
    texts = [f"{s} {n % 17}" for n in range(84) for s in SENTENCES][:1000]
    started = time.perf_counter()
    groups = group_texts(texts)
    assert time.perf_counter() - started < 3.0  # generous for slow CI; about 0.3 s here
    assert sum(map(len, groups)) == 1000


@pytest.mark.parametrize("module", [grouping, themes, labels])
def test_the_harvest_core_imports_no_framework(module):
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    names = {alias.name.split(".")[0] for node in ast.walk(tree)
             if isinstance(node, ast.Import) for alias in node.names}
    names |= {(node.module or "").split(".")[0] for node in ast.walk(tree)
              if isinstance(node, ast.ImportFrom)}
    assert not names & {"flask", "flask_socketio", "sqlalchemy", "eventlet", "datetime", "time"}


def test_a_text_sharing_no_words_joins_a_group_rather_than_splitting_topics():
    texts = [*SENTENCES, "ok", "Buses buses buses"]
    groups = as_sets(group_texts(texts))
    for start in (0, 4, 8):
        assert any(set(range(start, start + 4)) <= g for g in groups)
    assert len(groups) == 3


def test_labels_ignore_markup_and_code():
    texts = ["<script>alert(1)</script> Peer support networks keep people going",
             "Peer support networks for carers <b>matter</b>",
             "We need peer support networks; see foo.bar() and onClick=alert(2)"]
    for label in (label_for(texts, MONEY), label_for(texts[:1]), label_for(["<script>alert(1)</script>"])):
        assert not {"alert", "script", "foo", "bar", "onclick", "b"} & set(label.lower().split()), label
    assert "peer support" in label_for(texts, MONEY).lower()


def test_labels_of_groups_are_two_to_five_words_a_person_would_write():
    for group, rest in ((TRANSPORT, MONEY + TRAINING), (MONEY, TRANSPORT + TRAINING), (TRAINING, TRANSPORT + MONEY)):
        label = label_for(group, rest)
        assert 2 <= len(label.split()) <= 5 and "," not in label, label
        assert label[0].isupper(), label


def test_build_harvest_honours_k_in_every_theme():
    insights = [insight(n, text, theme="AB"[n % 2]) for n, text in enumerate(SENTENCES * 2)]
    for k in (1, 2, 5):
        assert [len(t.subthemes) for t in build_harvest(insights, ["A", "B"], k=k)] == [k, k]


def test_a_subtheme_heard_under_two_themes_is_cross_cutting():
    themes = {
        "Health": [("Bus", TRANSPORT[:2]), ("Funding", MONEY[:2])],
        "Youth": [("Buses", TRANSPORT[2:]), ("Mentoring", TRAINING)],
        "Arts": [("Volunteer", TRAINING[:1])],
    }
    patterns = crosscutting(themes)
    assert [(p.groups, p.members) for p in patterns if "Health" in p.groups] == [
        (("Health", "Youth"), (("Health", 0), ("Youth", 0)))]
    assert all(len(p.groups) >= 2 for p in patterns)
    assert crosscutting({}) == [] and crosscutting({"Only": [("Bus", TRANSPORT)]}) == []


def fake_word_vectors(found):
    """Money words point one way, park words another, the rest nowhere; a text sums its words."""
    money = {"fee", "fees", "fares", "cost", "costs", "price", "prices"}

    def one(word):
        return [1.0, 0.0] if word in money else [0.0, 1.0] if word.startswith("park") else [0.0, 0.0]
    return [[sum(v) for v in zip(*(one(w) for w in text.lower().split()), strict=False)] for text in found]


def test_text_embeddings_group_texts_that_share_no_word():
    texts = ["The fees are high", "Prices went up again", "Costs hurt", "Prices for tickets",
             "Parks need cleaning", "Lovely parks", "Park benches", "Parking is hard"]
    assert as_sets(group_texts(texts, 2, fake_word_vectors)) == {frozenset(range(4)), frozenset(range(4, 8))}


def test_near_identical_insights_in_a_subtheme_are_marked_once_with_the_most_resonant_shown():
    texts = ["Buses should run later at night", "buses should run later at night!",
             "The buses should run later at night", "Funding for the charity was cut"]
    insights = [insight(n, t, resonance=[0, 3, 0, 0][n]) for n, t in enumerate(texts)]
    (theme,) = build_harvest(insights, ["Community"], k=1)
    assert theme.subthemes[0].duplicates == (("i1", "i0", "i2"),)
    (theme,) = build_harvest([insight(n, t) for n, t in enumerate(SENTENCES)], ["Community"])
    assert all(s.duplicates == () for s in theme.subthemes)


def test_word_vectors_let_related_words_meet():
    texts = ["The fees are high", "Prices went up again", "The fees hurt", "Prices for tickets",
             "Parks need cleaning", "Parks are lovely", "Cleaning the parks", "Parks need benches"]
    groups = group_texts(texts, 2, fake_word_vectors)
    assert as_sets(groups) == {frozenset({0, 1, 2, 3}), frozenset({4, 5, 6, 7})}


@pytest.mark.parametrize(("n", "expected"), [(12, 2), (32, 3), (80, 4), (110, 5), (400, 6)])
def test_the_own_count_grows_like_the_log_of_the_number_of_insights(n, expected):
    linked = [(0.3, 0, i) for i in range(1, n)]  # every text shares some word with another
    assert grouping.choose_k(n, linked) == expected
    assert grouping.choose_k(400, linked[:399], total=5000) == 9  # a sample speaks for the whole


def test_the_own_count_moves_by_one_at_most_as_the_groups_come_out_even_or_not():
    linked = [(0.3, 0, i) for i in range(1, 80)]  # ln(80) rounds to 4
    assert grouping.choose_k(80, linked, evenness=grouping.EVEN_CENTRE) == 4
    assert grouping.choose_k(80, linked, evenness=1.0) == 5  # even groups: more distinct ideas
    assert grouping.choose_k(80, linked, evenness=0.5) == 3  # one group takes most: fewer
    assert grouping.choose_k(80, linked, evenness=0.0) == 3  # never more than one fewer
    assert grouping.evenness(np.array([0, 0, 1, 1])) == pytest.approx(1.0)
    assert grouping.evenness(np.array([0] * 9 + [1])) < 0.7


HOUSING = ["Rents in the town are too high for young families", "Young families cannot find rents they can afford in town",
           "Affordable rents would keep families in the town", "High rents push young families out of town",
           "The town needs homes with fair rents for families", "Families leave because the rents in town keep rising"]
BUSES = ["Buses in the town stop running early in the evening", "Evening buses would help people get around town",
         "The town bus routes miss the evening shifts", "More evening buses through the town centre",
         "Late buses so the town is reachable in the evening", "Evening bus timetables in town are too thin"]
PARK = ["The town park needs cleaning and new benches", "Benches in the park are broken across town",
        "Clean the park paths and fix the town benches", "A cleaner park with benches for older people in town",
        "Park litter and broken benches put people off the town", "The park by the town hall needs benches and bins"]
MEALS = ["School meals in town should be free for every child", "Free school meals help every child in town learn",
         "Every child in the town deserves a free school meal", "Town schools could serve free meals to each child",
         "A free meal at school for every child in town", "Hungry children cannot learn: free school meals in town"]


def test_clearly_separate_even_groups_are_all_found_though_ln_n_says_fewer():
    # 24 texts, all about the town: ln(24) rounds to 3, but four even groups come out
    texts = HOUSING + BUSES + PARK + MEALS
    assert as_sets(group_texts(texts)) == {frozenset(range(s, s + 6)) for s in (0, 6, 12, 18)}
    k, even = grouping.own_count(texts)
    assert k == 4 and even is not None and even > 0.9


def test_the_own_count_keeps_apart_groups_that_share_no_word():
    # three pairs, nothing shared between pairs: three groups though ln(6) rounds to 2
    apart = [(0.8, 0, 1), (0.8, 2, 3), (0.8, 4, 5), (0.0, 0, 2), (0.0, 0, 4)]
    assert grouping.choose_k(6, apart) == 3


def test_words_every_text_uses_weigh_less_in_a_text_embedding():
    def vectors(found):
        axes = {"fees": [1.0, 0.0, 0.0], "parks": [0.0, 1.0, 0.0], "the": [0.0, 0.0, 1.0]}
        return [axes.get(w, [0.0, 0.0, 0.0]) for w in found]
    texts = ["the fees", "the parks", "the fees", "the parks"]
    pooled = grouping._weighted_words(texts, vectors)
    assert pooled[0][0] > 1.5 * pooled[0][2] and pooled[1][1] > 1.5 * pooled[1][2]


DYING = [
    "Everyone should have the right to die with dignity",
    "I believe in a right to die when suffering is unbearable",
    "The right to die is a basic freedom",
    "People deserve the right to die on their own terms",
]
DOCTORS = [
    "Doctors swear an oath to preserve life",
    "A doctor must never help end a life",
    "Doctors could be pressured by families",
    "The medical profession exists to heal",
]


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def _is_span_of_some(label: str, texts: list[str]) -> bool:
    want = _words(label)
    for text in texts:
        have = _words(text)
        if any(have[i:i + len(want)] == want for i in range(len(have) - len(want) + 1)):
            return True
    return False


def test_a_phrase_several_members_share_is_the_label_as_they_wrote_it():
    assert label_for(DYING, DOCTORS) == "Right to die"


@pytest.mark.parametrize(("group", "rest"), [
    (TRANSPORT, MONEY + TRAINING), (MONEY, TRANSPORT + TRAINING), (TRAINING, TRANSPORT + MONEY),
    (DYING, DOCTORS), (DOCTORS, DYING)])
def test_labels_are_contiguous_words_of_a_member_two_to_five_in_sentence_case(group, rest):
    label = label_for(group, rest)
    assert 2 <= len(label.split()) <= 5, label
    assert label[0].isupper() and label[1:] == label[1:].lower(), label
    assert _is_span_of_some(label, group), label


def test_labels_keep_inner_function_words_and_joiners():
    texts = ["Mainstream schools have violence and bullying every day",
             "There is so much violence and bullying in big schools",
             "Violence and bullying drive children out of class"]
    assert label_for(texts, DOCTORS) == "Violence and bullying"
    slashed = ["Kids face violence/bullying at school", "Violence/bullying is common", "So much violence/bullying"]
    assert label_for(slashed, DOCTORS) == "Violence/bullying"


def test_labels_do_not_join_words_across_sentences_or_clauses():
    texts = ["We need more parks. Funding matters most", "Lovely parks! Funding is short",
             "Green parks; funding for them", "Parks, funding, and benches"]
    label = label_for(texts, MONEY).lower()
    assert "parks funding" not in label and "parks. funding" not in label, label
    assert label_for(["Buses are late because drivers quit", "Buses are late because of traffic"],
                     MONEY).lower() != "buses are late because"


def test_labels_keep_acronyms_as_written_and_are_deterministic():
    texts = ["NHS waiting lists are far too long", "The NHS waiting lists keep growing",
             "Cut NHS waiting lists for carers"]
    label = label_for(texts, MONEY)
    assert "NHS" in label and label[0].isupper(), label
    assert all(label_for(texts, list(reversed(MONEY))) == label for _ in range(3))


def test_labels_within_a_theme_are_unique_and_phrases_of_their_members():
    texts = DYING + DOCTORS + TRANSPORT
    insights = [insight(n, text) for n, text in enumerate(texts)]
    (theme,) = build_harvest(insights, ["Community"], k=3)
    labels = [sub.label for sub in theme.subthemes]
    assert len(set(labels)) == len(labels)
    by_id = {ins.id: ins.text for ins in insights}
    for sub in theme.subthemes:
        assert _is_span_of_some(sub.label, [by_id[i] for i in sub.insight_ids]), sub.label

"""Rules of curation: every edit keeps each insight of a theme in exactly one sub-theme or hidden,
keeps ids stable, and never makes a "do not quote me" or hidden insight a quote."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cafe.domain.harvest import curation
from cafe.domain.harvest.curation import CurationError, Op, apply, from_harvest, from_json, reconcile, to_json
from cafe.domain.harvest.themes import HarvestInsight, ThemeHarvest, build_harvest

TEXTS = [
    "The bus service is too infrequent in the evenings",
    "More buses at night so people can get home",
    "Bus routes do not reach the outer estates",
    "Funding for the charity was cut this year",
    "Grant funding is short term and hard to plan with",
    "Small charities need longer funding agreements",
    "Volunteers want training and mentoring before they start",
    "Mentoring schemes help new volunteers settle in",
]


def insight(n: int, text: str, *, resonance: int = 0, do_not_quote: bool = False) -> HarvestInsight:
    return HarvestInsight(id=f"i{n}", theme="Community", table=1, round=1, text=text, perspective=None,
                          resonance=resonance, do_not_quote=do_not_quote)


def regroup(items, k) -> ThemeHarvest:
    if not items:
        return ThemeHarvest("", 0, (), (), {})
    return build_harvest(items, [items[0].theme], k=k)[0]


ITEMS = [insight(n, t, resonance=n % 3, do_not_quote=n == 1) for n, t in enumerate(TEXTS)]


def start(items=ITEMS, k=3) -> curation.Curation:
    return from_harvest(regroup(items, k))


def check(state: curation.Curation, items) -> None:
    """The invariants every state keeps."""
    placed = [i for s in state.subthemes for i in s.insight_ids] + list(state.hidden)
    assert sorted(placed) == sorted(i.id for i in items), "each insight exactly once"
    ids = [s.id for s in state.subthemes]
    assert len(ids) == len(set(ids))
    by_id = {i.id: i for i in items}
    for sub in state.subthemes:
        assert sub.insight_ids, "no empty sub-theme"
        assert int(sub.id[1:]) < state.next_id
        if sub.quote is not None:
            assert sub.quote in sub.insight_ids and not by_id[sub.quote].do_not_quote
        else:
            assert all(by_id[i].do_not_quote for i in sub.insight_ids), "a quotable member means a quote"
        assert not sub.pinned or sub.quote is not None


def test_the_automatic_grouping_becomes_numbered_sub_themes():
    state = start()
    assert [s.id for s in state.subthemes] == ["s1", "s2", "s3"]
    assert state.version == 0 and state.next_id == 4
    check(state, ITEMS)


def test_rename_keeps_the_id_and_raises_the_version():
    state = apply(start(), Op("rename", subtheme="s2", label="Money worries"), ITEMS, regroup)
    assert state.subthemes[1].id == "s2" and state.subthemes[1].label == "Money worries"
    assert state.version == 1


def test_a_blank_or_long_label_is_refused():
    for label in ("  ", "x" * 81):
        with pytest.raises(CurationError):
            apply(start(), Op("rename", subtheme="s1", label=label), ITEMS, regroup)


def test_merge_puts_both_under_the_target_and_drops_the_source():
    before = start()
    state = apply(before, Op("merge", subtheme="s1", into="s3"), ITEMS, regroup)
    assert [s.id for s in state.subthemes] == ["s2", "s3"]
    s3 = state.subthemes[1]
    assert set(s3.insight_ids) == set(before.subthemes[0].insight_ids) | set(before.subthemes[2].insight_ids)
    check(state, ITEMS)


def test_merging_into_itself_or_an_unknown_sub_theme_is_refused():
    with pytest.raises(CurationError, match="same_subtheme"):
        apply(start(), Op("merge", subtheme="s1", into="s1"), ITEMS, regroup)
    with pytest.raises(CurationError, match="unknown_subtheme"):
        apply(start(), Op("merge", subtheme="s1", into="s9"), ITEMS, regroup)


def test_split_in_two_regroups_the_members_and_adds_a_new_id():
    state = apply(start(k=1), Op("split", subtheme="s1"), ITEMS, regroup)
    assert [s.id for s in state.subthemes] == ["s1", "s2"]
    check(state, ITEMS)


def test_split_by_picking_moves_the_picked_into_a_new_sub_theme():
    before = start(k=1)
    state = apply(before, Op("split", subtheme="s1", insight_ids=("i0", "i2")), ITEMS, regroup)
    assert state.subthemes[1].id == "s2" and set(state.subthemes[1].insight_ids) == {"i0", "i2"}
    check(state, ITEMS)
    with pytest.raises(CurationError, match="too_small"):
        apply(before, Op("split", subtheme="s1", insight_ids=tuple(i.id for i in ITEMS)), ITEMS, regroup)
    with pytest.raises(CurationError, match="unknown_insight"):
        apply(before, Op("split", subtheme="s1", insight_ids=("nope",)), ITEMS, regroup)


def test_move_to_another_or_a_new_sub_theme():
    before = start()
    target = before.subthemes[1].id
    moved = before.subthemes[0].insight_ids[0]
    state = apply(before, Op("move", insight_id=moved, to=target), ITEMS, regroup)
    assert moved in next(s for s in state.subthemes if s.id == target).insight_ids
    state = apply(state, Op("move", insight_id=moved), ITEMS, regroup)
    assert state.subthemes[-1].insight_ids == (moved,) and state.subthemes[-1].id == "s4"
    check(state, ITEMS)


def test_hide_and_unhide_bring_the_insight_back_where_it_was():
    before = start()
    where = next(s.id for s in before.subthemes if "i3" in s.insight_ids)
    hidden = apply(before, Op("hide", insight_id="i3"), ITEMS, regroup)
    assert hidden.hidden == {"i3": where}
    assert all("i3" not in s.insight_ids and s.quote != "i3" for s in hidden.subthemes)
    with pytest.raises(CurationError, match="already_hidden"):
        apply(hidden, Op("pin", insight_id="i3"), ITEMS, regroup)
    back = apply(hidden, Op("unhide", insight_id="i3"), ITEMS, regroup)
    assert "i3" in next(s for s in back.subthemes if s.id == where).insight_ids and not back.hidden
    with pytest.raises(CurationError, match="not_hidden"):
        apply(back, Op("unhide", insight_id="i3"), ITEMS, regroup)


def test_hiding_a_sub_themes_last_insight_removes_it_and_unhide_makes_an_unsorted_one():
    state = apply(start(), Op("split", subtheme="s1", insight_ids=(start().subthemes[0].insight_ids[0],)), ITEMS, regroup)
    alone = state.subthemes[1]
    state = apply(state, Op("hide", insight_id=alone.insight_ids[0]), ITEMS, regroup)
    assert alone.id not in [s.id for s in state.subthemes]
    state = apply(state, Op("unhide", insight_id=alone.insight_ids[0]), ITEMS, regroup)
    assert state.subthemes[-1].label == curation.UNSORTED
    check(state, ITEMS)


def test_pin_sets_the_quote_and_a_do_not_quote_insight_is_refused():
    before = start()
    where = next(s for s in before.subthemes if "i5" in s.insight_ids)
    state = apply(before, Op("pin", insight_id="i5"), ITEMS, regroup)
    pinned = next(s for s in state.subthemes if s.id == where.id)
    assert pinned.quote == "i5" and pinned.pinned
    with pytest.raises(CurationError, match="do_not_quote"):
        apply(before, Op("pin", insight_id="i1"), ITEMS, regroup)
    unpinned = apply(state, Op("unpin", subtheme=where.id), ITEMS, regroup)
    assert not next(s for s in unpinned.subthemes if s.id == where.id).pinned


def test_set_k_regroups_and_discards_edits_but_keeps_hidden_ones_hidden():
    state = apply(start(), Op("rename", subtheme="s1", label="Mine"), ITEMS, regroup)
    state = apply(state, Op("hide", insight_id="i4"), ITEMS, regroup)
    state = apply(state, Op("set_k", k=2), ITEMS, regroup)
    assert len(state.subthemes) == 2 and state.k == 2 and "Mine" not in [s.label for s in state.subthemes]
    assert "i4" in state.hidden
    assert [s.id for s in state.subthemes] == ["s4", "s5"], "new ids: old ones mean other groups now"
    with pytest.raises(CurationError):
        apply(state, Op("set_k", k=13), ITEMS, regroup)
    reset = apply(state, Op("reset"), ITEMS, regroup)
    assert reset.k is None and "i4" in reset.hidden and reset.version == state.version + 1
    check(reset, ITEMS)


def test_a_late_insight_lands_in_the_nearest_sub_theme_or_unsorted():
    state = start(ITEMS[:6], k=2)
    bus = insight(20, "Evening bus service to the estates")
    odd = insight(21, "Quiet rooms for prayer")
    placed = reconcile(state, [*ITEMS[:6], bus, odd])
    check(placed, [*ITEMS[:6], bus, odd])
    bus_sub = next(s for s in placed.subthemes if "i20" in s.insight_ids)
    assert "i0" in bus_sub.insight_ids
    assert next(s for s in placed.subthemes if "i21" in s.insight_ids).label == curation.UNSORTED


def test_the_stored_form_reads_back_the_same():
    state = apply(start(), Op("hide", insight_id="i2"), ITEMS, regroup)
    assert from_json(to_json(state), state.version) == state


OPS = st.one_of(
    st.builds(lambda s, label: Op("rename", subtheme=s, label=label), st.sampled_from(["s1", "s2", "s5", "s9"]),
              st.text(min_size=0, max_size=5)),
    st.builds(lambda a, b: Op("merge", subtheme=a, into=b), st.sampled_from(["s1", "s2", "s3", "s4", "s6"]),
              st.sampled_from(["s1", "s2", "s3", "s5", "s7"])),
    st.builds(lambda s: Op("split", subtheme=s), st.sampled_from(["s1", "s2", "s3", "s4"])),
    st.builds(lambda s, ids: Op("split", subtheme=s, insight_ids=tuple(ids)), st.sampled_from(["s1", "s2", "s4"]),
              st.lists(st.sampled_from([f"i{n}" for n in range(10)]), min_size=1, max_size=3)),
    st.builds(lambda i, to: Op("move", insight_id=i, to=to), st.sampled_from([f"i{n}" for n in range(10)]),
              st.sampled_from([None, "s1", "s2", "s3", "s6"])),
    st.builds(lambda i: Op("hide", insight_id=i), st.sampled_from([f"i{n}" for n in range(10)])),
    st.builds(lambda i, to: Op("unhide", insight_id=i, to=to), st.sampled_from([f"i{n}" for n in range(10)]),
              st.sampled_from([None, None, "s2"])),
    st.builds(lambda i: Op("pin", insight_id=i), st.sampled_from([f"i{n}" for n in range(10)])),
    st.builds(lambda s: Op("unpin", subtheme=s), st.sampled_from(["s1", "s2", "s3"])),
    st.builds(lambda k: Op("set_k", k=k), st.integers(min_value=0, max_value=13)),
    st.just(Op("reset")),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.booleans(), min_size=8, max_size=8), st.lists(OPS, max_size=12), st.integers(0, 2))
def test_any_sequence_of_edits_keeps_every_insight_exactly_once(no_quote, ops, late):
    items = [insight(n, t, resonance=n % 4, do_not_quote=flag) for n, (t, flag) in enumerate(zip(TEXTS, no_quote, strict=False))]
    extra = [insight(8 + n, ["Buses to the estates", "A garden for the school"][n]) for n in range(late)]
    state = start(items)
    for op in ops:
        before = state
        try:
            state = apply(state, op, items + extra, regroup)
        except CurationError:
            assert state is before
            continue
        assert state.version == before.version + 1
        check(state, items + extra)
        old_ids = {s.id for s in before.subthemes}
        for sub in state.subthemes:
            # an id is never reused for another group: new sub-themes get numbers never handed out
            assert sub.id in old_ids or int(sub.id[1:]) >= before.next_id

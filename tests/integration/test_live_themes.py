"""The live café shows the themes its seating plan chose: 40 people at 8 hosted tables with 4 themes
over 4 rounds is a café where the planner leaves the plain rotation (hosts keep one theme, so that
travellers meet only new people and see every theme once). Every screen, the figures, a restart
and an export must agree with what the tables really show."""
from __future__ import annotations

import tomllib
import uuid
from dataclasses import replace
from types import MappingProxyType

import pytest
from sqlalchemy import select

from cafe import create_app, store
from cafe.db import transaction
from cafe.domain.plan import plan_from_dict, plan_to_dict
from cafe.domain.plan_text import plan_to_toml
from cafe.domain.rotation.planner import Participant, TableSeating
from cafe.domain.rotation.metrics import plan_metrics
from cafe.errors import Invalid
from cafe.models import InsightRow, RoundThemeRow, SeatRow
from cafe.plans import plan_path
from cafe.services import importing, printing, utcnow, views

ROUNDS, PEOPLE = 4, 40


def four_round_icic() -> str:
    """The ICIC plan (tables of 5, four roles, themes rotate) stretched to four rounds."""
    data = tomllib.loads(plan_path("icic-2023-lived-experience-roles.toml").read_text(encoding="utf-8"))
    data["rounds"], data["round_minutes"] = ROUNDS, 10
    translated = [t for texts in data.get("translations", {}).values() for t in texts.get("themes", [])]
    for theme in data["themes"] + translated:  # the plan's own questions and each language's
        if "questions" in theme:
            theme["questions"] = (theme["questions"] + theme["questions"][-1:])[:ROUNDS]
    return plan_to_toml(plan_from_dict(data))


class LiveCafe:
    """A café run round by round through the real app, with what every phone saw."""

    def __init__(self, app, actions) -> None:
        self.app = app
        self.host = actions.Facilitator(app, plan_file=four_round_icic())
        self.phones = self.host.join(PEOPLE)
        self.shown: dict[int, dict[int, tuple[int, str]]] = {}  # round -> {person: (table, theme)}
        self.itineraries: dict[int, list[dict]] = {}  # person -> itinerary as promised in round 1
        self.hosts: set[int] = set()
        self.insight: dict | None = None
        self.host.do("start_round")
        for round_no in range(1, ROUNDS + 1):
            if round_no > 1:
                self.host.do("next_round")
                self.host.do("start_round")
            self.shown[round_no] = {}
            for phone in self.phones:
                state = phone.state()
                me = state["me"]["id"]
                self.shown[round_no][me] = (state["table"]["number"], state["table"]["theme"])
                if round_no == 1:
                    self.itineraries[me] = state["itinerary"]
                    if state["me"]["is_host"]:
                        self.hosts.add(me)
            if round_no == 2:
                self.insight = self.post_off_rotation()
        self.seating_plan = self.host.do("get_seating_plan")["plan"]

    def plan(self):
        with self.app.app_context(), transaction() as db:
            return store.plan_of(store.cafe_by_code(db, self.host.code))

    def post_off_rotation(self) -> dict | None:
        """A traveller whose round-2 table left the rotation posts there (None: no table left it)."""
        plan = self.plan()
        rotation = replace(plan, table_themes=MappingProxyType({}))
        for phone in self.phones:
            state = phone.state()
            table = state["table"]
            if not state["me"]["is_host"] and rotation.theme_for(table["number"], 2).name != table["theme"]:
                reply = phone.emit("post_insight", {"id": str(uuid.uuid4()), "text": "Pay people for their time"})
                assert reply["ok"], reply
                return {"shown": table["theme"], "rotation": rotation.theme_for(table["number"], 2).name,
                        "reply": reply["insight"], "phone": phone}
        return None


@pytest.fixture(scope="module")
def live(tmp_path_factory, actions):
    app = create_app({"TESTING": True, "ASYNC_MODE": "threading", "PUBLIC_URL": "http://cafe.test",
                      "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('themes') / 'cafe.sqlite3'}"})
    yield LiveCafe(app, actions)
    app.extensions["cafe_db"].engine.dispose()


def table_themes(live: LiveCafe) -> dict[tuple[int, int], str]:
    """(table, round) -> theme, as the tables showed it."""
    return {(number, r): theme for r, seen in live.shown.items() for number, theme in seen.values()}


def test_the_plan_leaves_the_rotation_in_this_cafe(live):
    plan = live.plan()
    rotation = replace(plan, table_themes=MappingProxyType({}))
    moved = [key for key, theme in table_themes(live).items() if rotation.theme_for(*key).name != theme]
    assert len(plan.table_themes) == 8 * ROUNDS
    assert moved, "the live café still follows the rotation"


def test_every_itinerary_promised_in_round_one_is_what_the_tables_show(live):
    for me, itinerary in live.itineraries.items():
        assert [stop["round"] for stop in itinerary] == list(range(1, ROUNDS + 1))
        for stop in itinerary:
            assert (stop["table"], stop["theme"]) == live.shown[stop["round"]][me]


def test_no_traveller_sees_a_theme_twice(live):
    travellers = [me for me in live.itineraries if me not in live.hosts]
    assert len(live.hosts) == 8 and len(travellers) == PEOPLE - 8
    for me in travellers:
        themes = [live.shown[r][me][1] for r in range(1, ROUNDS + 1)]
        assert len(set(themes)) == ROUNDS, (me, themes)


def test_the_round_two_insight_is_filed_under_the_theme_the_table_showed(live):
    posted = live.insight
    assert posted is not None, "no table left the rotation in round 2: this café no longer tests anything"
    assert posted["shown"] != posted["rotation"]
    assert posted["reply"]["theme"] == posted["shown"]
    with live.app.app_context(), transaction() as db:
        row = db.get(InsightRow, posted["reply"]["id"])
        assert (row.round, row.theme) == (2, posted["shown"])


def test_the_seating_plan_screen_shows_the_themes_and_figures_of_the_stored_plan(live):
    shown = table_themes(live)
    for planned in live.seating_plan["current"]["rounds"]:
        for table in planned["tables"]:
            assert table["theme"] == shown[(table["table"], planned["round"])]
    with live.app.app_context(), transaction() as db:
        cafe = store.cafe_by_code(db, live.host.code)
        themes = {(t.table_number, t.round): t.theme for t in db.scalars(select(RoundThemeRow).where(RoundThemeRow.cafe_id == cafe.id))}
        seats = db.scalars(select(SeatRow).where(SeatRow.cafe_id == cafe.id)).all()
        host_of = {pid: number for number, pid in store.hosts(db, cafe).items()}
    rounds = []
    for r in range(1, ROUNDS + 1):
        members = {n: sorted(s.participant_id for s in seats if s.round == r and s.table_number == n) for n in range(1, 9)}
        rounds.append([TableSeating(n, themes[(n, r)], next((p for p in members[n] if host_of.get(p) == n), None), tuple(members[n]))
                       for n in range(1, 9)])
    people = [Participant(pid, None, pid in host_of) for pid in live.itineraries]
    figures = plan_metrics(rounds, people)
    assert live.seating_plan["current"]["metrics"] == figures
    assert figures["theme_repeats"] == 0


def test_the_printed_sheet_gives_the_same_itineraries_and_table_cards(live):
    shown = table_themes(live)
    with live.app.app_context(), transaction() as db:
        sheet = printing.sheet_data(db, store.cafe_by_code(db, live.host.code))
    for itinerary in sheet["itineraries"]:
        for stop in itinerary["stops"]:
            number = ord(stop["table"]) - ord("A") + 1
            assert stop["theme"] == shown[(number, stop["round"])]
    for number, card in enumerate(sheet["tables"], 1):
        assert [r["theme"] for r in card["rounds"]] == [shown[(number, r)] for r in range(1, ROUNDS + 1)]


def test_a_restarted_server_shows_the_same_themes(live):
    other = create_app({"TESTING": True, "ASYNC_MODE": "threading", "PUBLIC_URL": "http://cafe.test",
                        "DATABASE_URL": live.app.config["DATABASE_URL"]})
    try:
        with other.app_context(), transaction() as db:
            cafe = store.cafe_by_code(db, live.host.code)
            snap = views.Snapshot(db, cafe, utcnow(), "http://cafe.test/j")
            for me, itinerary in live.itineraries.items():
                state = views.participant_state(snap, store.participant(db, cafe, me))
                assert state["itinerary"] == itinerary
                assert (state["table"]["number"], state["table"]["theme"]) == live.shown[ROUNDS][me]
    finally:
        other.extensions["cafe_db"].engine.dispose()


def test_a_json_export_carries_the_themes_and_an_import_restores_them(live):
    exported = live.host.http.get(live.host.host_link + "/export.json").get_json()
    shown = table_themes(live)
    assert {(t["table"], t["round"]): t["theme"] for t in exported["round_themes"]} == shown
    assert len(exported["round_themes"]) == len(shown)
    with live.app.app_context(), transaction() as db:
        imported, _ = importing.import_cafe(db, exported, utcnow())
        plan = store.plan_of(imported)
        assert {key: plan.theme_for(*key).name for key in shown} == shown


def test_the_plan_file_download_stays_a_plain_plan(live):
    text = live.host.http.get(live.host.host_link + "/plan.toml").get_data(as_text=True)
    assert plan_to_dict(plan_from_dict(tomllib.loads(text))) == plan_to_dict(plan_from_dict(tomllib.loads(four_round_icic())))
    assert "Disruptor" in text and "round_themes" not in text


def test_an_import_refuses_a_table_theme_the_plan_does_not_have(live):
    exported = live.host.http.get(live.host.host_link + "/export.json").get_json()
    for wrong in ({"round": 2, "table": 1, "theme": "Not a theme of this plan"},
                  {"round": ROUNDS + 1, "table": 1, "theme": exported["round_themes"][0]["theme"]},
                  {"round": 2, "table": "one", "theme": exported["round_themes"][0]["theme"]}):
        with pytest.raises(Invalid), live.app.app_context(), transaction() as db:
            importing.import_cafe(db, {**exported, "round_themes": [wrong]}, utcnow())
    older = {k: v for k, v in exported.items() if k != "round_themes"}  # an export made before round_themes
    with live.app.app_context(), transaction() as db:
        imported, _ = importing.import_cafe(db, older, utcnow())
        assert store.round_themes(db, imported) == {}

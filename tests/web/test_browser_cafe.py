"""One whole café in real headless Chromium against the real server: a facilitator's laptop,
a projector and four phones (plus seven people who join over plain HTTP), from /new to the
harvest and the exports, the way people in the room would do it."""
from __future__ import annotations

import csv
import io
import json
import re
import tomllib
from dataclasses import dataclass, field

from playwright.sync_api import Page, expect
from services import post_form
from test_accessibility import submit_join

ICIC_TITLE = "Lived experience roles in integrated care (ICIC 2023)"
THEMES = ["Disruptor / Advocate", "Community Builder", "Improvement Expert", "Citizen Leader"]
XSS = "<img src=x onerror=alert(1)> Peer support matters"
OFFLINE_TEXT = "Written in a basement with no signal: carry lived experience into every board"
NUDGE = "Please bring your stories to a close"
BULLETS = ["Peers keep advocates going when change takes years", "Challenge needs a door left open"]
CSV_HEADER = "cafe,round,table,theme,host,perspective,author,resonance,posted_at,text,do_not_quote,hidden"
TABLE_LABEL = re.compile(r"^Table ([A-Z]+)$")


@dataclass
class Phone:
    """A participant's phone in the browser, and where it sat."""

    name: str
    page: Page
    tables: list[str] = field(default_factory=list)  # table label per round, as the phone showed it

    def part(self, name: str):
        return self.page.locator(f"[data-{name}]")

    def table_label(self) -> str:
        expect(self.part("table-label")).to_have_text(TABLE_LABEL)
        return TABLE_LABEL.match(self.part("table-label").inner_text().strip()).group(1)

    def insight(self, text: str):
        return self.part("insights").locator("li.insight").filter(has_text=text)

    def post(self, text: str) -> None:
        self.page.get_by_label("Share an insight with your table").fill(text)
        self.part("compose").get_by_role("button", name="Send").click()


def watch_dialogs(page: Page, seen: list[str]) -> None:
    """Any alert (an injected script running) or unexpected confirm is recorded and dismissed."""
    page.on("dialog", lambda dialog: (seen.append(f"{page.url}: {dialog.type} {dialog.message}"), dialog.dismiss()))


def join(context, join_url: str, code: str, name: str, perspective: str, dialogs: list[str]) -> Phone:
    """Open the join link as read from the dashboard, fill the form, land on the phone screen."""
    page = context.new_page()
    watch_dialogs(page, dialogs)
    page.goto(join_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(ICIC_TITLE)
    submit_join(page, code, name, perspective)
    phone = Phone(name or "anonymous", page)
    expect(phone.part("connection")).to_have_attribute("data-state", "online")
    phone.table_label()
    return phone


def click_round_button(dash: Page, name: str, status: str) -> None:
    dash.locator(".round-buttons").get_by_role("button", name=name, exact=True).click()
    expect(dash.locator("#round-status")).to_have_attribute("data-status", status)


def download(dash: Page, link_name: str) -> tuple[str, str]:
    """Click an export link on the dashboard; the browser saves it; returns (file name, text).

    Read as utf-8-sig: a byte-order mark (which spreadsheets want) is encoding, not content."""
    with dash.expect_download() as info:
        dash.locator(".exports").get_by_role("link", name=link_name).click()
    saved = info.value
    with open(saved.path(), encoding="utf-8-sig") as handle:
        return saved.suggested_filename, handle.read()


def test_a_whole_cafe_in_real_browsers(contexts, live_server, playwright):  # noqa: C901  (one café, step by step)
    dialogs: list[str] = []

    # ---- the facilitator starts the ICIC café from its plan card
    dash = contexts.laptop().new_page()
    watch_dialogs(dash, dialogs)
    dash.goto("/new")
    card = dash.locator("li.card").filter(has=dash.get_by_role("heading", name=ICIC_TITLE))
    card.get_by_role("button", name="Start this café").click()
    expect(dash).to_have_url(re.compile(r"/f/[\w-]+$"))
    expect(dash.locator("[data-connection]")).to_have_attribute("data-state", "online")
    code = dash.locator(".join-code").inner_text().strip()
    assert re.fullmatch(r"[A-HJKMNP-Z2-9]{6}", code), code
    join_url = dash.locator(".join-url a").get_attribute("href")
    assert join_url == f"{live_server.base_url}/j/{code}"
    expect(dash.locator(".join-url a")).to_have_text(join_url)
    wall_href = dash.get_by_role("link", name="Open projector view").get_attribute("href")
    expect(dash.locator("#round-title")).to_have_text("Round 1 of 3")

    # ---- the projector shows the join code
    wall = contexts.projector().new_page()
    watch_dialogs(wall, dialogs)
    wall.goto(wall_href)
    expect(wall.locator("#join-code")).to_have_text(code)
    expect(wall.locator("[data-connection]")).to_have_attribute("data-state", "online")

    # ---- four phones and seven people over plain HTTP join; one phone stays anonymous, one brings
    # lived experience. Eleven people make three tables when round 1 starts (at most 5 a table); with
    # themes rotating one table a round, a third table is what lets people mix in round 2.
    api = playwright.request.new_context(base_url=live_server.base_url)

    def join_over_http(name: str) -> None:
        response = post_form(api, f"/j/{code}", {"name": name, "perspective": "researcher"}, max_redirects=0)
        assert response.status == 303, response.text()

    phones = [join(contexts.phone(), join_url, code, name, perspective, dialogs)
              for name, perspective in [("Amal", "family_carer"), ("", ""), ("Bea", "lived_experience")]]
    for name in ("Dev", "Eli"):
        join_over_http(name)
    phones.append(join(contexts.phone(), join_url, code, "Chen", "practitioner", dialogs))
    for name in ("Fay", "Gus", "Hana", "Ivo", "Jo"):
        join_over_http(name)
    amal, anon, bea, chen = phones
    expect(dash.locator("#people-count")).to_have_text("11 people")

    # ---- round 1 starts: timers run, each phone shows its table, theme and question
    click_round_button(dash, "Start round", "running")
    expect(dash.locator("#tables .table-card")).to_have_count(3)
    for phone in phones:
        expect(phone.part("timer")).to_have_text(re.compile(r"^\d+:\d\d left$"))
        expect(phone.part("round-of")).to_have_text("Round 1 of 3")
        expect(phone.part("theme")).to_have_text(re.compile("|".join(re.escape(t) for t in THEMES)))
        expect(phone.part("question")).to_have_text(re.compile(r"\?"))
    expect(wall.locator("#timer")).to_have_text(re.compile(r"^\d+:\d\d$"))
    for phone in phones:
        phone.tables.append(phone.table_label())
    assert anon.tables[0] == bea.tables[0] != chen.tables[0], [p.tables for p in phones]
    hosts = [p for p in phones if p.part("host").is_visible()]
    assert hosts, "no phone shows the table host's card"
    for phone in hosts:
        expect(phone.part("host")).to_contain_text("You are the table host")

    # ---- an insight with markup arrives as text on the phone, the dashboard and the wall
    anon.post(XSS)
    expect(anon.insight(XSS)).to_have_count(1)
    expect(anon.insight(XSS).locator(".insight-text")).to_have_text(XSS)
    expect(anon.insight(XSS).locator(".author")).to_have_text(re.compile(r"^Anonymous #\d+$"))  # as on every screen
    dash_insight = dash.locator("#tables li.insight").filter(has_text=XSS)
    expect(dash_insight.locator(".insight-text")).to_have_text(XSS)
    wall_insight = wall.locator("#stream .wall-insight").filter(has_text=XSS)
    expect(wall_insight.locator(".wall-insight-text")).to_have_text(XSS)
    for page, insights in ((anon.page, "[data-insights]"), (dash, "#tables"), (wall, "#stream")):
        expect(page.locator(f"{insights} img")).to_have_count(0)
    insight_id = dash_insight.get_attribute("data-id")
    expect(bea.insight(XSS)).to_have_count(1)
    # Chen sits at the other table: his own insight reaches him, the other table's never does.
    chen.post("Funders should pay people for their time")
    expect(chen.insight("Funders should pay people for their time")).to_have_count(1)
    expect(chen.part("insights").locator("li.insight")).to_have_count(1)
    expect(chen.page.get_by_text("Peer support matters")).to_have_count(0)

    # ---- someone at the same table says it resonates
    bea.insight(XSS).get_by_role("button", name=re.compile("^Resonates")).click()
    expect(bea.insight(XSS).get_by_role("button")).to_have_attribute("aria-pressed", "true")
    expect(dash.locator(f'[data-resonance="{insight_id}"]')).to_have_text("Resonated: 1")
    expect(bea.insight(XSS).get_by_role("button")).to_have_text("Resonates · 1")

    # ---- a phone loses its connection, writes anyway, and the insight arrives exactly once
    bea.page.context.set_offline(True)
    expect(bea.part("connection")).to_have_attribute("data-state", "offline")
    bea.post(OFFLINE_TEXT)
    expect(bea.part("outbox").locator("[data-pending]")).to_have_count(1)
    expect(dash.locator("#tables li.insight").filter(has_text=OFFLINE_TEXT)).to_have_count(0)
    bea.page.context.set_offline(False)
    expect(bea.part("connection")).to_have_attribute("data-state", "online", timeout=10_000)
    expect(bea.part("outbox").locator("[data-pending]")).to_have_count(0)
    expect(bea.insight(OFFLINE_TEXT)).to_have_count(1)
    expect(dash.locator("#tables li.insight").filter(has_text=OFFLINE_TEXT)).to_have_count(1)
    expect(anon.insight(OFFLINE_TEXT)).to_have_count(1)

    # ---- a reloaded phone is still the same person at the same seat
    anon.page.reload()
    expect(anon.part("connection")).to_have_attribute("data-state", "online")
    expect(anon.part("table-label")).to_have_text(f"Table {anon.tables[0]}")
    expect(anon.insight(XSS).locator(".tag.you")).to_have_text("You")
    expect(anon.insight(OFFLINE_TEXT)).to_have_count(1)
    expect(dash.locator("#tables li.insight").filter(has_text=OFFLINE_TEXT)).to_have_count(1)

    # ---- the facilitator nudges everyone
    dash.get_by_label("Message to every phone and the projector").fill(NUDGE)
    dash.locator("#nudge-form").get_by_role("button", name="Send").click()
    for phone in phones:
        expect(phone.part("nudge")).to_contain_text(NUDGE)
    expect(wall.locator("#nudge")).to_have_text(NUDGE)
    expect(dash.locator("#last-nudge")).to_contain_text(NUDGE)

    # ---- the round ends; a host whose table gets new people from the phones writes the hand-over
    next_seats = {}
    for phone in phones:
        expect(phone.part("next")).to_have_text(re.compile(r"Table [A-Z]+"))
        next_seats[phone.name] = re.search(r"Table ([A-Z]+)", phone.part("next").inner_text()).group(1)
    for phone in hosts:
        expect(phone.part("next")).to_have_text(f"You stay at Table {phone.tables[0]} as host")
    receiving = [h for h in hosts if any(next_seats[p.name] == h.tables[0] != p.tables[0] for p in phones)]
    assert receiving, f"no phone moves to a host phone's table: {next_seats}, hosts {[h.name for h in hosts]}"
    host = receiving[0]
    click_round_button(dash, "End round", "ended")
    expect(host.part("handover-form")).to_be_visible()
    for phone in phones:
        expect(phone.part("timer")).to_have_text("This round has ended")
        if phone not in hosts:
            expect(phone.part("host")).to_be_hidden()
    host.page.get_by_label("Line 1", exact=True).fill(BULLETS[0])
    host.page.get_by_label("Line 2", exact=True).fill(BULLETS[1])
    host.part("handover-form").get_by_role("button", name="Save hand-over").click()
    expect(host.part("handover-saved-list").locator("li")).to_have_text(BULLETS)
    host_card = dash.locator("#tables .table-card").filter(has=dash.get_by_role("heading", name=f"Table {host.tables[0]}"))
    expect(host_card.locator(".handover li")).to_have_text(BULLETS)

    # ---- round 2: everybody sits where round 1 said; newcomers at the host's table see the hand-over
    click_round_button(dash, "Next round", "ready")
    expect(dash.locator("#round-title")).to_have_text("Round 2 of 3")
    for phone in phones:
        expect(phone.part("round-of")).to_have_text("Round 2 of 3")
        expect(phone.part("table-label")).to_have_text(f"Table {next_seats[phone.name]}")
        phone.tables.append(next_seats[phone.name])
    assert host.tables[1] == host.tables[0]
    newcomers = [p for p in phones if p.tables[1] == host.tables[0] and p.tables[0] != host.tables[0]]
    assert newcomers, f"no phone moved to the host's table: {[(p.name, p.tables) for p in phones]}"
    for phone in newcomers:
        handovers = phone.part("handovers")
        expect(handovers).to_be_visible()
        expect(handovers.locator("li")).to_have_text(BULLETS)
        # at the top of the table section: above the box to write insights in
        assert handovers.bounding_box()["y"] < phone.part("compose").bounding_box()["y"]
    click_round_button(dash, "Start round", "running")
    for phone in phones:
        expect(phone.part("timer")).to_have_text(re.compile(r"^\d+:\d\d left$"))
    amal.post("Communities need paid coordinators, not volunteers burning out")
    chen.post("Co-design from the first meeting, not after the plan is fixed")
    expect(dash.locator("#tables li.insight")).to_have_count(2)
    click_round_button(dash, "End round", "ended")

    # ---- round 3, then the harvest
    click_round_button(dash, "Next round", "ready")
    expect(dash.locator("#round-title")).to_have_text("Round 3 of 3")
    click_round_button(dash, "Start round", "running")
    for phone in phones:
        expect(phone.part("round-of")).to_have_text("Round 3 of 3")
        expect(phone.part("next")).to_have_text("This is the last round.")
    bea.post("Leaders tell stories that move heads and hearts")
    expect(dash.locator("#tables li.insight")).to_have_count(1)
    click_round_button(dash, "End round", "ended")
    click_round_button(dash, "Start harvest", "harvest")

    harvest = json.loads(api.get(dash.locator(".exports a[href$='export.json']").get_attribute("href")).text())["harvest"]
    labels = [sub["label"] for theme in harvest["themes"] for sub in theme["subthemes"]]
    assert labels, harvest
    expect(dash.locator("#harvest")).to_be_visible()
    expect(wall.locator("#harvest")).to_be_visible()
    expect(wall.locator("#live")).to_be_hidden()
    for label in labels:
        expect(dash.locator("#harvest-themes strong").filter(has_text=label).first).to_be_visible()
    for theme in harvest["themes"]:
        if theme["subthemes"]:
            # the wall drops a theme's later sub-themes when they do not fit; the first always shows
            first = theme["subthemes"][0]["label"]
            expect(wall.locator("#themes .wall-sub-label").filter(has_text=first).first).to_be_visible()
    for phone in phones:
        expect(phone.part("harvest")).to_be_visible()
    for page in (wall, dash, *(phone.page for phone in phones)):
        # a missing value must never reach the screen as a word
        assert not re.search(r"\b(null|undefined|NaN)\b", page.inner_text("body")), page.url

    # ---- every export, downloaded from the dashboard's links
    name, markdown = download(dash, "Report (Markdown)")
    assert name.endswith(".md")
    for theme in THEMES:
        assert theme in markdown, theme
    name, text = download(dash, "Insights (CSV spreadsheet)")
    assert name.endswith(".csv")
    assert text.splitlines()[0] == CSV_HEADER
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 6
    posted = [row for row in rows if row["text"] == XSS]
    assert len(posted) == 1 and posted[0]["author"] == "" and posted[0]["resonance"] == "1"
    assert [row["author"] for row in rows if row["text"] == OFFLINE_TEXT] == ["Bea"]
    assert {row["cafe"] for row in rows} == {code}
    name, text = download(dash, "Everything (JSON, for cafe import)")
    export = json.loads(text)
    assert export["format"] == "cafe-export/1" and export["cafe"]["code"] == code
    assert sum(i["text"] == XSS for i in export["insights"]) == 1
    # the printable report opens in a new tab, ready to print, rather than being saved
    with dash.context.expect_page() as info:
        dash.locator(".exports").get_by_role("link", name="Printable report (HTML)").click()
    report = info.value
    watch_dialogs(report, dialogs)
    expect(report.get_by_role("heading", level=1)).to_contain_text(ICIC_TITLE)
    html = report.content()
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "<img src=x" not in html
    report.close()
    name, toml = download(dash, "Save setup as a plan")
    assert name.endswith(".toml")
    plan = tomllib.loads(toml)
    assert plan["title"] == ICIC_TITLE and plan["rounds"] == 3
    assert [theme["name"] for theme in plan["themes"]] == THEMES

    api.dispose()
    assert not dialogs, dialogs
    assert "Traceback" not in live_server.log_tail(10_000), live_server.log_tail()

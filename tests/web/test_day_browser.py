"""The facilitator's day in real Chromium against the real server: moderation during a round,
an author's corrections, the phones' words, the dashboard at 1366 x 768."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from test_accessibility import cafe, join, make_context, post  # noqa: F401  (fixtures and helpers)


def table_of(phone: Page) -> str:
    expect(phone.locator("[data-table-label]")).to_have_text(re.compile(r"^Table [A-Z]+$"))
    return phone.locator("[data-table-label]").inner_text().strip()


def test_the_facilitator_hides_an_insight_from_the_wall_and_other_phones_and_shows_it_again(make_context, cafe):
    author = join(make_context("phone"), cafe.code, "Amal", "")
    neighbour = join(make_context("phone"), cafe.code, "Bea", "")
    cafe.do("start_round")
    assert table_of(author) == table_of(neighbour)  # two people: one table
    text = "Name the manager who said that"
    post(author, text)
    wall = make_context("projector").new_page()
    wall.goto(f"/w/{cafe.code}")
    laptop = make_context("laptop").new_page()
    laptop.goto(cafe.dashboard)
    on_wall = wall.locator("[data-stream] .wall-insight, #stream .wall-insight").filter(has_text=text)
    expect(on_wall).to_have_count(1)
    expect(neighbour.locator("[data-insights] li.insight").filter(has_text=text)).to_have_count(1)

    item = laptop.locator(".table-card li.insight").filter(has_text=text)
    item.get_by_role("button", name=re.compile("^Hide from the wall")).click()
    expect(item.locator(".hidden-badge")).to_have_text("Hidden")
    expect(on_wall).to_have_count(0)
    expect(neighbour.locator("[data-insights] li.insight").filter(has_text=text)).to_have_count(0)
    own = author.locator("[data-insights] li.insight").filter(has_text=text)
    expect(own.locator(".hidden-tag")).to_contain_text("Hidden by the facilitator")
    expect(laptop.locator(".table-card .count").first).to_contain_text("1 hidden")

    item.get_by_role("button", name=re.compile("^Show again")).click()
    expect(on_wall).to_have_count(1)
    expect(neighbour.locator("[data-insights] li.insight").filter(has_text=text)).to_have_count(1)
    expect(own.locator(".hidden-tag")).to_have_count(0)


def test_the_author_edits_and_takes_back_an_insight_and_every_screen_follows(make_context, cafe):
    author = join(make_context("phone"), cafe.code, "Amal", "")
    neighbour = join(make_context("phone"), cafe.code, "Bea", "")
    cafe.do("start_round")
    table_of(author)
    post(author, "Pay peple for their time")
    wall = make_context("projector").new_page()
    wall.goto(f"/w/{cafe.code}")
    expect(wall.locator(".wall-insight").filter(has_text="Pay peple")).to_have_count(1)

    mine = author.locator("[data-insights] li.insight").filter(has_text="Pay peple")
    mine.get_by_role("button", name=re.compile("^Edit your insight")).click()
    box = author.get_by_label("Change your insight")
    expect(box).to_be_focused()
    box.fill("Pay people for their time")
    author.get_by_role("button", name="Save", exact=True).click()
    expect(author.locator("[data-insights] li.insight").filter(has_text="Pay people for their time")).to_have_count(1)
    expect(neighbour.locator("[data-insights] li.insight").filter(has_text="Pay people for their time")).to_have_count(1)
    expect(wall.locator(".wall-insight").filter(has_text="Pay people for their time")).to_have_count(1)
    expect(wall.locator(".wall-insight").filter(has_text="Pay peple")).to_have_count(0)

    author.once("dialog", lambda dialog: dialog.accept())
    author.locator("[data-insights] li.insight").filter(has_text="Pay people").get_by_role(
        "button", name=re.compile("^Take back your insight")).click()
    expect(author.locator("[data-insights] li.insight")).to_have_count(0)
    expect(neighbour.locator("[data-insights] li.insight")).to_have_count(0)
    expect(wall.locator(".wall-insight")).to_have_count(0)

    # once the round has ended the buttons are gone (the server refuses too)
    post(author, "Said for the record")
    cafe.do("end_round")
    expect(author.locator("[data-timer]")).to_have_attribute("data-status", "ended")
    expect(author.locator("[data-insights] li.insight").filter(has_text="Said for the record")
           .get_by_role("button", name=re.compile("^Edit"))).to_have_count(0)


def test_the_phone_says_what_the_person_does_and_an_old_nudge_stays_hidden(make_context, cafe):
    context = make_context("phone")
    stayer = context.new_page()
    stayer.goto(f"/j/{cafe.code}")
    stayer.get_by_label("Your name").fill("Sam")
    stayer.get_by_label("I'd rather stay at one table").check()
    stayer.get_by_role("button", name="Join the café").click()
    expect(stayer).to_have_url(re.compile(rf"/p/{cafe.code}$"))
    others = [join(make_context("phone"), cafe.code, name, "") for name in ("Amal", "Bea", "Chen")]
    # before round 1 nothing later is planned, and it is certainly not the last round
    expect(stayer.locator("[data-next]")).to_have_text("Your next tables are shown once round 1 starts.")
    cafe.do("start_round")
    state = cafe.do("sync")["state"]
    sam = next(p for p in state["participants"] if p["name"] == "Sam")
    if sam["is_host"]:  # the one who ticked "stay" is not necessarily the host: make sure here
        cafe.do("set_host", {"table": sam["table"], "participant_id": None})
    label = next(t["label"] for t in state["tables"] if t["number"] == sam["table"])
    expect(stayer.locator("[data-next]")).to_have_text(f"You stay at Table {label}")
    cafe.do("end_round")
    expect(stayer.locator("[data-go-now-text]")).to_have_text(f"Round 1 is over. You stay at Table {label}: a new group joins you.")
    expect(stayer.locator("[data-go-now-text]")).not_to_contain_text("host")

    cafe.do("nudge", {"text": "Please find your next table"})
    phone = others[0]
    expect(phone.locator("[data-nudge]")).to_contain_text("Please find your next table")
    phone.get_by_role("button", name="Hide this message").click()
    expect(phone.locator("[data-nudge]")).to_have_text("")
    phone.reload()
    expect(phone.locator("[data-connection]")).to_have_attribute("data-state", "online")
    expect(phone.locator("[data-go-now]")).to_be_visible()  # the state has been drawn
    expect(phone.locator("[data-nudge]")).to_have_text("")
    # another phone that did not hide it still shows it, within its lifetime
    others[1].reload()
    expect(others[1].locator("[data-nudge]")).to_contain_text("Please find your next table")


FITS = """() => {
  const out = [];
  const page = document.documentElement;
  if (page.scrollWidth > window.innerWidth) out.push(`page ${page.scrollWidth} > ${window.innerWidth}`);
  for (const box of document.querySelectorAll('.dash-side .card, #people')) {
    if (box.scrollWidth > box.clientWidth + 1) out.push(`${box.id || box.className} scrolls sideways`);
    const edge = box.getBoundingClientRect().right;
    for (const control of box.querySelectorAll('button, select, a.button')) {
      const r = control.getBoundingClientRect();
      if (r.width && r.right > edge + 1) out.push(`${control.textContent.trim()} ends at ${r.right} > ${edge}`);
    }
  }
  return out;
}"""


def test_the_dashboard_fits_1366_by_768_and_shows_the_rounds_hand_overs_in_one_place(make_context, cafe, browser, live_server):
    phones = [join(make_context("phone"), cafe.code, name, "") for name in ("Amal Abdelrahman-Whitfield", "Bea", "Chen", "Dev")]
    cafe.do("start_round")
    laptop = browser.new_context(base_url=live_server.base_url, viewport={"width": 1366, "height": 768})
    try:
        dash = laptop.new_page()
        dash.goto(cafe.dashboard)
        expect(dash.locator("#people li.person")).to_have_count(4)
        assert dash.evaluate(FITS) == []
        panel = dash.locator("#handovers-panel")
        expect(panel).to_be_visible()
        expect(dash.locator("#handovers-count")).to_contain_text("Round 1: 0 of")
        cafe.do("end_round")
        host = next(p for p in phones if p.locator("[data-host]").is_visible())
        host.get_by_label("Line 1").fill("Peers keep advocates going")
        host.get_by_role("button", name="Save hand-over").click()
        expect(panel.locator(".handover-row.written")).to_have_count(1)
        expect(panel.locator(".handover-row.written")).to_contain_text("Peers keep advocates going")
        expect(dash.locator("#handovers-count")).to_contain_text("Round 1: 1 of")
        assert dash.evaluate(FITS) == []
    finally:
        laptop.close()


def test_the_dashboards_anonymise_switch_makes_every_export_name_nobody(make_context, cafe):
    phone = join(make_context("phone"), cafe.code, "Zelda Quist", "lived_experience")
    cafe.do("start_round")
    post(phone, "Pay people for their time")
    laptop = make_context("laptop").new_page()
    laptop.goto(cafe.dashboard)
    links = laptop.locator("#exports a[data-export]")
    expect(links).to_have_count(6)
    laptop.get_by_label("Anonymise names").check()
    for n in range(6):
        expect(links.nth(n)).to_have_attribute("href", re.compile(r"\?anonymise=1$"))
    with laptop.expect_download() as info:
        laptop.locator(".exports").get_by_role("link", name="Insights (CSV spreadsheet)").click()
    saved = info.value
    assert saved.suggested_filename.endswith("-anonymised.csv")
    with open(saved.path(), encoding="utf-8-sig") as handle:
        text = handle.read()
    assert "Zelda" not in text and "Pay people for their time" in text and "lived_experience" in text
    laptop.get_by_label("Anonymise names").uncheck()
    expect(links.first).not_to_have_attribute("href", re.compile("anonymise"))

"""The Seating plan screen and the printable sheet in real Chromium against the real server:
propose, swap, apply, and the phone's itinerary follows; both screens pass axe."""
from __future__ import annotations

import re

from playwright.sync_api import expect
from services import post_form
from test_accessibility import audit, cafe, join, make_context  # noqa: F401  (fixtures and helpers)


def test_seating_plan_preview_swap_apply_reaches_the_phone_and_the_sheet_prints(make_context, cafe, playwright, live_server):  # noqa: F811  (pytest fixtures)
    phone = join(make_context("phone"), cafe.code, "Amal", "")
    api = playwright.request.new_context(base_url=live_server.base_url)
    for name in ["Bea", "Chen", "Dev", "Eli", "Fay", "Gus", "Hal"]:
        assert post_form(api, f"/j/{cafe.code}", {"name": name}, max_redirects=0).status == 303
    api.dispose()
    cafe.do("start_round")

    laptop = make_context("laptop").new_page()
    laptop.goto(cafe.dashboard)
    with laptop.expect_popup() as popup:
        laptop.get_by_role("link", name=re.compile("^Seating plan")).click()
    plan = popup.value
    expect(plan.locator("[data-connection]")).to_have_attribute("data-state", "online")
    expect(plan.locator("#current-rounds .round")).to_have_count(3)
    expect(plan.locator("#draft-note")).to_contain_text("No proposed plan")
    blocking = audit(plan, "seating plan, no draft")

    plan.get_by_role("button", name="Edit a copy of the current plan").click()
    expect(plan.locator("#draft-rounds .round")).to_have_count(2)
    expect(plan.locator('#figures tr[data-figure="repeat_encounters"] td').nth(1)).not_to_have_text("–")
    blocking += audit(plan, "seating plan with a draft")

    state = cafe.do("get_seating_plan")["plan"]
    amal = next(p["id"] for p in state["people"] if p["name"] == "Amal")
    round2 = state["current"]["rounds"][1]["tables"]
    mine = next(t for t in round2 if amal in t["members"])
    other_table = next(t for t in round2 if t is not mine)
    hosts = {p["id"] for p in state["people"] if p["host_table"]}
    partner = next(m for m in other_table["members"] if m not in hosts)
    # the first to join may host; then swap two others and check Amal stays
    mover = next(m for m in mine["members"] if m not in hosts) if amal in hosts else amal
    plan.get_by_label("Round", exact=True).select_option("2")
    plan.get_by_label("Person", exact=True).select_option(str(mover))
    plan.get_by_label("Swap with").select_option(str(partner))
    plan.get_by_role("button", name="Swap", exact=True).click()
    expect(plan.locator("#announcer")).to_contain_text("Swapped")
    moved_row = plan.locator(f"#draft-rounds .round[data-round='2'] tr[data-table='{other_table['table']}']")
    expect(moved_row.locator(f"li[data-person='{mover}']")).to_have_count(1)

    plan.get_by_role("button", name="Apply to the rounds not started").click()
    expect(plan.locator("#announcer")).to_contain_text("applied")
    expect(plan.locator("#draft-note")).to_contain_text("No proposed plan")
    expected = other_table["label"] if mover == amal else mine["label"]
    phone.get_by_text("Your whole journey").click()
    expect(phone.locator("[data-itinerary] li").nth(1)).to_have_text(re.compile(rf"^Round 2: Table {expected}, "))
    expect(phone.locator("[data-itinerary] li")).to_have_count(3)

    sheet = make_context("laptop").new_page()
    sheet.goto(cafe.dashboard + "/sheet?everyone=1")  # the default prints only people without a phone
    expect(sheet.locator("article.itinerary")).to_have_count(8)
    expect(sheet.locator("article.itinerary").filter(has_text="Amal").locator("li").nth(1)).to_have_text(
        re.compile(rf"^Round 2: Table {expected}, "))
    expect(sheet.locator("article.table-card").first).to_contain_text("Host cue card")
    blocking += audit(sheet, "printable sheet")
    sheet.emulate_media(media="print")
    assert sheet.locator(".sheet-intro").is_hidden()
    assert sheet.locator("article.card-page").first.evaluate("(n) => getComputedStyle(n).breakAfter") == "page"
    assert blocking == []

"""The facilitator's day in real Chromium against the real server: moderation during a round,
an author's corrections, the phones' words, the dashboard at 1366×768."""
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

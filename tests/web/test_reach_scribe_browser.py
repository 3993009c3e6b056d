"""Scribe mode in real Chromium: the table host writes for Rosa, who has no phone, and the insight is
hers, under her perspective, marked as written by a scribe."""
from __future__ import annotations

import re

from playwright.sync_api import expect
from services import post_form
from test_accessibility import cafe, join  # noqa: F401  (cafe is a fixture)


def test_a_host_posts_for_a_person_without_a_phone(contexts, playwright, live_server, cafe):  # noqa: F811
    host = join(contexts.phone(), cafe.code, "Hana", "researcher")  # the first to join hosts a table
    rosa = cafe.do("add_person", {"name": "Rosa", "perspective": "lived_experience"})
    api = playwright.request.new_context(base_url=live_server.base_url)
    for i in range(5):
        assert post_form(api, f"/j/{cafe.code}", {"name": f"G{i}", "perspective": "practitioner"},
                         max_redirects=0).status == 303
    api.dispose()
    cafe.do("start_round")
    expect(host.locator("[data-host]")).to_be_visible()
    host.get_by_role("link", name="Write an insight for someone at your table who has no phone").click()
    expect(host).to_have_url(re.compile(rf"/p/{cafe.code}/table#scribe-title$"))
    host.get_by_label("Whose insight is it?").select_option(label="Rosa · Lived experience")
    host.get_by_label("Their insight").fill("Nobody asked me until today")
    host.get_by_role("button", name="Send for them").click()
    item = host.locator("li.insight").filter(has_text="Nobody asked me until today")
    expect(item).to_contain_text("Rosa · Lived experience · written by a scribe")
    state = cafe.facilitator.call("sync", {}, timeout=10)["state"]
    [insight] = state["insights"]
    assert (insight["author"], insight["perspective"], insight["scribe"]) == ("Rosa", "lived_experience", "host")
    assert rosa["participant_id"] != state["tables"][0]["host"]["id"]

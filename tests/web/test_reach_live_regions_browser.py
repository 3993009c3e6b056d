"""Calm screen readers, in real Chromium: while 20 insights arrive, the dashboard and the wall
announce a few polite summaries (counts per table) at most every few seconds, and a phone only its
own table's insights. Announcements are counted with a MutationObserver on every live region."""
from __future__ import annotations

import re
import time
from itertools import pairwise

from playwright.sync_api import expect
from services import post_form
from test_accessibility import cafe, join  # noqa: F401  (cafe is a fixture)

FORM_FIELD = re.compile(r'name="(id|csrf_token)" value="([^"]+)"')
LISTEN = """() => {
  window.__said = [];
  const regions = document.querySelectorAll('[aria-live]:not([aria-live="off"]), [role=status], [role=alert], [role=log]');
  for (const region of regions) {
    new MutationObserver(() => {
      const text = region.textContent.trim();
      if (text) window.__said.push({ region: region.id || region.className, text, at: performance.now(),
                                     live: region.getAttribute('aria-live') });
    }).observe(region, { childList: true, characterData: true, subtree: true });
  }
  return regions.length;
}"""
INSIGHTS = re.compile(r"^(\d+) new insights?\b|^New insight at your table")


def insight_count(text: str) -> int:
    match = INSIGHTS.match(text)
    return 0 if not match else int(match.group(1) or 1)


def test_twenty_insights_make_a_few_polite_summaries(contexts, playwright, live_server, cafe):  # noqa: F811
    phone = join(contexts.phone(), cafe.code, "Amal", "family_carer")
    people = []
    for i in range(7):
        api = playwright.request.new_context(base_url=live_server.base_url)
        assert post_form(api, f"/j/{cafe.code}", {"name": f"L{i}"}, max_redirects=0).status == 303
        people.append(api)
    cafe.do("start_round")
    dash = contexts.laptop().new_page()
    dash.goto(cafe.dashboard)
    wall = contexts.projector().new_page()
    wall.goto(f"/w/{cafe.code}")
    screens = {"dashboard": dash, "wall": wall, "phone": phone}
    for page in screens.values():
        expect(page.locator("[data-connection]")).to_have_attribute("data-state", "online")
        assert page.evaluate(LISTEN) >= 2
    started = time.monotonic()
    for n in range(20):
        api = people[n % len(people)]
        fields = dict(FORM_FIELD.findall(api.get(f"/p/{cafe.code}/table").text()))
        assert api.post(f"/p/{cafe.code}/insights", form={**fields, "text": f"Insight number {n}"},
                        max_redirects=0).status == 303
    posting_s = time.monotonic() - started
    for api in people:
        api.dispose()
    state = cafe.facilitator.call("sync", {}, timeout=10)["state"]
    my_table = phone.evaluate("() => document.querySelector('[data-table-label]').textContent")
    at_my_table = sum(1 for i in state["insights"] if f"Table {i['table_label']}" == my_table)
    expected = {"dashboard": 20, "wall": 20, "phone": at_my_table}
    for name, page in screens.items():
        page.wait_for_function("(n) => window.__said.reduce((s, a) => s + (parseInt(a.text) || "
                               "(a.text.startsWith('New insight at your table') ? 1 : 0)), 0) >= n",
                               arg=expected[name], timeout=30_000)
        said = page.evaluate("window.__said")
        about = [a for a in said if insight_count(a["text"])]
        gaps = [round((b["at"] - a["at"]) / 1000, 1) for a, b in pairwise(about)]
        print(f"{name}: {len(said)} announcement(s), {len(about)} about the {expected[name]} new insights "
              f"(posted in {posting_s:.1f} s), gaps {gaps} s: {[a['text'] for a in about]}")
        assert sum(insight_count(a["text"]) for a in about) == expected[name], about
        assert len(about) <= 4, about
        assert all(gap >= 5 for gap in gaps), gaps
        assert all(a["live"] in (None, "polite") for a in said), said  # never assertive
    assert all("Table" in a["text"] for a in dash.evaluate("window.__said") if insight_count(a["text"]))
    assert at_my_table < 20  # the phone heard only its own table

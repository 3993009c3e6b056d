"""The wall at the back of the room, in real Chromium at 1920x1080: no text under 32 px in any stage
(timer and join code far larger), a full-screen control and a remembered "hide the QR code"."""
from __future__ import annotations

import re

from playwright.sync_api import expect
from services import post_form
from test_accessibility import cafe  # noqa: F401  (the fixture)

FORM_FIELD = re.compile(r'name="(id|csrf_token)" value="([^"]+)"')

SIZES = """() => {
  const seen = Array.from(document.querySelectorAll('#wall *')).filter((n) =>
      n.checkVisibility() && !n.closest('.visually-hidden')
      && Array.from(n.childNodes).some((c) => c.nodeType === 3 && c.textContent.trim()));
  const size = (n) => parseFloat(getComputedStyle(n).fontSize);
  const smallest = seen.reduce((a, n) => (size(n) < size(a) ? n : a), seen[0]);
  return { count: seen.length, min: size(smallest), where: smallest.className + ' ' + smallest.textContent.trim().slice(0, 40),
           timer: size(document.getElementById('timer')), code: size(document.getElementById('join-code')),
           codeSmall: size(document.querySelector('.wall-code-small')) };
}"""


def people_post(playwright, base_url: str, code: str, texts: list[str]) -> None:
    """People join and post over plain HTTP forms, as a phone without JavaScript does."""
    for i, text in enumerate(texts):
        api = playwright.request.new_context(base_url=base_url)
        assert post_form(api, f"/j/{code}", {"name": f"W{i}", "perspective": "practitioner"}, max_redirects=0).status == 303
        fields = dict(FORM_FIELD.findall(api.get(f"/p/{code}/table").text()))
        assert api.post(f"/p/{code}/insights", form={**fields, "text": text}, max_redirects=0).status == 303
        api.dispose()


def test_every_text_on_the_wall_is_at_least_32px_at_1080p(contexts, playwright, live_server, cafe):  # noqa: F811
    wall = contexts.projector().new_page()
    wall.goto(f"/w/{cafe.code}")
    expect(wall.locator("[data-connection]")).to_have_attribute("data-state", "online")
    figures = {}
    api = playwright.request.new_context(base_url=live_server.base_url)
    for i in range(7):
        assert post_form(api, f"/j/{cafe.code}", {"name": f"R{i}", "perspective": "researcher"}, max_redirects=0).status == 303
        api.dispose()
        api = playwright.request.new_context(base_url=live_server.base_url)
    api.dispose()
    expect(wall.locator("#tables .wall-table").first).to_be_visible()
    figures["before the first round"] = wall.evaluate(SIZES)
    cafe.do("start_round")
    people_post(playwright, live_server.base_url, cafe.code, [
        "Peer support keeps advocates going when change takes years and nobody seems to listen to them at all",
        "Pay people for their time", "Ask before the plan is fixed", "Meet where people already are"])
    expect(wall.locator("#stream .wall-insight")).to_have_count(4)
    figures["a round running"] = wall.evaluate(SIZES)
    cafe.do("pause_round")
    expect(wall.locator("#wall")).to_have_attribute("data-status", "paused")
    figures["paused"] = wall.evaluate(SIZES)
    cafe.do("resume_round")
    cafe.do("end_round")
    for _ in range(2):
        cafe.do("next_round")
        cafe.do("start_round")
    cafe.do("start_harvest")
    expect(wall.locator("#harvest")).to_be_visible()
    expect(wall.locator("#themes .wall-theme").first).to_be_visible()
    figures["harvest"] = wall.evaluate(SIZES)
    for stage, sizes in figures.items():
        print(f"wall 1920x1080, {stage}: smallest text {sizes['min']:.1f} px ({sizes['where']!r}, "
              f"{sizes['count']} texts), timer {sizes['timer']:.0f} px, join code {sizes['code']:.0f} px")
        assert sizes["count"] > 5 and sizes["min"] >= 32, (stage, sizes)
        assert sizes["timer"] >= 64 and sizes["code"] >= 64, (stage, sizes)


def test_the_wall_goes_full_screen_and_hides_the_qr_code_by_keyboard_and_remembers(contexts, cafe):  # noqa: F811
    context = contexts.projector()
    wall = context.new_page()
    wall.goto(f"/w/{cafe.code}")
    qr = wall.locator("#join-qr")
    expect(qr).to_be_visible()
    toggle = wall.get_by_role("button", name="Hide QR code")
    toggle.focus()
    wall.keyboard.press("Enter")
    expect(qr).to_be_hidden()
    expect(wall.get_by_role("button", name="Show QR code")).to_have_attribute("aria-pressed", "true")
    expect(wall.locator("#join-code")).to_have_text(cafe.code)  # latecomers still have the code
    wall.reload()
    expect(wall.locator("[data-connection]")).to_have_attribute("data-state", "online")
    expect(wall.locator("#join-qr")).to_be_hidden()
    wall.get_by_role("button", name="Show QR code").press(" ")
    expect(wall.locator("#join-qr")).to_be_visible()

    full = wall.get_by_role("button", name="Full screen")
    full.focus()
    wall.keyboard.press("Enter")
    expect(full).to_have_attribute("aria-pressed", "true")
    assert wall.evaluate("document.fullscreenElement === document.documentElement")
    wall.keyboard.press("Enter")
    expect(full).to_have_attribute("aria-pressed", "false")

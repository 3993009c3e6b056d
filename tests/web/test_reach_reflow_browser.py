"""WCAG reflow in real Chromium: every screen at 320 CSS px wide scrolls only vertically, and the
join form fits on one 390x844 phone screen with the Join button in view."""
from __future__ import annotations

from playwright.sync_api import expect
from services import post_form
from test_accessibility import cafe, join  # noqa: F401  (cafe is a fixture)

WIDE = """() => {
  const root = document.documentElement;
  const over = Array.from(document.querySelectorAll('body *')).filter((n) => {
    const r = n.getBoundingClientRect();
    return n.checkVisibility() && r.width > 0 && r.right > root.clientWidth + 1;
  }).slice(0, 5).map((n) => `${n.tagName.toLowerCase()}.${n.className} right=${Math.round(n.getBoundingClientRect().right)}`);
  return { scroll: root.scrollWidth, client: root.clientWidth, over };
}"""


def test_every_screen_reflows_at_320px(browser, playwright, live_server, cafe):  # noqa: F811
    context = browser.new_context(base_url=live_server.base_url, viewport={"width": 320, "height": 640})
    context.set_default_timeout(10_000)
    try:
        phone = join(context, cafe.code, "Amal", "family_carer")
        api = playwright.request.new_context(base_url=live_server.base_url)
        for i in range(5):
            assert post_form(api, f"/j/{cafe.code}", {"name": f"Person with a long name {i}"}, max_redirects=0).status == 303
        api.dispose()
        cafe.do("start_round")
        page = context.new_page()
        screens = ["/", "/new", f"/p/{cafe.code}", f"/p/{cafe.code}/table", cafe.dashboard,
                   f"{cafe.dashboard}/seating", f"{cafe.dashboard}/sheet", f"/w/{cafe.code}"]
        failures = []
        for path in screens:
            page.goto(path)
            page.wait_for_load_state("load")
            if path in (cafe.dashboard, f"{cafe.dashboard}/seating", f"/w/{cafe.code}"):
                expect(page.locator("[data-connection]")).to_have_attribute("data-state", "online")
            found = page.evaluate(WIDE)
            print(f"reflow 320px {path}: scrollWidth {found['scroll']} clientWidth {found['client']}")
            if found["scroll"] > found["client"]:
                failures.append(f"{path}: {found}")
        cafe.do("end_round")
        for _ in range(2):
            cafe.do("next_round")
            cafe.do("start_round")
        cafe.do("start_harvest")
        for path in [f"{cafe.dashboard}/harvest", cafe.dashboard, f"/p/{cafe.code}"]:
            page.goto(path)
            expect(page.locator("[data-connection]")).to_have_attribute("data-state", "online")
            found = page.evaluate(WIDE)
            print(f"reflow 320px harvest {path}: scrollWidth {found['scroll']} clientWidth {found['client']}")
            if found["scroll"] > found["client"]:
                failures.append(f"harvest {path}: {found}")
        assert phone
        assert not failures, "\n".join(failures)
    finally:
        context.close()


def test_the_join_form_fits_one_phone_screen(browser, live_server, cafe):  # noqa: F811
    context = browser.new_context(base_url=live_server.base_url, viewport={"width": 390, "height": 844},
                                  device_scale_factor=3, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.goto(f"/j/{cafe.code}")
        button = page.get_by_role("button", name="Join the café")
        box = button.bounding_box()
        print(f"join 390x844: Join button bottom at {box['y'] + box['height']:.0f} px of 844")
        assert box["y"] + box["height"] <= 844, box
        label = page.locator("label[for=stays]")
        height = label.evaluate("(n) => n.getBoundingClientRect().height")
        line = label.evaluate("(n) => parseFloat(getComputedStyle(n).lineHeight) || parseFloat(getComputedStyle(n).fontSize) * 1.3")
        words = len(label.inner_text().split())
        print(f"join 390x844: 'stay' label {height:.0f} px high, {height / line:.1f} lines for {words} words")
        assert height / line < words / 2, (height, line, words)
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        page.set_viewport_size({"width": 320, "height": 640})
        found = page.evaluate(WIDE)
        print(f"reflow 320px /j/<code>: scrollWidth {found['scroll']} clientWidth {found['client']}")
        assert found["scroll"] <= found["client"], found
    finally:
        context.close()

"""Dark mode (prefers-color-scheme: dark) on every screen, checked with axe-core in real Chromium:
the dark colours must pass contrast as the light ones do."""
from __future__ import annotations

from playwright.sync_api import expect
from test_accessibility import audit, cafe, post, submit_join  # noqa: F401  (cafe is a fixture)


def test_every_screen_passes_axe_in_dark_mode(browser, playwright, live_server, cafe):  # noqa: F811
    made = []

    def context(kind: str):
        sizes = {"laptop": {"viewport": {"width": 1366, "height": 800}}, "phone": playwright.devices["Pixel 7"]}
        made.append(browser.new_context(base_url=live_server.base_url, bypass_csp=True, color_scheme="dark", **sizes[kind]))
        made[-1].set_default_timeout(10_000)
        return made[-1]

    try:
        found = []
        page = context("phone").new_page()
        assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
        for path in ["/", "/new", f"/j/{cafe.code}"]:
            page.goto(path)
            found += audit(page, f"dark {path}")
        submit_join(page, cafe.code, "Amal", "family_carer")
        expect(page.locator("[data-connection]")).to_have_attribute("data-state", "online")
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(18, 19, 23)", background  # the dark paper, not the light one
        found += audit(page, "dark phone, waiting")
        cafe.do("start_round")
        post(page, "Peer support matters")
        cafe.do("nudge", {"text": "Five minutes"})
        expect(page.locator("[data-nudge]")).to_contain_text("Five minutes")
        found += audit(page, "dark phone, running with a nudge")
        page.goto(f"/p/{cafe.code}/table")
        found += audit(page, "dark plain table page")
        laptop = context("laptop").new_page()
        for path in [cafe.dashboard, f"{cafe.dashboard}/seating", f"{cafe.dashboard}/sheet"]:
            laptop.goto(path)
            if "sheet" not in path:
                expect(laptop.locator("[data-connection]")).to_have_attribute("data-state", "online")
            found += audit(laptop, f"dark {path.replace(cafe.dashboard, 'dashboard')}")
        cafe.do("end_round")
        for _ in range(2):
            cafe.do("next_round")
            cafe.do("start_round")
        cafe.do("start_harvest")
        for path in [cafe.dashboard, f"{cafe.dashboard}/harvest"]:
            laptop.goto(path)
            expect(laptop.locator("[data-connection]")).to_have_attribute("data-state", "online")
            found += audit(laptop, f"dark harvest {path.replace(cafe.dashboard, 'dashboard')}")
        page.goto(f"/p/{cafe.code}")
        expect(page.locator("[data-harvest]")).to_be_visible()
        found += audit(page, "dark phone, harvest")
        assert not found, "\n".join(found)
    finally:
        for made_context in made:
            made_context.close()

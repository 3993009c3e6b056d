"""A phone's first visit on slow 3G with a 4x slower CPU, in real Chromium (Chrome DevTools Protocol
network and CPU emulation): from the QR code's join link to its table on screen, at most 50 KB
transferred and at most 3 s for each page; the harvest feedback script is not fetched before the harvest."""
from __future__ import annotations

import re
import time

from playwright.sync_api import expect
from test_accessibility import cafe  # noqa: F401  (the fixture)

# DevTools' "Slow 3G" throughput (400 kbit/s each way) with a 400 ms round trip.
SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 50_000, "uploadThroughput": 50_000}
MAX_BYTES = 50 * 1024
MAX_SECONDS = 3.0


def test_the_first_visit_is_light_on_slow_3g(browser, playwright, live_server, cafe):  # noqa: F811
    context = browser.new_context(base_url=live_server.base_url, **playwright.devices["Pixel 7"])
    context.set_default_timeout(20_000)
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        # A first visit: a new context has nothing cached. Within the visit the browser keeps what
        # it fetched (static URLs carry a hash of their bytes and may be kept for a year), so the
        # phone page after the join page does not fetch the style sheets and icon again.
        cdp.send("Network.emulateNetworkConditions", SLOW_3G)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
        transferred: dict[str, int] = {}
        urls: dict[str, str] = {}
        cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
        cdp.on("Network.loadingFinished",
               lambda e: transferred.__setitem__(e["requestId"], transferred.get(e["requestId"], 0) + int(e["encodedDataLength"])))

        started = time.monotonic()
        page.goto(f"/j/{cafe.code}", wait_until="load")
        join_s = time.monotonic() - started
        page.get_by_label("Your name").fill("Amal")
        started = time.monotonic()
        page.get_by_role("button", name="Join the café").click()
        expect(page).to_have_url(re.compile(rf"/p/{cafe.code}$"))
        expect(page.locator("[data-table-label]")).to_have_text(re.compile(r"^Table [A-Z]+$"))
        phone_s = time.monotonic() - started
        expect(page.locator("[data-connection]")).to_have_attribute("data-state", "online")
        online_s = time.monotonic() - started
        total = sum(transferred.values())
        lines = sorted(((n, urls.get(r, r)) for r, n in transferred.items()), reverse=True)
        for n, url in lines:
            print(f"  {n / 1024:6.1f} KB  {url.replace(live_server.base_url, '')[:90]}")
        print(f"first visit on slow 3G (400 ms, 400 kbit/s), CPU 4x slower: {total / 1024:.1f} KB transferred in "
              f"{len(transferred)} requests; join page {join_s:.2f} s, join to the table on screen {phone_s:.2f} s, "
              f"to the live connection {online_s:.2f} s")
        assert not [u for u in urls.values() if "phone-feedback" in u], "the harvest script loaded before the harvest"
        assert total <= MAX_BYTES, total
        assert join_s <= MAX_SECONDS and phone_s <= MAX_SECONDS, (join_s, phone_s)

        # Once the harvest begins, the feedback script arrives and its controls work.
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
        cdp.send("Network.emulateNetworkConditions", {**SLOW_3G, "latency": 0, "downloadThroughput": -1,
                                                      "uploadThroughput": -1})
        cafe.do("start_round")
        for _ in range(2):
            cafe.do("next_round")
            cafe.do("start_round")
        cafe.do("start_harvest")
        expect(page.locator("[data-harvest]")).to_be_visible()
        assert [u for u in urls.values() if "phone-feedback" in u]
    finally:
        context.close()

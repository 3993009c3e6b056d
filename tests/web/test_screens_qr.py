"""The join QR code carries its own quiet zone of at least four modules."""
from __future__ import annotations

import re


def _dark_modules(svg: str) -> tuple[int, set[tuple[int, int]]]:
    """(size in modules, dark module coordinates) read back from segno's SVG path."""
    scale = int(re.search(r'transform="scale\((\d+)\)"', svg).group(1))
    size = int(re.search(r'width="(\d+)"', svg).group(1)) // scale
    path = re.search(r' d="([^"]+)"', svg).group(1)
    x = y = 0.0
    dark: set[tuple[int, int]] = set()
    for command, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?:\s(-?[\d.]+))?", path):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            for i in range(int(float(a))):
                dark.add((int(x) + i, int(y)))
            x += float(a)
    return size, dark


def test_qr_quiet_zone_is_four_modules(client, facilitator) -> None:
    svg = client.get(f"/qr/{facilitator.code}.svg").get_data(as_text=True)
    size, dark = _dark_modules(svg)
    xs = [x for x, _ in dark]
    ys = [y for _, y in dark]
    assert dark
    assert min(xs) >= 4 and min(ys) >= 4
    assert size - 1 - max(xs) >= 4 and size - 1 - max(ys) >= 4

"""The screens name the café's stages and round statuses in one place: `Cafe.STAGE` and
`Cafe.STATUS` in common.js hold exactly the names the domain defines (`Stage`, `RoundStatus`),
and no screen script compares a stage or status with a string of its own."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from cafe.domain.cafe import Stage
from cafe.domain.timer import RoundStatus

STATIC = Path(__file__).resolve().parents[2] / "cafe" / "static"
SCRIPTS = sorted(STATIC.glob("*.js"))  # one per screen, and common.js; vendor/ is not ours
NAMES = sorted({s.value for s in Stage} | {s.value for s in RoundStatus})
_NAME = "|".join(map(re.escape, NAMES))
_QUOTED = "(?:" + "|".join(f"{q}(?:{_NAME}){q}" for q in "'\"`") + ")"  # in any quotes
RAW_COMPARISON = re.compile(
    rf"""(?:[!=]==?\s*{_QUOTED})|(?:{_QUOTED}\s*[!=]==?)"""  # x === 'ended', 'ended' !== x
    rf"""|(?:\bcase\s+{_QUOTED})"""  # switch (x) { case 'ended': ... }
    rf"""|(?:\[[^\]]*{_QUOTED}[^\]]*\]\s*\.\s*includes\s*\()"""  # ['running', 'paused'].includes(x)
)


def frozen_names(source: str, name: str) -> dict[str, str]:
    """The members of `const NAME = Object.freeze({ KEY: 'value', ... })` in a script."""
    found = re.search(rf"const {name} = Object\.freeze\(\{{([^}}]*)\}}\)", source)
    assert found, f"common.js defines no {name}"
    return dict(re.findall(r"(\w+):\s*'([^']*)'", found.group(1)))


def raw_comparisons(source: str) -> list[str]:
    return [f"line {source.count(chr(10), 0, m.start()) + 1}: {m.group(0)}" for m in RAW_COMPARISON.finditer(source)]


def test_common_js_names_the_stages_and_statuses_the_domain_defines():
    common = (STATIC / "common.js").read_text(encoding="utf-8")
    assert frozen_names(common, "STAGE") == {s.name: s.value for s in Stage}
    assert frozen_names(common, "STATUS") == {s.name: s.value for s in RoundStatus}
    assert re.search(r"return \{[^}]*\bSTAGE, STATUS\b", common), "Cafe does not hand out STAGE and STATUS"


def test_there_are_screens_to_check():
    assert {"common.js", "phone.js", "dashboard.js", "wall.js"} <= {path.name for path in SCRIPTS}


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda path: path.name)
def test_no_screen_compares_a_stage_or_status_with_a_literal(path):
    assert raw_comparisons(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("source", [
    "if (cafe.stage === 'harvest') x();",
    'if (cafe.status !== "ended") x();',
    "if ('running' == cafe.status) x();",
    "switch (cafe.status) { case 'paused': x(); }",
    "const going = ['running', 'paused'].includes(cafe.status);",
])
def test_the_check_catches_raw_comparisons(source):
    assert raw_comparisons(source)


@pytest.mark.parametrize("source", [
    "if (cafe.stage === STAGE.HARVEST) x();",
    "const going = [STATUS.RUNNING, STATUS.PAUSED].includes(cafe.status);",
    "const box = $('harvest');",
    "label.textContent = S.ended;",
])
def test_the_check_lets_named_comparisons_and_other_strings_pass(source):
    assert raw_comparisons(source) == []

"""Every word a person reads goes through gettext: rendered in a pseudo-language, every page's
visible text (and the strings handed to the screens' JavaScript) must come out translated."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from cafe import create_app, languages
from cafe.plans import list_plans
from csrf_forms import BrowserClient

REPO = Path(__file__).resolve().parents[2]
LANG = "eo"  # a real locale nobody ships here, standing in for a translation
MARK = "⟦"
ATTRIBUTES = ("aria-label", "placeholder", "title", "alt", "value")


@pytest.fixture(scope="module")
def pseudo_translations(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("i18n")
    pot = root / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l",
                    "-o", str(pot), "cafe"], cwd=REPO, check=True, capture_output=True)
    with pot.open("rb") as handle:
        catalog = read_po(handle, locale=LANG)
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, (list, tuple)):
            message.string = tuple(f"{MARK}{message.id[0]}⟧" for _ in range(2))
        else:
            message.string = f"{MARK}{message.id}⟧"
    folder = root / LANG / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.mo").open("wb") as handle:
        write_mo(handle, catalog)
    return root


class _Text(HTMLParser):
    """Visible text and user-facing attributes, leaving out scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.skip = 0
        self.found: list[str] = []
        self.scripts: list[tuple[dict, str]] = []
        self._script_attrs: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self.skip += 1
            self._script_attrs = attrs if tag == "script" else None
        for name in ATTRIBUTES:
            if attrs.get(name) and not (name == "value" and attrs.get("type") in ("hidden", "radio", "checkbox", "text", None)):
                self.found.append(attrs[name])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data):
        if self.skip:
            if self._script_attrs is not None and self._script_attrs.get("id") == "strings":
                self.scripts.append((self._script_attrs, data))
            return
        if data.strip():
            self.found.append(data.strip())


def _data_words() -> set[str]:
    """Text that is content, not interface: plan titles, themes, questions, cue cards."""
    words: set[str] = set()
    for entry in list_plans():
        if entry.plan is None:
            continue
        plan = entry.plan
        words |= {plan.title, plan.purpose, *plan.etiquette, *plan.host_cue}
        for theme in plan.themes:
            words |= {theme.name, theme.description, *theme.questions}
    return {w.strip() for w in words if w.strip()}


def _untranslated(texts: list[str], allowed: set[str]) -> list[str]:
    bad = []
    for text in texts:
        text = text.removesuffix(" · cafe")  # the product's name in the window title
        if MARK in text or text in allowed or any(text in word for word in allowed):
            continue
        if re.fullmatch(r"[\W\d_]*", text) or re.fullmatch(r"https?://\S+", text) or re.fullmatch(r"[A-Z0-9]{6}", text):
            continue
        bad.append(text)
    return bad


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def test_every_page_reads_in_the_pseudo_language(tmp_path, pseudo_translations):
    app = create_app({"TESTING": True, "ASYNC_MODE": "threading", "DATABASE_URL": f"sqlite:///{tmp_path / 'c.sqlite3'}",
                      "PUBLIC_URL": "http://cafe.test", "BABEL_TRANSLATION_DIRECTORIES": str(pseudo_translations)})
    headers = {"Accept-Language": LANG}
    app.test_client_class = BrowserClient  # forms are posted from the page, with its CSRF token
    laptop, phone = app.test_client(), app.test_client()
    created = laptop.post("/new", data={"plan": "icic-2023-lived-experience-roles.toml"}, headers=headers)
    host = created.headers["Location"]
    code = re.search(r'"code": "(\w+)"', laptop.get(host, headers=headers).get_data(as_text=True)).group(1)
    phone.post(f"/j/{code}", data={"name": "Ana"}, headers=headers)
    pages = {
        "home": laptop.get("/", headers=headers),
        "new": laptop.get("/new", headers=headers),
        "new with errors": laptop.post("/new", data={"title": "", "rounds": "99"}, headers=headers),
        "join": app.test_client().get(f"/j/{code}", headers=headers),
        "join with errors": app.test_client().post(f"/j/{code}", data={"name": "x" * 41}, headers=headers),
        "phone": phone.get(f"/p/{code}", headers=headers),
        "dashboard": laptop.get(host, headers=headers),
        "wall": laptop.get(f"/w/{code}", headers=headers),
        "harvest studio": laptop.get(f"{host}/harvest", headers=headers),
        "not found": laptop.get("/j/ZZZZZZ", headers=headers),
    }
    # the language picker names each language in itself, on purpose
    allowed = _data_words() | set(languages.NAMES.values()) | {
        "Ana", "cafe", "ICIC 2023", "Lived experience roles in integrated care (ICIC 2023)"}
    problems = {}
    for name, response in pages.items():
        assert response.status_code in (200, 400, 404), (name, response.status_code)
        parser = _Text()
        parser.feed(response.get_data(as_text=True))
        bad = _untranslated(parser.found, allowed)
        for _attrs, blob in parser.scripts:
            bad += [f"JS string: {s}" for s in _untranslated(_strings(json.loads(blob)), allowed)]
        if bad:
            problems[name] = bad
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)

"""Every shipped language translates every string the sources have, and nothing stale.

The sources are extracted afresh with pybabel (as the README's recipe does) into a temporary
template and compared with each shipped catalogue: a string someone added or changed without
translating it, a fuzzy or obsolete entry, a lost placeholder, or a compiled .mo that lags its
.po fails here, naming the language and the string."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo, write_mo
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "cafe" / "translations"
SHIPPED = ("es", "fr", "ar")
# %(name)s for the server's strings, {name} for the scripts' (filled by Cafe.fill in common.js).
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|\{\w+\}")


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Catalog:
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l",
                                "-o", str(pot), str(ROOT / "cafe")])
    with pot.open("rb") as handle:
        return read_po(handle)


def _catalogue(lang: str) -> Catalog:
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=lang)


def _ids(catalog: Catalog) -> set:
    return {m.id for m in catalog if m.id}


def test_the_shipped_languages_are_the_catalogues_on_disk() -> None:
    found = {p.parent.parent.name for p in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")}
    assert found == set(SHIPPED)


@pytest.mark.parametrize("lang", SHIPPED)
def test_every_source_string_is_translated(lang: str, template: Catalog) -> None:
    catalog = _catalogue(lang)
    missing = sorted(str(mid) for mid in _ids(template) - _ids(catalog))
    assert not missing, f"{lang}: not in the catalogue (run pybabel update, then translate): {missing[:10]}"
    empty = [str(m.id) for m in catalog if m.id and not all(m.string if isinstance(m.string, tuple) else [m.string])]
    assert not empty, f"{lang}: untranslated: {empty[:10]}"


@pytest.mark.parametrize("lang", SHIPPED)
def test_nothing_is_stale(lang: str, template: Catalog) -> None:
    catalog = _catalogue(lang)
    gone = sorted(str(mid) for mid in _ids(catalog) - _ids(template))
    assert not gone, f"{lang}: no longer in the sources: {gone[:10]}"
    fuzzy = [str(m.id) for m in catalog if m.id and m.fuzzy]
    assert not fuzzy, f"{lang}: fuzzy (check the translation, then drop the flag): {fuzzy[:10]}"
    assert not catalog.obsolete, f"{lang}: obsolete entries: {list(catalog.obsolete)[:10]}"


@pytest.mark.parametrize("lang", SHIPPED)
def test_placeholders_and_plural_forms_survive(lang: str) -> None:
    catalog = _catalogue(lang)
    assert catalog.num_plurals == get_plural(lang).num_plurals
    problems = [f"{m.id!r}: {errors}" for m, errors in catalog.check()]
    assert not problems, f"{lang}: {problems[:5]}"
    for m in catalog:
        if not m.id:
            continue
        if isinstance(m.id, tuple):
            assert len(m.string) == catalog.num_plurals, f"{lang}: {m.id[0]!r} needs {catalog.num_plurals} forms"
            allowed = set(PLACEHOLDER.findall(m.id[0])) | set(PLACEHOLDER.findall(m.id[1]))
            for form in m.string:
                assert set(PLACEHOLDER.findall(form)) <= allowed, f"{lang}: {form!r} has a placeholder {m.id[1]!r} lacks"
            # the forms for larger numbers must say the number
            assert all("%(num)d" in form for form in m.string[-1:]), f"{lang}: {m.id[1]!r} never shows the number"
        else:
            assert sorted(PLACEHOLDER.findall(m.string)) == sorted(PLACEHOLDER.findall(m.id)), \
                f"{lang}: placeholders of {m.id!r} changed in {m.string!r}"


def test_arabic_has_six_plural_forms() -> None:
    assert _catalogue("ar").num_plurals == 6


@pytest.mark.parametrize("lang", SHIPPED)
def test_the_compiled_catalogue_matches_its_source(lang: str) -> None:
    """The .mo files are committed (no build step on a fresh clone): they must be the .po's compile."""
    fresh = io.BytesIO()
    write_mo(fresh, _catalogue(lang))
    fresh.seek(0)
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo").open("rb") as handle:
        shipped = read_mo(handle)
    expected = read_mo(fresh)
    def texts(catalog: Catalog) -> dict:
        def plain(value: object) -> object:
            return tuple(value) if isinstance(value, (list, tuple)) else value

        return {plain(m.id): plain(m.string) for m in catalog if m.id}

    assert texts(shipped) == texts(expected), \
        f"{lang}: recompile with pybabel compile -d cafe/translations"

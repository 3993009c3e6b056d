"""Plans may carry their texts in other languages: checked like the rest, shown per language,
never replacing the plan's own texts (the keys insights are filed under)."""
from __future__ import annotations

import pytest

from cafe import tomlguard
from cafe.domain.plan import (
    PlanError,
    plan_from_dict,
    plan_from_input,
    plan_to_dict,
)
from cafe.domain.plan_text import plan_to_toml
from cafe.plans import list_plans, parse_plan_text, sessions_dir

BASE = {
    "title": "Access", "purpose": "Why we meet", "etiquette": ["Listen", "Link ideas"], "rounds": 2,
    "round_minutes": 10, "table_size": 4, "theme_mode": "rotate", "host_cue": ["Welcome"],
    "themes": [{"name": "Care", "description": "About care", "questions": ["Q1", "Q2"]},
               {"name": "Work", "question": "What works?"}],
}


def with_translations(translations: dict) -> dict:
    return {**BASE, "translations": translations}


SPANISH = {"title": "Acceso", "etiquette": ["Escucha", "Enlaza ideas"],
           "themes": [{"name": "Cuidados", "questions": ["P1", "P2"]}, {"question": "¿Qué funciona?"}]}


def test_a_translation_shows_its_texts_and_falls_back_field_by_field() -> None:
    plan = plan_from_input(with_translations({"es": SPANISH}))
    shown = plan.in_language("es")
    assert shown.title == "Acceso" and shown.purpose == "Why we meet"  # purpose not translated
    assert shown.etiquette == ("Escucha", "Enlaza ideas") and shown.host_cue == ("Welcome",)
    assert [t.name for t in shown.themes] == ["Cuidados", "Work"]
    assert shown.themes[0].question_for(2) == "P2" and shown.themes[0].description == "About care"
    assert shown.themes[1].question_for(1) == "¿Qué funciona?"
    assert [t.name for t in plan.themes] == ["Care", "Work"]  # the plan itself is untouched


@pytest.mark.parametrize("lang, expected", [("es_MX", "Acceso"), ("es-ES", "Acceso"), ("pt", "Access"),
                                            (None, "Access"), ("en", "Access")])
def test_a_regional_language_takes_its_base_and_others_the_plans_own(lang, expected) -> None:
    plan = plan_from_input(with_translations({"es": SPANISH}))
    assert plan.in_language(lang).title == expected


def test_a_base_language_takes_the_only_regional_translation() -> None:
    plan = plan_from_input(with_translations({"pt_BR": {"title": "Acesso"}}))
    assert plan.in_language("pt").title == "Acesso"


def test_a_plan_without_translations_is_as_before() -> None:
    plan = plan_from_dict(BASE)
    assert plan.in_language("ar") is plan
    assert "translations" not in plan_to_dict(plan)
    assert "[translations" not in plan_to_toml(plan)


def test_translations_survive_the_database_and_the_plan_file() -> None:
    plan = plan_from_input(with_translations({"es": SPANISH, "ar": {"purpose": "لماذا نجتمع"}}))
    assert plan_from_dict(plan_to_dict(plan)) == plan
    assert parse_plan_text(plan_to_toml(plan), "saved.toml") == plan


@pytest.mark.parametrize("translations, field, words", [
    ({"e s": {"title": "x"}}, "translations.e s", "not a language code"),
    ({"es": "Acceso"}, "translations.es", "must be a table"),
    ({"es": {"titel": "x"}}, "translations.es.titel", "did you mean 'title'"),
    ({"es": {"etiquette": ["solo una"]}}, "translations.es.etiquette", "one text for each of the plan's 2"),
    ({"es": {"themes": [{"name": "Cuidados"}]}}, "translations.es.themes", "one [[translations.es.themes]] table"),
    ({"es": {"themes": [{"questions": ["P1"]}, {}]}}, "translations.es.themes[1].questions", "needs 2 question"),
    ({"es": {"themes": [{"name": "Uno"}, {"name": "uno"}]}}, "translations.es.themes", "same name"),
    ({"es": {"themes": [{"nombre": "x"}, {}]}}, "translations.es.themes[1].nombre", "unknown field"),
    ({"es": {"title": "x" * 201}}, "translations.es.title", "too long"),
    ({f"l{chr(97 + i)}": {} for i in range(21)}, "translations", "at most 20 languages"),
])
def test_a_bad_translation_is_refused_with_its_field(translations, field, words) -> None:
    with pytest.raises(PlanError) as caught:
        plan_from_input(with_translations(translations))
    assert caught.value.field == field
    assert words in caught.value.message


def test_a_translation_error_in_a_file_names_its_line() -> None:
    text = plan_to_toml(plan_from_dict(BASE)) + '\n[translations.es]\ntitel = "Acceso"\n'
    with pytest.raises(PlanError) as caught:
        parse_plan_text(text, "bad.toml")
    assert caught.value.line == text.splitlines().index("[translations.es]") + 1


def test_the_shipped_plans_stay_within_the_upload_limits() -> None:
    """The ICIC plan in four languages is still a plan anyone could upload (cafe/tomlguard.py)."""
    for path in sorted(sessions_dir().glob("*.toml")):
        text = path.read_text(encoding="utf-8")
        assert len(text.encode()) <= tomlguard.MAX_BYTES // 2, path.name
        tomlguard.scan(text)
        assert parse_plan_text(text, path.name, isolated=True) is not None
    icic = next(e.plan for e in list_plans() if e.file.startswith("icic"))
    assert icic is not None and sorted(icic.translations) == ["ar", "es", "fr"]
    for lang in ("ar", "es", "fr"):
        texts = icic.translations[lang]
        assert texts.title and texts.purpose and len(texts.etiquette) == len(icic.etiquette)
        assert len(texts.host_cue) == len(icic.host_cue)
        assert all(t.name and t.description and len(t.questions) == len(theme.questions)
                   for t, theme in zip(texts.themes, icic.themes, strict=True))

"""A café plan: themes, questions, rounds and cue cards, checked field by field from plain data."""
from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from cafe.domain.plan_text import line_of as _line_of
from cafe.domain.textclean import UnsafeText, clean

THEME_MODES = ("rotate", "fixed")
MAX_THEMES = 12
MAX_ROUNDS = 8
MAX_ROUND_MINUTES = 90
TABLE_SIZE_RANGE = (2, 12)
MAX_HANDOVER_MINUTES = 10
MAX_MIN_TABLES = 100
MAX_NAME = 200  # titles and theme names: they head pages and fill database columns of this size
MAX_TEXT = 2000

MAX_LANGUAGES = 20

_PLAN_FIELDS = (
    "title", "purpose", "etiquette", "rounds", "round_minutes", "table_size",
    "theme_mode", "handover_minutes", "min_tables", "host_cue", "themes", "translations",
)
_THEME_FIELDS = ("name", "description", "question", "questions")
_TRANSLATION_FIELDS = ("title", "purpose", "etiquette", "host_cue", "themes")
# A language as gettext names its catalogues: "es", "fr", "ar", "pt_BR", "zh_Hant".
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:_[A-Za-z0-9]{2,8})?")
# Lone surrogates cannot be written to a UTF-8 plan file, so they are refused at the door.
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Theme:
    """One conversation theme: a name, a short description and its question(s)."""

    name: str
    description: str
    questions: tuple[str, ...]

    def question_for(self, round_no: int) -> str:
        """The question for a 1-based round; a single question serves every round."""
        index = min(max(round_no, 1), len(self.questions)) - 1
        return self.questions[index]


@dataclass(frozen=True)
class ThemeTexts:
    """A theme's texts in another language; an empty field falls back to the plan's own."""

    name: str = ""
    description: str = ""
    questions: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlanTexts:
    """A plan's texts in another language; every field is optional and falls back to the plan's own."""

    title: str = ""
    purpose: str = ""
    etiquette: tuple[str, ...] = ()
    host_cue: tuple[str, ...] = ()
    themes: tuple[ThemeTexts, ...] = ()


def _base_language(lang: str) -> str:
    return lang.replace("-", "_").split("_")[0].lower()


@dataclass(frozen=True)
class Plan:
    """Everything a facilitator decides before the café starts."""

    title: str
    purpose: str
    etiquette: tuple[str, ...]
    themes: tuple[Theme, ...]
    rounds: int
    round_minutes: tuple[int, ...]
    table_size: int
    theme_mode: str
    host_cue: tuple[str, ...]
    handover_minutes: int = 2
    min_tables: int = 0
    # Not part of a plan file: how many tables the themes move on each round, decided for a
    # café when its first round starts (see rotation.theme_stride).
    theme_stride: int = 1
    # Not part of a plan file either: the theme (an index into `themes`) the café's seating plan
    # chose for a (table, round); the stride rotation serves every table and round not in it.
    table_themes: Mapping[tuple[int, int], int] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    # The plan's texts in other languages, by language ("es", "pt_BR"); the fields above are the
    # plan's own language, and theme names there stay the keys insights are filed under.
    translations: Mapping[str, PlanTexts] = field(default_factory=lambda: MappingProxyType({}), hash=False)

    def texts_for(self, lang: str | None) -> PlanTexts | None:
        """The translation for a language ("pt_BR" falls back to "pt", "es" takes "es_MX" if alone)."""
        if not lang or not self.translations:
            return None
        wanted = lang.replace("-", "_")
        if wanted in self.translations:
            return self.translations[wanted]
        base = _base_language(wanted)
        if base in self.translations:
            return self.translations[base]
        return next((texts for key, texts in sorted(self.translations.items()) if _base_language(key) == base), None)

    def in_language(self, lang: str | None) -> Plan:
        """This plan with its texts shown in `lang` where it has them, for display only: the
        result's theme names are not the keys insights are filed under."""
        texts = self.texts_for(lang)
        if texts is None:
            return self
        themes = tuple(
            Theme(t.name or theme.name, t.description or theme.description, t.questions or theme.questions)
            for theme, t in zip(self.themes, texts.themes or (ThemeTexts(),) * len(self.themes), strict=False)
        )
        return replace(self, title=texts.title or self.title, purpose=texts.purpose or self.purpose,
                       etiquette=texts.etiquette or self.etiquette, host_cue=texts.host_cue or self.host_cue,
                       themes=themes)

    def duration_s(self, round_no: int) -> int:
        """Planned length of a 1-based round in seconds."""
        if not 1 <= round_no <= self.rounds:
            raise ValueError(f"round {round_no} is outside 1..{self.rounds}")
        return self.round_minutes[round_no - 1] * 60

    def theme_for(self, table_number: int, round_no: int) -> Theme:
        """The theme discussed at a 1-based table in a 1-based round."""
        chosen = self.table_themes.get((table_number, round_no))
        if chosen is not None:
            return self.themes[chosen]
        count = len(self.themes)
        if self.theme_mode == "fixed":
            return self.themes[(table_number - 1) % count]
        return self.themes[(table_number - 1 + (round_no - 1) * self.theme_stride) % count]

    def with_table_themes(self, chosen: Mapping[tuple[int, int], str]) -> Plan:
        """This plan with (table, round) -> theme name laid over its table themes; names the plan
        does not have are left out, so those tables keep the rotation."""
        index = {theme.name: i for i, theme in enumerate(self.themes)}
        merged = dict(self.table_themes)
        merged.update({key: index[name] for key, name in chosen.items() if name in index})
        return replace(self, table_themes=MappingProxyType(merged))

    @property
    def total_minutes(self) -> int:
        """Conversation time over all rounds (moves and harvest not included)."""
        return sum(self.round_minutes)


class PlanError(ValueError):
    """A plan that cannot be used, with where the problem is written."""

    def __init__(self, message: str, *, source: str = "<plan>", line: int | None = None,
                 field: str | None = None) -> None:
        self.message = message
        self.source = source
        self.line = line
        self.field = field
        where = source if line is None else f"{source}:{line}"
        what = message if field is None else f"field '{field}': {message}"
        super().__init__(f"{where}: {what}")


# ---------------------------------------------------------------- reading


class _Reader:
    """Builds PlanErrors that know the source name and, given the raw text, the line."""

    def __init__(self, source: str, text: str | None, cleaning: bool = False) -> None:
        self.source = source
        self.text = text
        self.cleaning = cleaning

    def error(self, field: str | None, message: str) -> PlanError:
        line = _line_of(self.text, field) if self.text is not None and field else None
        return PlanError(message, source=self.source, line=line, field=field)


def _kind(value: object) -> str:
    """How a facilitator would call a value's type."""
    if isinstance(value, bool):
        return "true/false"
    names = {str: "text", int: "a whole number", float: "a decimal number",
             list: "a list", dict: "a table"}
    return names.get(type(value), "a date or time")


def _reject_unknown(r: _Reader, data: dict[str, Any], allowed: tuple[str, ...], prefix: str) -> None:
    for key in data:
        if key not in allowed:
            hint = difflib.get_close_matches(str(key), allowed, n=1)
            tip = f"; did you mean '{hint[0]}'?" if hint else f"; known fields: {', '.join(allowed)}"
            raise r.error(f"{prefix}{key}", f"unknown field '{key}'{tip}")


def _check_text(r: _Reader, value: object, field: str, *, allow_empty: bool = False, max_len: int = MAX_TEXT,
                multiline: bool = True) -> str:
    if not isinstance(value, str):
        raise r.error(field, f"must be text in quotes, not {_kind(value)}")
    if r.cleaning:
        try:
            value = clean(value, multiline=multiline)
        except UnsafeText:
            raise r.error(field, "contains characters that are not valid text") from None
    if not allow_empty and not value.strip():
        raise r.error(field, "must not be empty")
    if len(value) > max_len:
        raise r.error(field, f"is too long: at most {max_len} characters, got {len(value)}")
    if _SURROGATE.search(value):
        raise r.error(field, "contains characters that are not valid text")
    return value


def _text(r: _Reader, data: dict[str, Any], key: str, prefix: str = "", *, required: bool = True, max_len: int = MAX_TEXT,
          multiline: bool = True) -> str:
    if key not in data:
        if required:
            raise r.error(f"{prefix}{key}", "missing (this field is required)")
        return ""
    return _check_text(r, data[key], f"{prefix}{key}", allow_empty=not required, max_len=max_len, multiline=multiline)


def _text_list(r: _Reader, data: dict[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise r.error(key, f"must be a list of texts like [\"...\", \"...\"], not {_kind(value)}")
    return tuple(_check_text(r, item, f"{key}[{i}]") for i, item in enumerate(value, 1))


def _check_int(r: _Reader, value: object, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise r.error(field, f"must be a whole number, not {_kind(value)}")
    if not low <= value <= high:
        raise r.error(field, f"must be between {low} and {high}, got {value}")
    return value


def _int(r: _Reader, data: dict[str, Any], key: str, low: int, high: int, default: int | None = None) -> int:
    if key not in data:
        if default is None:
            raise r.error(key, "missing (this field is required)")
        return default
    return _check_int(r, data[key], key, low, high)


def _round_minutes(r: _Reader, data: dict[str, Any], rounds: int) -> tuple[int, ...]:
    if "round_minutes" not in data:
        raise r.error("round_minutes", f"missing: give one number or a list of {rounds}")
    value = data["round_minutes"]
    if isinstance(value, list):
        if len(value) != rounds:
            raise r.error("round_minutes", f"lists {len(value)} rounds but rounds = {rounds}")
        return tuple(_check_int(r, v, f"round_minutes[{i}]", 1, MAX_ROUND_MINUTES)
                     for i, v in enumerate(value, 1))
    if isinstance(value, bool) or not isinstance(value, int):
        raise r.error("round_minutes", f"must be a whole number or a list of {rounds}, "
                                       f"not {_kind(value)}")
    return (_check_int(r, value, "round_minutes", 1, MAX_ROUND_MINUTES),) * rounds


def _questions(r: _Reader, item: dict[str, Any], prefix: str, rounds: int) -> tuple[str, ...]:
    if "question" in item and "questions" in item:
        raise r.error(prefix, "give either question or questions, not both")
    if "question" in item:
        return (_check_text(r, item["question"], f"{prefix}.question"),)
    if "questions" not in item:
        raise r.error(prefix, "missing: give question = \"...\" or questions = [\"...\", ...]")
    value, field = item["questions"], f"{prefix}.questions"
    if not isinstance(value, list):
        raise r.error(field, f"must be a list of texts, not {_kind(value)}")
    if len(value) not in (1, rounds):
        raise r.error(field, f"needs 1 question or one per round ({rounds}), got {len(value)}")
    return tuple(_check_text(r, q, f"{field}[{i}]") for i, q in enumerate(value, 1))


def _themes(r: _Reader, data: dict[str, Any], rounds: int) -> tuple[Theme, ...]:
    if "themes" not in data:
        raise r.error("themes", "missing: add at least one [[themes]] table")
    value = data["themes"]
    if not isinstance(value, list):
        raise r.error("themes", f"must be [[themes]] tables, not {_kind(value)}")
    if not 1 <= len(value) <= MAX_THEMES:
        raise r.error("themes", f"needs between 1 and {MAX_THEMES} themes, got {len(value)}")
    themes: list[Theme] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(value, 1):
        prefix = f"themes[{i}]"
        if not isinstance(item, dict):
            raise r.error(prefix, f"must be a table with a name and a question, not {_kind(item)}")
        _reject_unknown(r, item, _THEME_FIELDS, f"{prefix}.")
        name = _text(r, item, "name", f"{prefix}.", max_len=MAX_NAME, multiline=False)
        key = name.strip().casefold()
        if key in seen:
            raise r.error(f"{prefix}.name", f"'{name}' is already the name of themes[{seen[key]}]")
        seen[key] = i
        description = _text(r, item, "description", f"{prefix}.", required=False)
        themes.append(Theme(name, description, _questions(r, item, prefix, rounds)))
    return tuple(themes)


def _same_list(r: _Reader, data: dict[str, Any], key: str, prefix: str, count: int) -> tuple[str, ...]:
    """An optional list of texts that must match the plan's own list one for one."""
    if key not in data:
        return ()
    value, field = data[key], f"{prefix}{key}"
    if not isinstance(value, list):
        raise r.error(field, f"must be a list of texts, not {_kind(value)}")
    if len(value) != count:
        raise r.error(field, f"needs one text for each of the plan's {count}, got {len(value)}")
    return tuple(_check_text(r, item, f"{field}[{i}]") for i, item in enumerate(value, 1))


def _theme_texts(r: _Reader, item: object, prefix: str, theme: Theme) -> ThemeTexts:
    if not isinstance(item, dict):
        raise r.error(prefix, f"must be a table with the theme's texts, not {_kind(item)}")
    _reject_unknown(r, item, _THEME_FIELDS, f"{prefix}.")
    name = _text(r, item, "name", f"{prefix}.", required=False, max_len=MAX_NAME, multiline=False)
    description = _text(r, item, "description", f"{prefix}.", required=False)
    questions: tuple[str, ...] = ()
    if "question" in item or "questions" in item:
        questions = _questions(r, item, prefix, len(theme.questions))
        if len(questions) != len(theme.questions):
            raise r.error(f"{prefix}.questions", f"needs {len(theme.questions)} question(s), as the theme has, "
                                                 f"got {len(questions)}")
    return ThemeTexts(name, description, questions)


def _translations(r: _Reader, data: dict[str, Any], plan: Plan) -> dict[str, PlanTexts]:
    value = data.get("translations", {})
    if not isinstance(value, dict):
        raise r.error("translations", f"must be tables such as [translations.es], not {_kind(value)}")
    if len(value) > MAX_LANGUAGES:
        raise r.error("translations", f"at most {MAX_LANGUAGES} languages, got {len(value)}")
    found: dict[str, PlanTexts] = {}
    for lang, item in value.items():
        prefix = f"translations.{lang}"
        if not _LANGUAGE.fullmatch(str(lang)):
            raise r.error(prefix, f"'{lang}' is not a language code such as es, fr, ar or pt_BR")
        if not isinstance(item, dict):
            raise r.error(prefix, f"must be a table of texts, not {_kind(item)}")
        _reject_unknown(r, item, _TRANSLATION_FIELDS, f"{prefix}.")
        themes: tuple[ThemeTexts, ...] = ()
        if "themes" in item:
            listed = item["themes"]
            if not isinstance(listed, list) or len(listed) != len(plan.themes):
                got = len(listed) if isinstance(listed, list) else _kind(listed)
                raise r.error(f"{prefix}.themes", f"needs one [[{prefix}.themes]] table for each of the plan's "
                                                  f"{len(plan.themes)} themes, in the same order, got {got}")
            themes = tuple(_theme_texts(r, t, f"{prefix}.themes[{i}]", theme)
                           for i, (t, theme) in enumerate(zip(listed, plan.themes, strict=False), 1))
            names = [t.name.strip().casefold() for t in themes if t.name.strip()]
            if len(names) != len(set(names)):
                raise r.error(f"{prefix}.themes", "two themes have the same name in this language")
        found[str(lang)] = PlanTexts(
            title=_text(r, item, "title", f"{prefix}.", required=False, max_len=MAX_NAME, multiline=False),
            purpose=_text(r, item, "purpose", f"{prefix}.", required=False),
            etiquette=_same_list(r, item, "etiquette", f"{prefix}.", len(plan.etiquette)),
            host_cue=_same_list(r, item, "host_cue", f"{prefix}.", len(plan.host_cue)),
            themes=themes,
        )
    return found


def plan_from_input(data: object, *, source: str = "<plan>", text: str | None = None) -> Plan:
    """A plan from outside (a form, an uploaded or checked file, an import): every text cleaned as
    all user text is (textclean), then checked like plan_from_dict."""
    return _plan(_Reader(source, text, cleaning=True), data)


def plan_from_dict(data: dict[str, Any], *, source: str = "<plan>", text: str | None = None) -> Plan:
    """Check plain plan data (as parsed from TOML or JSON) and build a Plan, or raise PlanError.

    Texts are kept exactly: a café's stored plan must read back with the theme names its
    insights were filed under."""
    return _plan(_Reader(source, text), data)


def _plan(r: _Reader, data: object) -> Plan:
    if not isinstance(data, dict):
        raise r.error(None, f"a plan must be a table of fields, not {_kind(data)}")
    _reject_unknown(r, data, _PLAN_FIELDS, "")
    title = _text(r, data, "title", max_len=MAX_NAME, multiline=False)
    purpose = _text(r, data, "purpose", required=False)
    etiquette = _text_list(r, data, "etiquette")
    rounds = _int(r, data, "rounds", 1, MAX_ROUNDS)
    round_minutes = _round_minutes(r, data, rounds)
    table_size = _int(r, data, "table_size", *TABLE_SIZE_RANGE)
    theme_mode = _text(r, data, "theme_mode", multiline=False)
    if theme_mode not in THEME_MODES:
        raise r.error("theme_mode", f"must be \"rotate\" or \"fixed\", got \"{theme_mode}\"")
    handover = _int(r, data, "handover_minutes", 0, MAX_HANDOVER_MINUTES, default=2)
    min_tables = _int(r, data, "min_tables", 0, MAX_MIN_TABLES, default=0)
    host_cue = _text_list(r, data, "host_cue")
    themes = _themes(r, data, rounds)
    plan = Plan(title=title, purpose=purpose, etiquette=etiquette, themes=themes, rounds=rounds,
                round_minutes=round_minutes, table_size=table_size, theme_mode=theme_mode,
                host_cue=host_cue, handover_minutes=handover, min_tables=min_tables)
    translations = _translations(r, data, plan)
    return replace(plan, translations=MappingProxyType(translations)) if translations else plan


# ---------------------------------------------------------------- finding lines

# ---------------------------------------------------------------- writing


def texts_to_dict(texts: PlanTexts) -> dict[str, Any]:
    """One translation as plain data, leaving out the fields it does not translate."""
    data: dict[str, Any] = {}
    for key in ("title", "purpose"):
        if getattr(texts, key):
            data[key] = getattr(texts, key)
    for key in ("etiquette", "host_cue"):
        if getattr(texts, key):
            data[key] = list(getattr(texts, key))
    if texts.themes:
        data["themes"] = [
            {key: value for key, value in (("name", t.name), ("description", t.description),
                                           ("questions", list(t.questions))) if value}
            for t in texts.themes
        ]
    return data


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """Plain, JSON-safe data that plan_from_dict turns back into the same Plan."""
    data = _plan_dict(plan)
    if plan.translations:
        data["translations"] = {lang: texts_to_dict(texts) for lang, texts in sorted(plan.translations.items())}
    return data


def _plan_dict(plan: Plan) -> dict[str, Any]:
    return {
        "title": plan.title,
        "purpose": plan.purpose,
        "etiquette": list(plan.etiquette),
        "rounds": plan.rounds,
        "round_minutes": list(plan.round_minutes),
        "table_size": plan.table_size,
        "theme_mode": plan.theme_mode,
        "handover_minutes": plan.handover_minutes,
        "min_tables": plan.min_tables,
        "host_cue": list(plan.host_cue),
        "themes": [{"name": t.name, "description": t.description, "questions": list(t.questions)}
                   for t in plan.themes],
    }

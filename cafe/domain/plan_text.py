"""Plan files as text: where a field is written (for error messages) and writing TOML."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cafe.domain.plan import Plan

_PATH_PART = re.compile(r"([A-Za-z0-9_-]+)(?:\[(\d+)\])?")
_KEY_LINE = re.compile(r"""\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*[=.]""")
_HEADER_LINE = re.compile(r"\s*(\[\[?)\s*([^\]]+?)\s*\]")


def _unquote(name: str) -> str:
    return name.strip().strip("\"'")


def _scan(text: str) -> list[tuple[str, str, int, tuple[str, int] | None]]:
    """(kind, name, line, section) for every key and header line, skipping multi-line strings."""
    events: list[tuple[str, str, int, tuple[str, int] | None]] = []
    section: tuple[str, int] | None = None
    counts: dict[str, int] = {}
    open_quote: str | None = None
    for number, line in enumerate(text.splitlines(), 1):
        if open_quote:
            if line.count(open_quote) % 2:
                open_quote = None
            continue
        header = _HEADER_LINE.match(line)
        key = _KEY_LINE.match(line)
        if header:
            name = _unquote(header.group(2))
            counts[name] = counts.get(name, 0) + 1
            section = (name, counts[name])
            events.append(("header", name, number, None))
        elif key:
            name = next(g for g in key.groups() if g is not None)
            events.append(("key", name, number, section))
        for quote in ('"""', "'''"):
            if line.count(quote) % 2:
                open_quote = quote
                break
    return events


def line_of(text: str, field: str) -> int | None:
    """1-based line where a dotted field path such as 'themes[2].questions' is written."""
    found_parts = [_PATH_PART.fullmatch(p) for p in field.split(".")]
    parts = [m for m in found_parts if m is not None]
    if not parts or len(parts) != len(found_parts):
        return None
    name, index = parts[0].group(1), parts[0].group(2)
    key = parts[1].group(1) if len(parts) > 1 else None
    events = _scan(text)
    if index is not None:
        section = (name, int(index))
        header = [line for kind, n, line, _ in events if kind == "header" and n == name]
        if len(header) >= int(index):
            found = [line for kind, n, line, sec in events
                     if kind == "key" and sec == section and n == key]
            return found[0] if found else header[int(index) - 1]
    for kind, n, line, sec in events:
        if kind == "key" and sec is None and n == name:
            return line
    for kind, n, line, _ in events:
        if kind == "header" and (n == name or n.startswith(name + ".")):
            return line
    return None


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\b": "\\b",
            "\f": "\\f"}


def _toml_str(value: str) -> str:
    """A TOML basic string; control characters are escaped because TOML forbids them raw."""
    out = []
    for ch in value:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _toml_list(key: str, values: tuple[str, ...]) -> list[str]:
    if not values:
        return [f"{key} = []"]
    return [f"{key} = ["] + [f"    {_toml_str(v)}," for v in values] + ["]"]


def plan_to_toml(plan: Plan) -> str:
    """The plan as a TOML plan file (the format described in sessions/README.md)."""
    minutes = plan.round_minutes
    same = len(set(minutes)) == 1
    lines = [
        "# World Café plan -- the format is described in sessions/README.md",
        f"title = {_toml_str(plan.title)}",
        f"purpose = {_toml_str(plan.purpose)}",
        f"rounds = {plan.rounds}",
        f"round_minutes = {minutes[0] if same else '[' + ', '.join(map(str, minutes)) + ']'}",
        f"table_size = {plan.table_size}",
        f"theme_mode = {_toml_str(plan.theme_mode)}",
        f"handover_minutes = {plan.handover_minutes}",
    ]
    if plan.min_tables:
        lines.append(f"min_tables = {plan.min_tables}")
    lines += _toml_list("etiquette", plan.etiquette) + _toml_list("host_cue", plan.host_cue)
    for theme in plan.themes:
        lines += ["", "[[themes]]", f"name = {_toml_str(theme.name)}",
                  f"description = {_toml_str(theme.description)}"]
        if len(theme.questions) == 1:
            lines.append(f"question = {_toml_str(theme.questions[0])}")
        else:
            lines += _toml_list("questions", theme.questions)
    for lang, texts in sorted(plan.translations.items()):
        lines += ["", f"[translations.{lang}]"]
        lines += [f"{key} = {_toml_str(getattr(texts, key))}" for key in ("title", "purpose") if getattr(texts, key)]
        for key in ("etiquette", "host_cue"):
            if getattr(texts, key):
                lines += _toml_list(key, getattr(texts, key))
        for theme_texts in texts.themes:
            lines += ["", f"[[translations.{lang}.themes]]"]
            lines += [f"{key} = {_toml_str(getattr(theme_texts, key))}"
                      for key in ("name", "description") if getattr(theme_texts, key)]
            if theme_texts.questions:
                lines += _toml_list("questions", theme_texts.questions)
    return "\n".join(lines) + "\n"

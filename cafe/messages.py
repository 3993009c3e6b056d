"""Deferred texts: the core says what to tell and with which values; the edge says it in the reader's language.

Services, the store and the domain build a `Text` with `_` (or `gettext`) and `ngettext`, named
so that `pybabel extract` (the README's recipe, default keywords) still finds every string. No
translation happens when a `Text` is made: the web pages, the socket layer and the exports call
`translate` (or `localized` on a whole payload) where the reader's language is known. `str(text)`
translates too when a Flask app context exists, and is the English with its values filled
otherwise (a script, a worker, a test without an app).

flask_babel is imported only when something is translated, so the core runs without Flask."""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

__all__ = ["Text", "_", "gettext", "json_default", "language", "localized", "ngettext", "translate"]


class Text:
    """A message id with its values (and, for a count, its plural and the number), not yet translated."""

    __slots__ = ("msgid", "n", "params", "plural")

    def __init__(self, msgid: str, plural: str | None = None, n: int | None = None,
                 params: Mapping[str, Any] | None = None) -> None:
        self.msgid = msgid
        self.plural = plural
        self.n = n
        values = dict(params or {})
        if plural is not None:
            values.setdefault("num", n)  # as flask_babel's ngettext does
        self.params = values

    def english(self) -> str:
        """The text as written in the sources, its values filled (English values for nested texts)."""
        source = self.msgid if self.plural is None or self.n == 1 else self.plural
        return _fill(source, {k: v.english() if isinstance(v, Text) else v for k, v in self.params.items()})

    def __str__(self) -> str:
        return translate(self)

    def __repr__(self) -> str:
        return f"Text({self.english()!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Text):
            return NotImplemented
        return (self.msgid, self.plural, self.n, self.params) == (other.msgid, other.plural, other.n, other.params)

    def __hash__(self) -> int:
        return hash((self.msgid, self.plural, self.n))

    def __reduce__(self) -> tuple[Any, ...]:
        return (Text, (self.msgid, self.plural, self.n, self.params))


def _fill(source: str, params: Mapping[str, Any]) -> str:
    # like flask_babel: a text without values is not %-formatted (a lone "%" stays as it is)
    return source % params if params else source


def _(msgid: str, **params: Any) -> Text:
    """A text to translate later, e.g. `_("No such table.")` or `_("Table %(n)s", n=3)`."""
    return Text(msgid, params=params)


gettext = _


def ngettext(singular: str, plural: str, num: int, **params: Any) -> Text:
    """A count text to translate later; `%(num)d` is the number."""
    return Text(singular, plural, num, params)


def _in_context() -> bool:
    try:
        from flask import has_app_context
    except ImportError:  # pragma: no cover - Flask is a dependency; a bare core still says English
        return False
    return has_app_context()


def translate(value: Any) -> Any:
    """A `Text` in the current language (English outside any app context); anything else as it is."""
    if not isinstance(value, Text):
        return value
    if not _in_context():
        return value.english()
    from flask_babel import get_translations

    translations = get_translations()
    params = {k: translate(v) for k, v in value.params.items()}
    if value.plural is None:
        return _fill(translations.ugettext(value.msgid), params)
    return _fill(translations.ungettext(value.msgid, value.plural, value.n or 0), params)


def language() -> str:
    """The language texts are said in now ("en" outside any app context)."""
    if not _in_context():
        return "en"
    from flask_babel import get_locale

    return str(get_locale() or "en")


def localized(value: Any) -> Any:
    """A payload with every `Text` inside it translated; a payload without one is returned as it
    is, not copied (the walk looks at containers only, so a post's small payload costs little)."""
    if isinstance(value, Text):
        return translate(value)
    if isinstance(value, dict):
        changed: dict[Any, Any] | None = None
        for key, item in value.items():
            if isinstance(item, (dict, list, tuple, Text)):
                new = localized(item)
                if new is not item:
                    if changed is None:
                        changed = dict(value)
                    changed[key] = new
        return value if changed is None else changed
    if isinstance(value, (list, tuple)):
        items: list[Any] | None = None
        for index, item in enumerate(value):
            if isinstance(item, (dict, list, tuple, Text)):
                new = localized(item)
                if new is not item:
                    if items is None:
                        items = list(value)
                    items[index] = new
        if items is None:
            return value
        return tuple(items) if isinstance(value, tuple) else items
    return value


def json_default(value: Any) -> Any:
    """For json.dumps(default=...): a `Text` the edge left in a payload is said, never a TypeError."""
    if isinstance(value, Text):
        return translate(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


class PacketJSON:
    """The JSON module of the Socket.IO server: the standard one, saying any `Text` left in a packet.

    The hook costs nothing for packets without one (json calls `default` only for what it cannot
    encode); the layers translate their payloads first, in the caller's language (`localized`)."""

    @staticmethod
    def dumps(obj: Any, *args: Any, **kwargs: Any) -> str:
        kwargs.setdefault("default", json_default)
        return json.dumps(obj, *args, **kwargs)

    @staticmethod
    def loads(text: str | bytes, *args: Any, **kwargs: Any) -> Any:
        return json.loads(text, *args, **kwargs)

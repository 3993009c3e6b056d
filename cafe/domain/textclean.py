"""User text as the café keeps it: the one cleaning every entry point applies before storing.

Phones, forms, plan files and imports all send text through `clean`, so that what is stored can
always be shown, searched, exported to Word or PDF and written to any database: NFC, `\\n` line
endings, no control characters, no noncharacters, no lone surrogates, no bidi overrides.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any


class UnsafeText(ValueError):
    """Text that cannot be kept (a lone surrogate: half of a character, which no file or database
    can store)."""


# Every way of ending a line becomes "\n": CRLF, CR, NEL, LINE and PARAGRAPH SEPARATOR, and the
# vertical tab and form feed some keyboards and pasted documents carry.
_LINE_END = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
# C0 and C1 controls and DEL (newline and tab are dealt with before this runs).
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# Noncharacters: U+FDD0..U+FDEF and the last two code points of every plane. They are "never
# for interchange": XML (so Word) refuses U+FFFE and U+FFFF, and fonts draw nothing for them.
_NONCHARACTER = re.compile(
    "[\ufdd0-\ufdef\ufffe\uffff" + "".join(f"{chr(p << 16 | 0xFFFE)}{chr(p << 16 | 0xFFFF)}" for p in range(1, 17)) + "]"
)
_SURROGATE = re.compile("[\ud800-\udfff]")
# Legacy embeddings and overrides (LRE, RLE, PDF, LRO, RLO). Nobody types them (right-to-left
# scripts get their direction from the letters themselves), and an override left open turns the
# text after it backwards, beyond the sender's own words: in a CSV row, a Markdown line or the
# next quote of a report. Unicode recommends isolates instead, which are kept when balanced.
_EMBEDDING = re.compile("[\u202a-\u202e]")
_ISOLATE = re.compile("[\u2066-\u2069]")
_PDI = "\u2069"


def _balanced_isolates(line: str) -> str:
    """The line with each direction isolate closed on it and no closer without an opener, so that
    a direction set in one person's text ends with it."""
    if not _ISOLATE.search(line):
        return line
    out, depth = [], 0
    for ch in line:
        if ch == _PDI:
            if depth == 0:
                continue
            depth -= 1
        elif "\u2066" <= ch <= "\u2068":
            depth += 1
        out.append(ch)
    return "".join(out) + _PDI * depth


def clean(value: str, *, multiline: bool = False) -> str:
    """The text to keep: NFC, trimmed, `\\n` line ends (a space instead when not multiline), tabs
    as spaces, without controls, noncharacters and bidi overrides; a lone surrogate is refused."""
    if _SURROGATE.search(value):
        raise UnsafeText("contains characters that are not valid text")
    value = _LINE_END.sub("\n", value).replace("\t", " ")
    value = _CONTROL.sub("", value)
    value = _NONCHARACTER.sub("", value)
    value = _EMBEDDING.sub("", value)
    if not multiline:
        value = value.replace("\n", " ")
    value = "\n".join(_balanced_isolates(line) for line in value.split("\n"))
    return unicodedata.normalize("NFC", value).strip()


_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def printable(value: str) -> str:
    """Text stored before `clean` existed, made safe for a renderer (Word refuses what XML
    forbids, fonts draw nothing for noncharacters); never raises, keeps line ends and tabs."""
    value = _NONCHARACTER.sub("", value)
    return _UNPRINTABLE.sub(lambda m: "\ufffd" if "\ud800" <= m.group() <= "\udfff" else "", value)


def printable_tree(value: Any) -> Any:
    """`printable` applied to every string in JSON-like data (dicts, lists, strings)."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {key: printable_tree(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [printable_tree(item) for item in value]
    return value

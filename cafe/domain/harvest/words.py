"""Words of short texts: prose kept, markup and code-like text dropped, light stemming."""
from __future__ import annotations

import functools
import re
import sys
import unicodedata

# Function words and the filler of spoken opinion; they say how people talk, not what about.
STOPWORDS: frozenset[str] = frozenset("""
a about above after again against all almost also although always am among an and another any
anyone anything are aren't around as at be became because become been before being below
between both but by can can't cannot could couldn't did didn't do does doesn't doing don't done
down during each either else enough even ever every etc few for from further get gets getting
give given go goes going got had hadn't has hasn't have haven't having he her here hers herself
him himself his how however i i'd i'll i'm i've if in into is isn't it it's its itself just
least less let like lot lots made make makes making many may me might more most much must
mustn't my myself need needs neither no nor not now of off often on once one only or other
others otherwise our ours ourselves out over own per perhaps quite rather really same say says
see seem seems shall she should shouldn't since so some something sometimes still such than
that that's the their theirs them themselves then there there's these they they'd they'll
they're they've thing things think this those though through thus to too toward towards
under until up upon us use used very via want wants was wasn't way we we'd we'll we're we've
well were weren't what what's when where whether which while who whom whose why will with
within without won't would wouldn't yes yet you you'd you'll you're you've your yours yourself
yourselves
""".split())



def _marks() -> str:
    """A regex class of every combining mark (Unicode categories Mn, Mc, Me) plus the zero-width
    (non-)joiners: Arabic harakat, Devanagari vowel signs and viramas belong to their word."""
    ranges: list[list[int]] = []
    # Marks live in the first two planes and among plane 14's variation selectors: scan only those.
    for code in (*range(0x20000), *range(0xE0000, min(0xE1000, sys.maxunicode + 1))):
        if unicodedata.category(chr(code)) in ("Mn", "Mc", "Me"):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    parts = "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
    return f"[{parts}\u200c\u200d]"


_MARK = _marks()
# A word: a letter or digit, then letters, digits and combining marks (so "كَتَبَ" and "हिन्दी" stay
# whole), apostrophes kept inside ("don't").
_PART = rf"[^\W_](?:[^\W_]|{_MARK})*"
_WORD = re.compile(rf"{_PART}(?:['’]{_PART})*")
_VOWEL = re.compile(r"[aeiouy]")
# Markup and code say nothing about what a person meant and must never become a label:
# whole script/style elements, tags, entities, web addresses, and tokens that only code has
# (calls, dotted or underscored names, camelCase, braces, operators).
_MARKUP = re.compile(r"(?is:<(script|style)\b.*?(?:</\1\s*>|$))|<[^<>]*>|&#?\w+;")
_CODE_TOKEN = re.compile(r"[{}\[\]=\\|$`^~]|[\w)]\(|\w[._]\w|[a-z][A-Z]\w|^(?i:https?://|www\.)")
_TOKEN = re.compile(r"\S+")
# What replaces dropped text: a full stop, so no phrase is stitched across the gap.
BREAK = " . "


@functools.lru_cache(maxsize=16384)
def prose(text: str) -> str:
    """The text with markup and code-like tokens replaced by a break."""
    # cached: grouping, labels and quotes each ask for the prose of the same insights
    if "<" in text or "&" in text:
        text = _MARKUP.sub(BREAK, text)
    return _TOKEN.sub(lambda m: BREAK if _CODE_TOKEN.search(m.group()) else m.group(), text)


def words(text: str) -> list[str]:
    """Lower-case words of the prose in a text, apostrophes kept inside words."""
    return [w.replace("’", "'") for w in _WORD.findall(prose(text).casefold())]


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light suffix stemmer: enough to join 'volunteers'/'volunteering' without mangling."""
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith(("ses", "xes", "ches", "shes", "zes")) and len(word) > 4:
        word = word[:-2]  # buses -> bus, churches -> church
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        base = word[: -len(suffix)]
        if word.endswith(suffix) and len(base) >= 3 and _VOWEL.search(base):
            if base[-1] == base[-2] and base[-1] not in "lsz":
                base = base[:-1]  # stopping -> stop
            elif len(base) == 3:
                base += "e"  # caring -> care
            word = base
            break
    # care/caring meet at 'care', share/sharing at 'shar'
    if len(word) >= 5 and word.endswith("e") and not word.endswith("ee"):
        word = word[:-1]
    return word


def tokens(text: str) -> list[str]:
    """Stems of the content words of a text, in order."""
    return [stem(w) for w in words(text) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]

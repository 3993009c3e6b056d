"""Whose words may be shown where: the one rule behind "do not quote me" and hiding.

An insight or a "something is missing" note marked do-not-quote counts in every figure (sizes,
voice balance, resonance, feedback counts) and its words reach the facilitator and its author,
nothing else: no label, quote, wall, other phone or report. An insight the facilitator hid
(during a round, or while curating) is shown nowhere but to the facilitator and its author, who
sees it marked hidden: the same `hidden` set decides it for every screen and export. Every screen and export asks this module,
through the harvest read model (cafe/services/harvest_view.py), instead of deciding again.
"""
from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from enum import Enum
from typing import Protocol

from cafe.domain.harvest.labels import label_for

# The label of a sub-theme none of whose words may be shown. It is stored as this key (labels
# live in the facilitator's curation) and shown as "3 notes kept private", in the reader's language.
PRIVATE_LABEL = "Notes kept private"


class Reader(Enum):
    """Who is about to read a text."""

    FACILITATOR = "facilitator"  # the dashboard, the studio and the JSON archive
    AUTHOR = "author"  # the person who wrote it, on any of their phones
    OTHERS = "others"  # other phones, the wall, every report, labels and quotes


class Written(Protocol):
    """Anything with words and a do-not-quote mark (an insight or a note)."""

    # read-only, so frozen dataclasses whose text is a plain str fit too
    @property
    def text(self) -> str | None: ...

    @property
    def do_not_quote(self) -> bool: ...


def quotable(item: Written) -> bool:
    """Whether an item's words may be shown to anyone but the facilitator and its author."""
    return not item.do_not_quote


def may_read(reader: Reader, item: Written, hidden: bool = False) -> bool:
    """Whether this reader gets the item's words (a hidden insight is still the author's own)."""
    if reader is not Reader.OTHERS:
        return True
    return not item.do_not_quote and not hidden


def shown_text(item: Written) -> str:
    """The words a label or quote may use: the text, or nothing when it is not to be quoted."""
    return (item.text or "") if not item.do_not_quote else ""


def label_of(members: Sequence[Written], others: Iterable[Written] = (), avoid: Collection[str] = ()) -> str:
    """A group's label from its quotable members' words (set against the quotable others),
    or PRIVATE_LABEL when none of its members may be quoted."""
    texts = [shown_text(m) for m in members if shown_text(m).strip()]
    if not texts:
        return PRIVATE_LABEL
    return label_for(texts, [t for t in (shown_text(o) for o in others) if t.strip()], avoid)


def is_private_label(label: str) -> bool:
    """Whether a stored label is the neutral one of a group of unquotable insights."""
    return label == PRIVATE_LABEL

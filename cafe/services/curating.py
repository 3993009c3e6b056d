"""The facilitator curates the harvest: each edit is one transaction with an optimistic version check."""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cafe.messages import Text, _
from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError

from cafe.domain.harvest import curation
from cafe.errors import CafeError, Conflict, Invalid, NotFound
from cafe.models import HarvestCurationRow, InsightRow
from cafe.services import Broadcast, harvesting, rules

if TYPE_CHECKING:
    from cafe.services.views import Snapshot


def _stale() -> Conflict:
    return Conflict(_("This theme was changed elsewhere a moment ago (another window?). "
                      "The harvest has been reloaded: check it and try again."))


def _refusal(error: curation.CurationError) -> CafeError:
    """The domain's reason as an error people can read."""
    known: dict[str, tuple[type[CafeError], Text]] = {
        "unknown_subtheme": (NotFound, _("That sub-theme is not in this theme (any more).")),
        "unknown_insight": (NotFound, _("That insight is not in this theme or not in that sub-theme.")),
        "same_subtheme": (Invalid, _("Choose a different sub-theme.")),
        "too_small": (Conflict, _("That sub-theme is too small to split that way.")),
        "do_not_quote": (Conflict, _("Its author asked not to be quoted: it cannot be the quote.")),
        "not_hidden": (Conflict, _("That insight is not hidden.")),
        "already_hidden": (Conflict, _("That insight is hidden: show it again first.")),
    }
    cls, message = known.get(error.reason, (Invalid, _("That change is not possible.")))
    return cls(message)


def prepare(snap: Snapshot, theme: str, op: curation.Op) -> None:
    """Compute, in a read transaction, the regrouping an edit will need (kept by harvesting's
    caches), so that `curate` finds it ready; a refused edit is refused by `curate` itself."""
    from cafe.services import harvesting

    shown = harvesting.curated(snap)
    if theme not in shown or op.kind not in ("set_k", "reset", "split"):
        return
    insights = [h for h in harvesting.items(snap) if h.theme == theme]
    try:
        curation.apply(shown[theme], op, insights, harvesting.regroup)
    except curation.CurationError:
        return


def curate(snap: Snapshot, theme: str, version: int, op: curation.Op) -> tuple[dict[str, Any], list[Broadcast]]:
    """Apply one edit to a theme's harvest if `version` is the theme's current one; every screen
    of the café then re-syncs (cafe_changed, reason harvest_changed)."""
    return curate_many(snap, theme, version, (op,))


def curate_many(snap: Snapshot, theme: str, version: int,
                ops: Sequence[curation.Op]) -> tuple[dict[str, Any], list[Broadcast]]:
    """Apply edits to a theme's harvest in order, all or none, if `version` is the theme's current
    one (the version then rises by one per edit); every screen re-syncs once."""
    session, cafe = snap.session, snap.row
    with rules.obeyed():
        rules.cafe_of(cafe).ensure_may_curate()
    row = session.scalar(select(HarvestCurationRow).where(
        HarvestCurationRow.cafe_id == cafe.id, HarvestCurationRow.theme == theme))
    current = row.version if row is not None else 0
    if version != current:
        raise _stale()
    shown = harvesting.curated(snap)
    if theme not in shown:
        raise NotFound(_("No such theme in this café's harvest."))
    insights = [h for h in harvesting.items(snap) if h.theme == theme]
    new = shown[theme]
    try:
        for op in ops:
            new = curation.apply(new, op, insights, harvesting.regroup)
    except curation.CurationError as error:
        raise _refusal(error) from None
    if row is None:
        try:
            with session.begin_nested():  # two first edits at once: the second finds the row taken
                session.add(HarvestCurationRow(cafe_id=cafe.id, theme=theme, version=new.version,
                                               state=curation.to_json(new)))
        except IntegrityError:
            raise _stale() from None
    else:
        # The WHERE on the version makes a concurrent edit from another process lose cleanly.
        done: CursorResult[Any] = session.execute(  # type: ignore[assignment]  # an UPDATE's result is a cursor
            update(HarvestCurationRow)
            .where(HarvestCurationRow.id == row.id, HarvestCurationRow.version == current)
            .values(version=new.version, state=curation.to_json(new))
        )
        if done.rowcount != 1:
            raise _stale()
    if op.kind == "unhide" and op.insight_id:
        # hidden during the rounds: showing it again in the studio lifts that too
        session.execute(update(InsightRow).where(InsightRow.id == op.insight_id, InsightRow.cafe_id == cafe.id)
                        .values(hidden_at=None))
    before = {s.id for s in shown[theme].subthemes}
    reply = {"theme": theme, "version": new.version, "created": [s.id for s in new.subthemes if s.id not in before]}
    return reply, [Broadcast("cafe_changed", {"reason": "harvest_changed", "theme": theme}, ("cafe", cafe.id))]

"""The harvest curations as saved, read by the harvest and the exports (curating writes them)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cafe.domain.harvest import curation
from cafe.models import CafeRow, HarvestCurationRow, InsightRow


def stored(session: Session, cafe: CafeRow) -> dict[str, curation.Curation]:
    """theme -> the curated state saved for it (themes nobody edited are absent)."""
    rows = session.scalars(select(HarvestCurationRow).where(HarvestCurationRow.cafe_id == cafe.id))
    return {row.theme: curation.from_json(row.state, row.version) for row in rows}


def versions(session: Session, cafe: CafeRow) -> dict[str, int]:
    """theme -> the version of its curation (themes nobody edited are absent)."""
    rows = session.execute(select(HarvestCurationRow.theme, HarvestCurationRow.version)
                           .where(HarvestCurationRow.cafe_id == cafe.id))
    return dict(rows.all())


def moderated_ids(session: Session, cafe: CafeRow) -> set[str]:
    """Insights the facilitator hid during the rounds (services/moderating.py)."""
    return set(session.scalars(select(InsightRow.id).where(InsightRow.cafe_id == cafe.id, InsightRow.hidden_at.is_not(None))))


def hidden_ids(session: Session, cafe: CafeRow) -> set[str]:
    """Insights the facilitator hid, during the rounds or while curating: the one set every
    screen and export reads (through harvest_view) to keep their words from others."""
    return {i for state in stored(session, cafe).values() for i in state.hidden} | moderated_ids(session, cafe)

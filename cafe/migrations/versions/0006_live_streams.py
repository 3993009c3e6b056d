"""live_streams: the version number of each stream of pushed changes (cafe/live.py); indexes that
find one table's people and insights.

Revision ID: 0006
Revises: 0005
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A café upgraded mid-session has no rows yet: every stream starts at 0 and a screen connected
    # before the upgrade reconnects (the server restarted) and reads its state afresh.
    op.create_table(
        "live_streams",
        sa.Column("cafe_id", sa.Integer(), nullable=False),
        sa.Column("stream", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["cafe_id"], ["cafes.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("cafe_id", "stream"),
    )
    op.create_index("ix_seats_table", "seats", ["cafe_id", "round", "table_number"])
    op.create_index("ix_insights_table", "insights", ["cafe_id", "round", "table_number"])


def downgrade() -> None:
    op.drop_index("ix_insights_table", table_name="insights")
    op.drop_index("ix_seats_table", table_name="seats")
    op.drop_table("live_streams")

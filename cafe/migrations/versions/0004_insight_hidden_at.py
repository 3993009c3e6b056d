"""insights.hidden_at: when the facilitator hid an insight during the rounds (None: shown).

Revision ID: 0004
Revises: 0003
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: every insight stored before is shown, and SQLite needs no table copy.
    op.add_column("insights", sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("insights") as batch:
        batch.drop_column("hidden_at")

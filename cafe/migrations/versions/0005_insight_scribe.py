"""insights.scribe: who wrote an insight down for its person ("host" or "facilitator"; None: their own).

Revision ID: 0005
Revises: 0004
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: every insight stored before was its author's own post, and SQLite needs no table copy.
    op.add_column("insights", sa.Column("scribe", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("insights") as batch:
        batch.drop_column("scribe")

"""cafes.joins_until: when the join code stops seating new people (None: seven days after creation).

Revision ID: 0003
Revises: 0002
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable, so existing cafés keep the default window and SQLite needs no table copy.
    op.add_column("cafes", sa.Column("joins_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cafes") as batch:
        batch.drop_column("joins_until")

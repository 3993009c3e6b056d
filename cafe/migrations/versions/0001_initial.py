"""The initial schema: the fourteen tables `create_all` made before migrations existed.

Revision ID: 0001
Revises: (none)
Create Date: 2026-12-04

A database that create_all made runs this revision too (cafe/db.py): it creates only the tables
such a database lacks. So this must stay exactly that schema: never edit it, add a revision.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A table that an older create_all already made is left as it is: a database from before
    # migrations runs this revision (instead of being stamped blindly) so that a table its older
    # release did not have yet is added, and every existing row stays.
    existing = set(sa.inspect(op.get_bind()).get_table_names())

    if 'cafes' not in existing:
        op.create_table('cafes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=8), nullable=False),
        sa.Column('host_token_hash', sa.String(length=64), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('plan', sa.JSON(), nullable=False),
        sa.Column('stage', sa.String(length=16), nullable=False),
        sa.Column('round', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('duration_s', sa.Integer(), nullable=False),
        sa.Column('deadline', sa.DateTime(timezone=True), nullable=True),
        sa.Column('remaining_s', sa.Float(), nullable=True),
        sa.Column('theme_stride', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id')
        )
        with op.batch_alter_table('cafes', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_cafes_code'), ['code'], unique=True)
            batch_op.create_index(batch_op.f('ix_cafes_host_token_hash'), ['host_token_hash'], unique=True)

    if 'harvest_curations' not in existing:
        op.create_table('harvest_curations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cafe_id', sa.Integer(), nullable=False),
        sa.Column('theme', sa.String(length=200), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('state', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['cafe_id'], ['cafes.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('cafe_id', 'theme')
        )
        with op.batch_alter_table('harvest_curations', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_harvest_curations_cafe_id'), ['cafe_id'], unique=False)

    if 'nudges' not in existing:
        op.create_table('nudges',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cafe_id', sa.Integer(), nullable=False),
        sa.Column('text', sa.String(length=200), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['cafe_id'], ['cafes.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id')
        )
        with op.batch_alter_table('nudges', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_nudges_cafe_id'), ['cafe_id'], unique=False)

    if 'participants' not in existing:
        op.create_table('participants',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cafe_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=40), nullable=True),
        sa.Column('perspective', sa.String(length=32), nullable=True),
        sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['cafe_id'], ['cafes.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id')
        )
        with op.batch_alter_table('participants', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_participants_cafe_id'), ['cafe_id'], unique=False)
            batch_op.create_index(batch_op.f('ix_participants_token_hash'), ['token_hash'], unique=True)

    if 'plan_drafts' not in existing:
        op.create_table('plan_drafts',
        sa.Column('cafe_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('basis', sa.String(length=64), nullable=False),
        sa.Column('rounds', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['cafe_id'], ['cafes.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('cafe_id')
        )

    if 'round_log' not in existing:
        op.create_table('round_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cafe_id', sa.Integer(), nullable=False),
        sa.Column('round', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['cafe_id'], ['cafes.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('cafe_id', 'round')
        )
        with op.batch_alter_table('round_log', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_round_log_cafe_id'), ['cafe_id'], unique=False)

    if 'round_themes' not in existing:
        op.create_table('round_themes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cafe_id', sa.Integer(), nullable=False),
        sa.Column('round', sa.Integer(), nullable=False),
        sa.Column('table_number', sa.Integer(), nullable=False),
        sa.Column('theme', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['cafe_id'], ['cafes.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('cafe_id', 'round', 'table_number')
        )

    if 'attendance' not in existing:
        op.create_table('attendance',
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('cafe_id', sa.Integer(), nullable=False),
        sa.Column('stays', sa.Boolean(), nullable=False),
        sa.Column('left_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['cafe_id'], ['cafes.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('participant_id')
        )
        with op.batch_alter_table('attendance', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_attendance_cafe_id'), ['cafe_id'], unique=False)

    if 'feedback' not in existing:
        op.create_table('feedback',
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('cafe_id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('theme', sa.String(length=200), nullable=True),
        sa.Column('text', sa.Text(), nullable=True),
        sa.Column('do_not_quote', sa.Boolean(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['cafe_id'], ['cafes.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('seq')
        )
        with op.batch_alter_table('feedback', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_feedback_cafe_id'), ['cafe_id'], unique=False)
            batch_op.create_index(batch_op.f('ix_feedback_id'), ['id'], unique=True)

    if 'handovers' not in existing:
        op.create_table('handovers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cafe_id', sa.Integer(), nullable=False),
        sa.Column('round', sa.Integer(), nullable=False),
        sa.Column('table_number', sa.Integer(), nullable=False),
        sa.Column('host_participant_id', sa.Integer(), nullable=True),
        sa.Column('bullets', sa.JSON(), nullable=False),
        sa.Column('written_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['cafe_id'], ['cafes.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['host_participant_id'], ['participants.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('cafe_id', 'round', 'table_number')
        )
        with op.batch_alter_table('handovers', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_handovers_cafe_id'), ['cafe_id'], unique=False)

    if 'insights' not in existing:
        op.create_table('insights',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('cafe_id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('round', sa.Integer(), nullable=False),
        sa.Column('table_number', sa.Integer(), nullable=False),
        sa.Column('theme', sa.String(length=200), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('do_not_quote', sa.Boolean(), nullable=False),
        sa.Column('posted_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['cafe_id'], ['cafes.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id')
        )
        with op.batch_alter_table('insights', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_insights_cafe_id'), ['cafe_id'], unique=False)
            batch_op.create_index(batch_op.f('ix_insights_posted_at'), ['posted_at'], unique=False)

    if 'seats' not in existing:
        op.create_table('seats',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cafe_id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('round', sa.Integer(), nullable=False),
        sa.Column('table_number', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['cafe_id'], ['cafes.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('participant_id', 'round')
        )
        with op.batch_alter_table('seats', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_seats_cafe_id'), ['cafe_id'], unique=False)

    if 'tables' not in existing:
        op.create_table('tables',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cafe_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('host_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['cafe_id'], ['cafes.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['host_id'], ['participants.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('cafe_id', 'number')
        )
        with op.batch_alter_table('tables', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_tables_cafe_id'), ['cafe_id'], unique=False)

    if 'resonances' not in existing:
        op.create_table('resonances',
        sa.Column('insight_id', sa.String(length=36), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['insight_id'], ['insights.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('insight_id', 'participant_id')
        )


def downgrade() -> None:
    # Children before parents; dropping a table drops its indexes.
    for name in ["resonances", "tables", "seats", "insights", "handovers", "feedback", "attendance", "round_themes", "round_log",
                 "plan_drafts", "participants", "nudges", "harvest_curations", "cafes"]:
        op.drop_table(name)

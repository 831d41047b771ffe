"""Delivery attempts: the outbox records each try before the call (``attempted_at``), so a
restart knows which deliveries may already be on the platform without their answer having
been recorded, and looks for them there (Slack) or repeats them harmlessly (Discord's nonce)
instead of posting them twice.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.tables import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("attempted_at", UTCDateTime, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("attempted_at")

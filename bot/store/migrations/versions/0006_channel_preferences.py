"""Channel preferences: the ``alerts`` words (impact, updates, maintenance, warnings, quiet
hours) per channel. A channel without a row keeps every notice, so existing databases upgrade
with no row and nothing changes for them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.tables import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "channel_preferences",
        sa.Column("platform", sa.String(32), primary_key=True),
        sa.Column("workspace", sa.String(64), primary_key=True, server_default=""),
        sa.Column("channel", sa.Text, primary_key=True),
        sa.Column("impact", sa.String(16), nullable=False, server_default="any"),
        sa.Column("updates", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("maintenance", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("warnings", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("quiet_start", sa.String(5), nullable=True),
        sa.Column("quiet_end", sa.String(5), nullable=True),
        sa.Column("quiet_zone", sa.String(64), nullable=True),
        sa.Column("updated_by", sa.String(128), nullable=True),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("channel_preferences")

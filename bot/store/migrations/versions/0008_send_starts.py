"""Send starts: the window of a platform's limit shared by replicas (Discord: 50 requests per
second per bot, whichever replica sends), one row per send granted, older rows dropped as the
window moves on.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "send_starts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("pace", sa.String(32), nullable=False),
        sa.Column("at", sa.Float, nullable=False),
    )
    op.create_index("ix_send_starts_pace_at", "send_starts", ["pace", "at"])


def downgrade() -> None:
    op.drop_index("ix_send_starts_pace_at", table_name="send_starts")
    op.drop_table("send_starts")

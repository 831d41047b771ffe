"""Send ends: a shared pace counts each send until ``per`` after its answer, as the process's
own pacer does, not from its grant. ``ended_at`` is NULL while the send is in flight.

Rows written before this revision were counted from their grant: they are taken as ended
then, so they leave the window as they would have.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("send_starts") as batch:
        batch.add_column(sa.Column("ended_at", sa.Float, nullable=True))
    op.execute("UPDATE send_starts SET ended_at = at")


def downgrade() -> None:
    with op.batch_alter_table("send_starts") as batch:
        batch.drop_column("ended_at")

"""Reports from developers' clients (Claude Code's hook, ``is-claude-down report``) live in the
``reports`` table beside the chat reports: ``source`` says where a report came from (``chat``
for every existing row), and ``platform = "api"`` marks the bot-wide ones, which count for every
channel. ``ix_reports_reporter_time`` answers "did this reporter report in the last 10
minutes" with one probe.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("source", sa.String(32), nullable=False, server_default="chat"))
    op.create_index("ix_reports_reporter_time", "reports", ["platform", "user_id", "reported_at"])


def downgrade() -> None:
    op.drop_index("ix_reports_reporter_time", table_name="reports")
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("source")

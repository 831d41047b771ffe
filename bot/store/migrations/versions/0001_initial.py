"""Initial schema: state, events, subscriptions, reports, outbox, threads.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.tables import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "state",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.JSON, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.String(255), primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("detected_at", UTCDateTime, nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
    )
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("workspace", sa.String(64), nullable=False, server_default=""),
        sa.Column("channel", sa.Text, nullable=False),
        sa.Column("components", sa.JSON, nullable=True),
        sa.Column("source", sa.String(16), nullable=False, server_default="chat"),
        sa.Column("created_by", sa.String(128), nullable=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("disabled_reason", sa.Text, nullable=True),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("platform", "workspace", "channel", name="uq_subscription_target"),
    )
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("workspace", sa.String(64), nullable=False, server_default=""),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("code", sa.String(32), nullable=True),
        sa.Column("reported_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_reports_team_time", "reports", ["platform", "workspace", "reported_at"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(255), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("target_key", sa.Text, nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("workspace", sa.String(64), nullable=False, server_default=""),
        sa.Column("channel", sa.Text, nullable=False),
        sa.Column("thread_key", sa.String(255), nullable=True),
        sa.Column("notice", sa.JSON, nullable=False),
        sa.Column("state", sa.String(16), nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", UTCDateTime, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("sent_at", UTCDateTime, nullable=True),
        sa.Column("message_ref", sa.JSON, nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.UniqueConstraint("event_id", "target_key", "action", name="uq_outbox_delivery"),
    )
    op.create_index("ix_outbox_due", "outbox", ["state", "next_attempt_at"])
    op.create_table(
        "threads",
        sa.Column("target_key", sa.Text, primary_key=True),
        sa.Column("thread_key", sa.String(255), primary_key=True),
        sa.Column("root_ref", sa.JSON, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    for table in ("threads", "outbox", "reports", "subscriptions", "events", "state"):
        op.drop_table(table)

"""The database schema, as SQLAlchemy Core tables. Alembic migrations (``bot/store/migrations``)
create and evolve it; this module is what the code reads and writes through."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on every backend (SQLite has no zones)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = sa.MetaData()

state = sa.Table(
    "state",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.JSON, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.String(255), primary_key=True),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("detected_at", UTCDateTime, nullable=False),
    sa.Column("payload", sa.JSON, nullable=False),
)

subscriptions = sa.Table(
    "subscriptions",
    metadata,
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

reports = sa.Table(
    "reports",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("platform", sa.String(32), nullable=False),
    sa.Column("workspace", sa.String(64), nullable=False, server_default=""),
    sa.Column("user_id", sa.String(128), nullable=False),
    sa.Column("code", sa.String(32), nullable=True),
    sa.Column("reported_at", UTCDateTime, nullable=False),
    sa.Column("source", sa.String(32), nullable=False, server_default="chat"),
    sa.Index("ix_reports_team_time", "platform", "workspace", "reported_at"),
    sa.Index("ix_reports_reporter_time", "platform", "user_id", "reported_at"),
)

outbox = sa.Table(
    "outbox",
    metadata,
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
    sa.Column("claimed_by", sa.String(64), nullable=True),
    sa.Column("claimed_until", UTCDateTime, nullable=True),
    # Migration 0004: when a try began whose answer the outbox never got (set by the claim
    # before the call, cleared by an answer): the platform may hold the message already.
    sa.Column("attempted_at", UTCDateTime, nullable=True),
    sa.UniqueConstraint("event_id", "target_key", "action", name="uq_outbox_delivery"),
    sa.Index("ix_outbox_due", "state", "next_attempt_at"),
    # Migration 0003: "what does this channel send next" in one probe, and one platform's due
    # rows walked in order (the paced platform's heads are taken first).
    sa.Index("ix_outbox_target_pending", "target_key", "state", "id"),
    sa.Index("ix_outbox_platform_due", "platform", "state", "next_attempt_at"),
)

threads = sa.Table(
    "threads",
    metadata,
    sa.Column("target_key", sa.Text, primary_key=True),
    sa.Column("thread_key", sa.String(255), primary_key=True),
    sa.Column("root_ref", sa.JSON, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

# Migration 0006: the ``alerts`` words of a channel; a channel without a row wants everything.
channel_preferences = sa.Table(
    "channel_preferences",
    metadata,
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

# Migration 0007: community reports. Per source, since when it is watched and how its last
# read went; the posts about errors it showed (7 days kept), so a post counts once.
community_sources = sa.Table(
    "community_sources",
    metadata,
    sa.Column("source", sa.String(128), primary_key=True),
    sa.Column("watched_since", UTCDateTime, nullable=True),
    sa.Column("last_read_at", UTCDateTime, nullable=False),
    sa.Column("last_outcome", sa.String(32), nullable=False),
)

community_posts = sa.Table(
    "community_posts",
    metadata,
    sa.Column("source", sa.String(128), primary_key=True),
    sa.Column("post_id", sa.String(64), primary_key=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("seen_at", UTCDateTime, nullable=False),
    sa.Index("ix_community_posts_time", "source", "created_at"),
)

# Migrations 0008, 0009: one row per send granted in a pace shared by replicas
# (``store.paces``); ``at`` is the database's clock, in seconds since the epoch, when it was
# granted, ``ended_at`` when its answer came (NULL while in flight).
send_starts = sa.Table(
    "send_starts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("pace", sa.String(32), nullable=False),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("ended_at", sa.Float, nullable=True),
    sa.Index("ix_send_starts_pace_at", "pace", "at"),
)

"""Community reports: ``community_sources`` (per source, since when it is watched and how its
last read went) and ``community_posts`` (the posts about errors each source showed, by id, with
their time, title and link; the usual count is worked out from them).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.tables import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "community_sources",
        sa.Column("source", sa.String(128), primary_key=True),
        sa.Column("watched_since", UTCDateTime, nullable=True),
        sa.Column("last_read_at", UTCDateTime, nullable=False),
        sa.Column("last_outcome", sa.String(32), nullable=False),
    )
    op.create_table(
        "community_posts",
        sa.Column("source", sa.String(128), primary_key=True),
        sa.Column("post_id", sa.String(64), primary_key=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("seen_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_community_posts_time", "community_posts", ["source", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_community_posts_time", table_name="community_posts")
    op.drop_table("community_posts")
    op.drop_table("community_sources")

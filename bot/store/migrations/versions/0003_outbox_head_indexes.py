"""Outbox indexes for the dispatcher, so its work per delivery does not grow with the outbox:
``ix_outbox_target_pending`` (``target_key, state, id``) answers "what does this channel send
next" with one probe, also the "no earlier pending row" test of each head that ``due_heads``
finds by walking ``ix_outbox_due`` in order; ``ix_outbox_platform_due`` (``platform, state,
next_attempt_at``) walks one platform's due rows the same way (the paced platform's heads are
taken first).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_outbox_target_pending", "outbox", ["target_key", "state", "id"])
    op.create_index("ix_outbox_platform_due", "outbox", ["platform", "state", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_platform_due", table_name="outbox")
    op.drop_index("ix_outbox_target_pending", table_name="outbox")

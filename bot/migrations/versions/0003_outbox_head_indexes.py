"""An outbox index for the dispatcher's question "what does this channel send next"
(``target_key, state, id``): one probe per channel instead of a scan of the outbox, also for
the "no earlier pending row" test of each head that ``due_heads`` finds by walking
``ix_outbox_due`` in order.

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


def downgrade() -> None:
    op.drop_index("ix_outbox_target_pending", table_name="outbox")

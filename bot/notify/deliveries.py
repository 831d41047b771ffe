"""The values routing works with, plain and frozen: who listens (a ``Subscription``) and one
notice bound for one channel (a ``Delivery``, which the store keeps as an outbox row). Pure:
the store imports these, not the other way round."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.notify.notices import Action, Notice
from bot.notify.ports import Target


@dataclass(frozen=True)
class Subscription:
    id: int
    target: Target
    components: tuple[str, ...]
    """Component ids this channel watches; empty means all."""
    source: str
    created_by: str | None


@dataclass(frozen=True)
class Delivery:
    """An outbox row to insert: one event's notice for one target."""

    event_id: str
    action: Action
    target: Target
    notice: Notice
    not_before: datetime | None = None
    """Hold the delivery until then (the ``test`` alert's resolution, a few seconds later)."""

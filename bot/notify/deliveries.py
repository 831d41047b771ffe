"""The values routing works with, plain and frozen: who listens (a ``Subscription``) and one
notice bound for one channel (a ``Delivery``, which the store keeps as an outbox row). Pure:
the store imports these, not the other way round."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from bot.notify.notices import Action, Notice
from bot.notify.ports import Target
from bot.preferences import Preferences


@dataclass(frozen=True)
class Subscription:
    id: int
    target: Target
    components: tuple[str, ...]
    """Component ids this channel watches; empty means all."""
    source: str
    created_by: str | None
    preferences: Preferences = field(default_factory=Preferences)
    """The channel's ``alerts`` settings (routing applies them)."""


@dataclass(frozen=True)
class Delivery:
    """An outbox row to insert: one event's notice for one target."""

    event_id: str
    action: Action
    target: Target
    notice: Notice
    not_before: datetime | None = None
    """Hold the delivery until then (the ``test`` alert's resolution, a few seconds later)."""
    held: bool = False
    """Kept for the digest that ``not_before`` (the end of the channel's quiet hours) brings,
    never sent on its own."""


def delivery_key(event_id: str, target: Target, action: Action) -> str:
    """The name a delivery carries to the platform (Discord's nonce, Slack's metadata): 24 hex
    digits of a hash of what makes it unique in the outbox. The same on every try, in every
    replica and even on a new database; it names no channel (a webhook URL is a secret), and
    a different event, channel or action gives a different one."""
    unique = "\n".join((event_id, target.key, action.value)).encode()
    return hashlib.blake2b(unique, digest_size=12).hexdigest()

"""The delivery port: what a chat adapter implements so the dispatcher can post notices.

The dispatcher owns ordering, retries and bookkeeping; an adapter only translates one call
into its platform's API and maps the platform's errors onto the three errors below.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from bot.notify.notices import Notice


@dataclass(frozen=True)
class Target:
    """Where alerts go: a channel on a platform.

    ``platform`` is ``slack``, ``discord``, ``discord-webhook`` or ``console``; ``channel`` is the
    channel id (for ``discord-webhook`` the webhook URL, which is a secret); ``workspace`` is the
    Slack team id or Discord guild id when known.
    """

    platform: str
    channel: str
    workspace: str | None = None

    @property
    def key(self) -> str:
        """Stable identity used in the database: one outbox row per event and key."""
        if self.workspace:
            return f"{self.platform}:{self.workspace}/{self.channel}"
        return f"{self.platform}:{self.channel}"

    def __str__(self) -> str:
        if self.platform == "discord-webhook":
            return "discord-webhook:<redacted>"
        return self.key

    __repr__ = __str__


@dataclass(frozen=True)
class MessageRef:
    """A posted message, as the platform names it (Slack: channel + ``ts``; Discord: channel +
    message id). ``extra`` holds anything else an adapter needs to find it again."""

    channel: str
    id: str
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"channel": self.channel, "id": self.id, "extra": dict(self.extra)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MessageRef:
        return cls(
            channel=str(data["channel"]), id=str(data["id"]), extra=dict(data.get("extra") or {})
        )


@dataclass(frozen=True)
class Attempt:
    """One try at a delivery, so that a platform can tell a repeat from a new message.

    ``delivery`` names the delivery: the same on every try (and in every replica), different
    for every event, channel and action, 24 hex digits (Discord takes a nonce of up to 25
    characters). ``maybe_sent_at`` is when an earlier try began whose answer never reached
    the outbox (the process died, or the call timed out), so the message may be there already;
    None when no try came before, or each one failed for sure.
    """

    delivery: str
    maybe_sent_at: datetime | None = None


class DeliveryError(Exception):
    """Base of every error a ChatAdapter may raise."""


class TransientDeliveryError(DeliveryError):
    """Try again later: 429, 5xx, a timeout, a dropped connection. ``retry_after`` is the wait
    the platform asked for, in seconds, when it said one."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentDeliveryError(DeliveryError):
    """Never going to work for this target (channel gone, archived, no access, token revoked):
    the dispatcher disables the subscription and logs ``reason``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ThreadGoneError(DeliveryError):
    """The thread's root message was deleted: the dispatcher posts the notice as a new root."""


class SentBeforeError(DeliveryError):
    """An earlier try of this delivery posted it, and someone has deleted that message since
    (Discord says so for a repeated nonce): record it as sent, with nothing to reply to."""


class ChatAdapter(Protocol):
    """Posts notices to one platform. Each method either succeeds or raises a DeliveryError.

    ``post`` and ``reply`` are given the ``Attempt``: a platform that can, makes a repeat of
    a delivery it already took return that message instead of posting it twice (Discord: the
    delivery as the message's nonce; Slack: the delivery in the message's metadata, looked for
    when ``maybe_sent_at`` says an earlier try may have posted it)."""

    async def post(self, target: Target, notice: Notice, attempt: Attempt) -> MessageRef:
        """Post ``notice`` as a new message in the channel (a thread root)."""
        ...

    async def reply(
        self, target: Target, root: MessageRef, notice: Notice, attempt: Attempt, *, broadcast: bool
    ) -> MessageRef:
        """Post ``notice`` in ``root``'s thread; ``broadcast`` also shows it in the channel.
        Raises ThreadGoneError when the root no longer exists."""
        ...

    async def edit(self, target: Target, ref: MessageRef, notice: Notice) -> None:
        """Replace the message at ``ref`` with ``notice`` (the thread root, now resolved)."""
        ...

"""The delivery a Slack message carries in its message metadata, and finding it again.

Every notice the bot posts carries ``metadata``: our ``event_type`` and the delivery's key in
``event_payload`` (docs.slack.dev/messaging/message-metadata). When an earlier try may have
posted a notice without the outbox learning so (``Attempt.maybe_sent_at``: the process died
between Slack's answer and the commit, or the call timed out), the next try first reads the
channel back from a little before that try (``conversations.history``, or
``conversations.replies`` for a thread reply, with ``include_all_metadata``) and takes the
message it finds instead of posting again.

Rate limits: both methods are Tier 3 (50+ a minute per workspace) for Marketplace and
internal apps, and since 2025-05-29 one a minute with at most 15 messages a page for other
commercially distributed apps. A lookup is rare (only after a crash or a timeout) and reads
pages of 15, so it works under both; a lookup that meets a rate limit waits as Slack asks.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Final

from bot.notify.ports import Attempt

EVENT_TYPE: Final = "is_claude_down_delivery"
PAGE_SIZE: Final = 15
"""Messages per page: the most Slack gives apps under its 2025 limits."""
MAX_PAGES: Final = 4
"""Pages read at most (60 messages since the try): an alerts channel rarely has more, and
past that the notice is posted again rather than the channel held back."""
CLOCK_MARGIN: Final = timedelta(seconds=60)
"""Read from this long before the try: our clock and Slack's may disagree a little."""


def of(attempt: Attempt) -> dict[str, Any]:
    """The ``metadata`` argument of ``chat.postMessage`` for this try."""
    return {"event_type": EVENT_TYPE, "event_payload": {"delivery": attempt.delivery}}


def oldest(tried_at: datetime) -> str:
    """The ``oldest`` bound (a Slack ts) of a lookup for a try that began at ``tried_at``."""
    return f"{(tried_at - CLOCK_MARGIN).timestamp():.6f}"


def carries(message: Any, delivery: str) -> bool:
    """Whether a message of ``conversations.history`` or ``.replies`` is this delivery's."""
    if not isinstance(message, dict) or message.get("subtype") == "tombstone":
        return False
    metadata = message.get("metadata")
    if not isinstance(metadata, dict) or metadata.get("event_type") != EVENT_TYPE:
        return False
    payload = metadata.get("event_payload")
    return isinstance(payload, dict) and payload.get("delivery") == delivery

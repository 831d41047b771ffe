"""What a community source hands over: its newest posts (``bot.detect.community.Post``, a
pure value), and when it may be asked again.

A third source (another subreddit, a forum's feed) is a new module with a class that has a
``name``, a ``label`` and ``read(now)``; nothing else changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.detect.community import Post


@dataclass(frozen=True)
class Reading:
    """A successful read: the newest posts (empty when the source said "not modified")."""

    posts: tuple[Post, ...]
    not_modified: bool = False
    not_before: datetime | None = None
    """The source's rate limit is spent until then (``X-RateLimit-*``): do not ask before."""


class SourceError(Exception):
    """The source could not be read. ``kind`` is short and fit for a metric label
    (``rate-limited``, ``http-503``, ``timeout``, ``unreachable``, ``bad-response``, ``auth``);
    ``not_before`` is when the source allows the next request, if it said so."""

    def __init__(self, kind: str, detail: str, not_before: datetime | None = None) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.not_before = not_before


class CommunitySource(Protocol):
    name: str
    """The contract's ``source`` value: ``reddit:r/ClaudeAI``, ``github:anthropics/claude-code``."""
    label: str
    """How answers name it: ``r/ClaudeAI``, ``anthropics/claude-code issues``."""
    home: str
    """The origin its posts live on (``https://www.reddit.com``): no other link is kept."""

    async def read(self, now: datetime) -> Reading:
        """The newest posts; raises ``SourceError``."""
        ...

    async def close(self) -> None: ...

"""What a community source hands over: its newest posts, and when it may be asked again.

A third source (another subreddit, a forum's feed) is a new module with a class that has a
``name``, a ``label`` and ``read(now)``; nothing else changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Post:
    """One post or issue. ``title`` and ``text`` are untrusted, as the source gave them;
    ``url`` is built by the source from an id it checked, on the source's own host."""

    id: str
    title: str
    url: str
    created_at: datetime
    text: str = ""


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


def is_web_url(url: str, home: str | None = None) -> bool:
    """http(s) with a host and no login part; and on ``home``'s origin when given. Anything
    else (``javascript:``, ``data:``, a look-alike host) is never shown as a link."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or "@" in parts.netloc:
        return False
    if home is None:
        return True
    origin = urlsplit(home)
    return (parts.scheme, parts.netloc.lower()) == (origin.scheme, origin.netloc.lower())

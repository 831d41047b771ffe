"""Is a community source elevated? Pure: handed the source's tally.

A source is elevated when its posts about errors of the last 30 minutes number at least
``COMMUNITY_MIN_POSTS`` and at least ``FACTOR`` times its usual count. The usual count is the
source's own average per 30 minutes over what the database has seen of it (the current window
left out, so a burst does not raise its own bar); before a day of history the average of a few
quiet hours means little, so ``USUAL_FLOOR`` stands in, and it is also the least ever assumed.

``Post`` (what a source lists) and ``is_web_url`` (which links may ever be shown) live here
too, below everything that uses them: the sources, the store, the answers and the notices.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final
from urllib.parse import urlsplit

WINDOW: Final = timedelta(minutes=30)
HISTORY_NEEDED: Final = timedelta(days=1)
USUAL_FLOOR: Final = 1.0
FACTOR: Final = 3
TOP: Final = 3


@dataclass(frozen=True)
class Post:
    """One post or issue. ``title`` and ``text`` are untrusted, as the source gave them;
    ``url`` is built by the source from an id it checked, on the source's own host."""

    id: str
    title: str
    url: str
    created_at: datetime
    text: str = ""


class Standing(StrEnum):
    ELEVATED = "elevated"
    QUIET = "quiet"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class Tally:
    """What is known of one source's posts about errors."""

    recent: tuple[Post, ...]
    """Those created in the last ``WINDOW``, newest first."""
    earlier: int
    """Those created before the window, since the source has been watched."""
    watched: timedelta
    """How long the source was watched before the window began."""


@dataclass(frozen=True)
class CommunityReport:
    source: str
    label: str
    standing: Standing
    posts_30m: int
    usual_30m: float
    top: tuple[Post, ...] = ()
    """Up to ``TOP`` of the newest posts about errors in the window."""
    held: bool = False
    """Unavailable now, but elevated at its last good read: the early warning holds."""

    @property
    def elevated(self) -> bool:
        return self.standing is Standing.ELEVATED or self.held


def usual_30m(earlier: int, watched: timedelta) -> float:
    if watched < HISTORY_NEEDED:
        return USUAL_FLOOR
    return max(USUAL_FLOOR, round(earlier / (watched / WINDOW), 1))


def assess(source: str, label: str, tally: Tally, min_posts: int) -> CommunityReport:
    usual = usual_30m(tally.earlier, tally.watched)
    count = len(tally.recent)
    elevated = count >= min_posts and count >= FACTOR * usual
    return CommunityReport(
        source=source,
        label=label,
        standing=Standing.ELEVATED if elevated else Standing.QUIET,
        posts_30m=count,
        usual_30m=usual,
        top=tally.recent[:TOP],
    )


def unavailable(last: CommunityReport | None, source: str, label: str) -> CommunityReport:
    """The source could not be read: say so, and keep an elevated source's warning up (a
    failing source changes nothing, in either direction)."""
    if last is None:
        return CommunityReport(source, label, Standing.UNAVAILABLE, 0, USUAL_FLOOR)
    return CommunityReport(
        source,
        label,
        Standing.UNAVAILABLE,
        last.posts_30m,
        last.usual_30m,
        last.top,
        held=last.elevated,
    )


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

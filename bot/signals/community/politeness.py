"""Politeness: when a community source may be asked again.

Never sooner than the interval after the last request; never before a rate limit's reset.
GitHub and Reddit both send ``X-RateLimit-Remaining`` and ``X-RateLimit-Reset`` (header names
are case-insensitive, so Reddit's ``X-Ratelimit-*`` are the same headers), but GitHub's reset
is a UTC epoch second and Reddit's is a number of seconds from now. ``Retry-After`` (seconds or
an HTTP date) is honoured from either. A limit answered without any of these headers waits
``BARE_LIMIT_WAIT``, as GitHub's documentation asks; no wait is ever longer than ``LONGEST_WAIT``
(a broken header must not silence a source for days).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Final

BARE_LIMIT_WAIT: Final = timedelta(seconds=60)
LONGEST_WAIT: Final = timedelta(hours=6)


def not_before(
    headers: Mapping[str, str], now: datetime, *, reset_is_epoch: bool
) -> datetime | None:
    """When the headers allow the next request, or None when they set no limit."""
    found = [
        t for t in (_retry_after(headers, now), _spent_until(headers, now, reset_is_epoch)) if t
    ]
    if not found:
        return None
    return min(max(found), now + LONGEST_WAIT)


def limited_until(headers: Mapping[str, str], now: datetime, *, reset_is_epoch: bool) -> datetime:
    """A request was refused for its rate: the headers' time, or ``BARE_LIMIT_WAIT``."""
    return not_before(headers, now, reset_is_epoch=reset_is_epoch) or now + BARE_LIMIT_WAIT


def _retry_after(headers: Mapping[str, str], now: datetime) -> datetime | None:
    raw = headers.get("retry-after", "").strip()
    if not raw:
        return None
    if raw.isdigit():
        return now + timedelta(seconds=int(raw))
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _spent_until(
    headers: Mapping[str, str], now: datetime, reset_is_epoch: bool
) -> datetime | None:
    try:
        remaining = float(headers.get("x-ratelimit-remaining", ""))
        reset = float(headers.get("x-ratelimit-reset", ""))
    except ValueError:
        return None
    if remaining >= 1 or reset < 0:
        return None
    if reset_is_epoch:
        return datetime.fromtimestamp(reset, UTC)
    return now + timedelta(seconds=reset)


@dataclass
class ReadSchedule:
    """One source's schedule: due when the interval has passed since the last request and
    no limit holds."""

    interval: timedelta
    last_request: datetime | None = None
    blocked_until: datetime | None = None

    def due(self, now: datetime) -> bool:
        if self.blocked_until is not None and now < self.blocked_until:
            return False
        return self.last_request is None or now - self.last_request >= self.interval

    def asked(self, now: datetime, not_before: datetime | None) -> None:
        self.last_request = now
        self.blocked_until = not_before

"""Whether the feed is lost: a run of failed polls, not one blip. Pure.

One failure is noise (a CDN hiccup); ``threshold`` failures in a row is an outage of the feed
itself, announced once (``FeedLost``), and the first good poll after that is announced once
(``FeedRestored``). The record is stored, so a restart in the middle changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Final

from bot.detect.events import Event, FeedLost, FeedRestored

LOST_AFTER_FAILURES: Final = 3
"""Failed polls in a row after which the feed is lost (at 30 s, a minute and a half)."""


@dataclass(frozen=True)
class FeedHealth:
    consecutive_failures: int = 0
    failing_since: datetime | None = None
    last_error: str | None = None
    lost_announced: bool = False

    def is_lost(self, threshold: int) -> bool:
        return self.consecutive_failures >= threshold

    def to_json(self) -> dict[str, Any]:
        return {
            "consecutive_failures": self.consecutive_failures,
            "failing_since": self.failing_since.isoformat() if self.failing_since else None,
            "last_error": self.last_error,
            "lost_announced": self.lost_announced,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FeedHealth:
        since = data.get("failing_since")
        return cls(
            consecutive_failures=int(data.get("consecutive_failures", 0)),
            failing_since=datetime.fromisoformat(since) if since else None,
            last_error=data.get("last_error"),
            lost_announced=bool(data.get("lost_announced", False)),
        )


def after_failure(
    health: FeedHealth, error: str, now: datetime, threshold: int
) -> tuple[FeedHealth, list[Event]]:
    failures = health.consecutive_failures + 1
    since = health.failing_since or now
    new = replace(health, consecutive_failures=failures, failing_since=since, last_error=error)
    if failures >= threshold and not health.lost_announced:
        return replace(new, lost_announced=True), [FeedLost(since, failures, error)]
    return new, []


def after_success(health: FeedHealth, now: datetime) -> tuple[FeedHealth, list[Event]]:
    events: list[Event] = []
    if health.lost_announced and health.failing_since is not None:
        events.append(FeedRestored(health.failing_since, now))
    return FeedHealth(), events

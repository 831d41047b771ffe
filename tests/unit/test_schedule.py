"""The poll schedule's trigger: every gap between polls within the interval, never above it."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from bot.schedule import MAX_JITTER_SECONDS, poll_trigger


@pytest.mark.parametrize("interval", [1.0, 5.0, 30.0, 300.0])
def test_every_gap_is_within_the_interval_and_jittered(interval: float) -> None:
    trigger = poll_trigger(interval)
    jitter = min(MAX_JITTER_SECONDS, interval * 0.1)
    now = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    runs = [now]
    for _ in range(2000):
        # APScheduler computes each run from the previous one, jitter included.
        runs.append(trigger.get_next_fire_time(runs[-1], runs[-1]))
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(runs)]
    assert max(gaps) <= interval + 1e-6
    assert min(gaps) >= interval - jitter - 1e-6
    assert max(gaps) - min(gaps) > jitter / 2  # the polls do drift apart from other bots'

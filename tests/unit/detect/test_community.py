"""The elevated decision (pure): the last 30 minutes against the source's usual count."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.detect.community import (
    USUAL_FLOOR,
    Post,
    Standing,
    Tally,
    assess,
    unavailable,
    usual_30m,
)

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def posts(n: int) -> tuple[Post, ...]:
    return tuple(
        Post(f"t3_{i}", f"API Error: 529 #{i}", f"https://www.reddit.com/r/x/comments/{i}/", T0)
        for i in range(n)
    )


def report(recent: int, earlier: int = 0, watched: timedelta = timedelta(days=2), least: int = 4):
    return assess("reddit:r/ClaudeAI", "r/ClaudeAI", Tally(posts(recent), earlier, watched), least)


def test_before_a_day_of_history_the_floor_is_the_usual_count() -> None:
    assert usual_30m(earlier=40, watched=timedelta(hours=2)) == USUAL_FLOOR
    assert usual_30m(earlier=0, watched=timedelta(days=3)) == USUAL_FLOOR


def test_after_a_day_the_source_own_average_per_half_hour() -> None:
    assert usual_30m(earlier=96, watched=timedelta(days=1)) == 2.0


def test_a_burst_over_the_floor_is_elevated_with_three_linked_posts() -> None:
    burst = report(9, watched=timedelta(hours=1))
    assert burst.standing is Standing.ELEVATED
    assert (burst.posts_30m, burst.usual_30m) == (9, 1.0)
    assert [p.id for p in burst.top] == ["t3_0", "t3_1", "t3_2"]


def test_fewer_than_the_minimum_is_quiet_even_far_above_usual() -> None:
    assert report(3).standing is Standing.QUIET
    assert report(4).standing is Standing.ELEVATED


def test_a_busy_source_needs_three_times_its_usual_count() -> None:
    # 480 posts about errors a day is 10 per half hour: 29 is not yet three times that
    assert report(29, earlier=480, watched=timedelta(days=1)).standing is Standing.QUIET
    assert report(30, earlier=480, watched=timedelta(days=1)).standing is Standing.ELEVATED


def test_an_unreadable_source_keeps_an_elevated_reading_held() -> None:
    elevated = report(9)
    down = unavailable(elevated, "reddit:r/ClaudeAI", "r/ClaudeAI")
    assert down.standing is Standing.UNAVAILABLE
    assert down.held
    assert down.elevated
    never_read = unavailable(None, "reddit:r/ClaudeAI", "r/ClaudeAI")
    assert not never_read.elevated
    assert not unavailable(report(0), "reddit:r/ClaudeAI", "r/ClaudeAI").elevated

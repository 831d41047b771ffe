"""When a community source may be asked again: interval, Retry-After, X-RateLimit-*."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.signals.community.politeness import (
    BARE_LIMIT_WAIT,
    LONGEST_WAIT,
    ReadSchedule,
    limited_until,
    not_before,
)

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def test_no_limit_headers_no_wait() -> None:
    assert (
        not_before(
            {"x-ratelimit-remaining": "42", "x-ratelimit-reset": "300"}, T0, reset_is_epoch=False
        )
        is None
    )
    assert not_before({}, T0, reset_is_epoch=True) is None


def test_reddit_reset_is_seconds_from_now_and_remaining_a_float() -> None:
    headers = {"x-ratelimit-remaining": "0.0", "x-ratelimit-reset": "297"}
    assert not_before(headers, T0, reset_is_epoch=False) == T0 + timedelta(seconds=297)


def test_github_reset_is_an_epoch_second() -> None:
    reset = T0 + timedelta(minutes=40)
    headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(reset.timestamp()))}
    assert not_before(headers, T0, reset_is_epoch=True) == reset


def test_retry_after_in_seconds_or_as_a_date_and_the_later_of_two_wins() -> None:
    assert not_before({"retry-after": "120"}, T0, reset_is_epoch=True) == T0 + timedelta(
        seconds=120
    )
    date = {"retry-after": "Tue, 01 Dec 2026 12:05:00 GMT"}
    assert not_before(date, T0, reset_is_epoch=True) == T0 + timedelta(minutes=5)
    both = {"retry-after": "60", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "600"}
    assert not_before(both, T0, reset_is_epoch=False) == T0 + timedelta(seconds=600)


def test_a_refusal_without_headers_waits_a_minute_and_no_wait_is_endless() -> None:
    assert limited_until({}, T0, reset_is_epoch=True) == T0 + BARE_LIMIT_WAIT
    absurd = {"retry-after": str(10**9)}
    assert not_before(absurd, T0, reset_is_epoch=True) == T0 + LONGEST_WAIT


def test_garbage_headers_are_ignored() -> None:
    headers = {"retry-after": "soon", "x-ratelimit-remaining": "none", "x-ratelimit-reset": "x"}
    assert not_before(headers, T0, reset_is_epoch=False) is None


def test_the_pacer_keeps_the_interval_and_the_block() -> None:
    schedule = ReadSchedule(timedelta(seconds=120))
    assert schedule.due(T0)
    schedule.asked(T0, None)
    assert not schedule.due(T0 + timedelta(seconds=119))
    assert schedule.due(T0 + timedelta(seconds=120))
    schedule.asked(T0, T0 + timedelta(minutes=10))
    assert not schedule.due(T0 + timedelta(minutes=9, seconds=59))
    assert schedule.due(T0 + timedelta(minutes=10))

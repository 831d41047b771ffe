"""bot.detect.feed_health: a run of failed polls is a lost feed, announced once; one blip is not."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.detect.changes import detect
from bot.detect.events import Event, FeedLost, FeedRestored
from bot.detect.feed_health import FeedHealth, after_failure, after_success
from bot.statuspage.snapshot import build_snapshot
from tests.unit.helpers import NOW, scenario_steps, summary_of

THRESHOLD = 3
POLL = timedelta(seconds=30)


def _fail(health: FeedHealth, times: int, start_poll: int = 0) -> tuple[FeedHealth, list[Event]]:
    events: list[Event] = []
    for n in range(times):
        health, new = after_failure(
            health, f"http-503: poll {start_poll + n}", NOW + (start_poll + n) * POLL, THRESHOLD
        )
        events += new
    return health, events


def test_one_blip_is_not_lost() -> None:
    health, events = _fail(FeedHealth(), 1)
    assert events == []
    assert not health.is_lost(THRESHOLD)
    assert health.consecutive_failures == 1
    assert health.failing_since == NOW
    assert health.last_error == "http-503: poll 0"


def test_failures_below_the_threshold_announce_nothing() -> None:
    health, events = _fail(FeedHealth(), THRESHOLD - 1)
    assert events == []
    assert not health.is_lost(THRESHOLD)


def test_the_threshold_of_failures_gives_exactly_one_feed_lost() -> None:
    health, events = _fail(FeedHealth(), THRESHOLD)
    assert events == [FeedLost(NOW, THRESHOLD, "http-503: poll 2")]
    assert health.is_lost(THRESHOLD)
    assert health.lost_announced


def test_more_failures_give_no_second_feed_lost() -> None:
    health, events = _fail(FeedHealth(), THRESHOLD + 10)
    assert [type(e) for e in events] == [FeedLost]
    assert health.consecutive_failures == THRESHOLD + 10
    assert health.failing_since == NOW  # the run's first failure, kept


def test_success_after_lost_gives_exactly_one_feed_restored() -> None:
    lost, _ = _fail(FeedHealth(), THRESHOLD + 3)
    back_at = NOW + 10 * POLL
    health, events = after_success(lost, back_at)
    assert events == [FeedRestored(NOW, back_at)]
    assert health == FeedHealth()
    again, more = after_success(health, back_at + POLL)
    assert more == []
    assert again == FeedHealth()


def test_success_without_lost_announces_nothing_and_forgets_the_blips() -> None:
    blipped, _ = _fail(FeedHealth(), THRESHOLD - 1)
    health, events = after_success(blipped, NOW + 5 * POLL)
    assert events == []
    assert health == FeedHealth()


def test_blips_separated_by_a_good_poll_never_add_up_to_lost() -> None:
    health = FeedHealth()
    events: list[Event] = []
    for round_ in range(5):
        health, new = _fail(health, THRESHOLD - 1, start_poll=round_ * THRESHOLD)
        events += new
        health, new = after_success(health, NOW + (round_ * THRESHOLD + 2) * POLL)
        events += new
    assert events == []


def test_a_second_outage_is_announced_again_with_its_own_id() -> None:
    health, first = _fail(FeedHealth(), THRESHOLD)
    health, restored = after_success(health, NOW + 5 * POLL)
    health, second = _fail(health, THRESHOLD, start_poll=10)
    assert [type(e) for e in (*first, *restored, *second)] == [FeedLost, FeedRestored, FeedLost]
    assert first[0].id != second[0].id
    assert isinstance(second[0], FeedLost)
    assert second[0].since == NOW + 10 * POLL


def test_ids_are_stable_for_the_same_failing_since() -> None:
    """Deriving the events again (after a restart) gives the same ids."""
    _, lost_a = _fail(FeedHealth(), THRESHOLD)
    _, lost_b = _fail(FeedHealth(), THRESHOLD)
    assert lost_a[0].id == lost_b[0].id == f"feed:lost:{NOW.isoformat()}"
    health_a, _ = _fail(FeedHealth(), THRESHOLD + 1)
    health_b, _ = _fail(FeedHealth(), THRESHOLD + 4)
    _, back_a = after_success(health_a, NOW + 20 * POLL)
    _, back_b = after_success(health_b, NOW + 40 * POLL)
    assert back_a[0].id == back_b[0].id == f"feed:restored:{NOW.isoformat()}"
    assert lost_a[0].id != back_a[0].id


def test_json_round_trip_keeps_everything() -> None:
    health, _ = _fail(FeedHealth(), THRESHOLD + 1)
    stored = json.loads(json.dumps(health.to_json()))
    assert FeedHealth.from_json(stored) == health
    assert FeedHealth.from_json(FeedHealth().to_json()) == FeedHealth()


def test_a_restart_in_the_middle_changes_nothing() -> None:
    """Failures before and after a restart (a JSON round trip) add up; still one FeedLost."""
    before, first = _fail(FeedHealth(), THRESHOLD - 1)
    restored = FeedHealth.from_json(json.loads(json.dumps(before.to_json())))
    after, second = _fail(restored, 3, start_poll=THRESHOLD - 1)
    assert first == []
    assert [type(e) for e in second] == [FeedLost]
    assert second[0].id == f"feed:lost:{NOW.isoformat()}"
    restarted_lost = FeedHealth.from_json(json.loads(json.dumps(after.to_json())))
    _, more = _fail(restarted_lost, 2, start_poll=10)
    assert more == []
    _, back = after_success(restarted_lost, NOW + 20 * POLL)
    assert [e.id for e in back] == [f"feed:restored:{NOW.isoformat()}"]


def test_from_json_tolerates_an_empty_record() -> None:
    assert FeedHealth.from_json({}) == FeedHealth()


def test_the_feed_outage_scenario_gives_one_lost_one_restored_and_no_page_event() -> None:
    """Polled the way the poller polls: a fault step is a failure (the last good snapshot is kept),
    a good step a success followed by change detection."""
    steps = scenario_steps("feed-outage")
    health, previous = FeedHealth(), None
    per_step: list[list[str]] = []
    for n, step in enumerate(steps):
        at = NOW + n * POLL
        if step["fault"]:
            health, events = after_failure(health, step["fault"], at, THRESHOLD)
        else:
            health, events = after_success(health, at)
            current = build_snapshot(previous, summary_of(step["summary"]), None, None, at)
            events += detect(previous, current)
            previous = current
        per_step.append([e.id for e in events])
    lost_since = (NOW + POLL).isoformat()  # the first failed poll, step 02
    assert per_step == [
        [],
        [],
        [],
        [f"feed:lost:{lost_since}"],  # the third failure in a row, step 04
        [],
        [],
        [],
        [f"feed:restored:{lost_since}"],
        [],
    ]

"""Channel preferences in routing: each filter on a channel beside an unfiltered one, and an
incident that crosses a channel's impact threshold announced then, with its story so far."""

from __future__ import annotations

from dataclasses import replace

from bot.detect.events import (
    Event,
    FeedLost,
    IncidentResolved,
    IncidentStarted,
    IncidentUpdated,
)
from bot.notify.compose import notices_for
from bot.notify.deliveries import Delivery, Subscription
from bot.notify.notices import Action, NoticeKind
from bot.notify.ports import Target
from bot.notify.routing import deliveries, incident_threads
from bot.preferences import Preferences
from tests.unit.helpers import NOW, SOURCE
from tests.unit.notify.scenarios import (
    INCIDENT,
    SLACK,
    all_events,
    sub,
    warning_events,
)

FILTERED = Target("slack", "C0FILTERED", "T0001")
THREAD = f"incident:{INCIDENT}"


def channel(preferences: Preferences) -> Subscription:
    return replace(sub(FILTERED, n=2), preferences=preferences)


def kinds(out: list[Delivery], target: Target) -> list[tuple[NoticeKind, Action]]:
    return [(d.notice.kind, d.action) for d in out if d.target == target]


def route_steps(
    steps: list[list[Event]], subscriptions: list[Subscription]
) -> list[list[Delivery]]:
    """Poll by poll, as the poller does: what earlier polls queued is ``announced`` later."""
    announced: set[tuple[str, str]] = set()
    out = []
    for events in steps:
        composed = notices_for(events, SOURCE)
        wanted = incident_threads(composed, subscriptions)
        known = frozenset(a for a in announced if a[1] in wanted)
        routed = deliveries(composed, subscriptions, announced=known)
        announced |= {
            (d.target.key, d.notice.thread_key)
            for d in routed
            if d.action is Action.POST and d.notice.thread_key
        }
        out.append(routed)
    return out


def raised(event: Event, impact: str) -> Event:
    """``event`` with its incident at ``impact`` (the feed raised or lowered it)."""
    assert isinstance(event, IncidentStarted | IncidentUpdated | IncidentResolved)
    return replace(event, incident=event.incident.model_copy(update={"impact": impact}))


def test_maintenance_off_drops_maintenance_only_there(
    maintenance_steps: list[list[Event]], incident_steps: list[list[Event]]
) -> None:
    events = [*all_events(maintenance_steps), *all_events(incident_steps)]
    out = deliveries(
        notices_for(events, SOURCE), [sub(SLACK), channel(Preferences(maintenance=False))]
    )
    plain, filtered = {k for k, _ in kinds(out, SLACK)}, {k for k, _ in kinds(out, FILTERED)}
    assert NoticeKind.MAINTENANCE_STARTED in plain
    assert NoticeKind.MAINTENANCE_COMPLETED in plain
    assert filtered == plain - {NoticeKind.MAINTENANCE_STARTED, NoticeKind.MAINTENANCE_COMPLETED}
    assert NoticeKind.INCIDENT_STARTED in filtered


def test_warnings_off_drops_early_warnings_only_there(incident_steps: list[list[Event]]) -> None:
    events = [*warning_events(incident_steps), FeedLost(NOW, 3, "timeout")]
    out = deliveries(
        notices_for(events, SOURCE), [sub(SLACK), channel(Preferences(warnings=False))]
    )
    assert {k for k, _ in kinds(out, SLACK)} == {
        NoticeKind.EARLY_WARNING,
        NoticeKind.EARLY_WARNING_CLEARED,
        NoticeKind.EARLY_WARNING_CONFIRMED,
        NoticeKind.FEED_LOST,
    }
    assert kinds(out, FILTERED) == [(NoticeKind.FEED_LOST, Action.POST)]


def test_updates_off_keeps_start_resolution_and_the_roots_edit(
    incident_steps: list[list[Event]],
) -> None:
    out = deliveries(
        notices_for(all_events(incident_steps), SOURCE),
        [sub(SLACK), channel(Preferences(updates=False))],
    )
    assert kinds(out, SLACK).count((NoticeKind.INCIDENT_UPDATED, Action.REPLY)) == 3
    assert kinds(out, FILTERED) == [
        (NoticeKind.INCIDENT_STARTED, Action.POST),
        (NoticeKind.INCIDENT_RESOLVED, Action.BROADCAST),
        (NoticeKind.INCIDENT_STARTED, Action.EDIT),
    ]


def test_impact_major_skips_a_minor_incident_from_start_to_end(
    incident_steps: list[list[Event]],
) -> None:
    out = deliveries(
        notices_for(all_events(incident_steps), SOURCE),
        [sub(SLACK), channel(Preferences(impact="major"))],
    )
    assert len(kinds(out, SLACK)) == 6
    assert kinds(out, FILTERED) == []
    minor_ok = deliveries(
        notices_for(all_events(incident_steps), SOURCE), [channel(Preferences(impact="minor"))]
    )
    assert len(minor_ok) == 6


def test_a_minor_incident_raised_to_major_is_announced_when_it_crosses_with_its_story(
    incident_steps: list[list[Event]],
) -> None:
    steps = [s for s in incident_steps if any(e for e in s if hasattr(e, "incident"))]
    # Started minor, one update minor, then raised to major, an update, then resolved.
    started, update1, update2, update3, resolved = (
        next(e for e in s if isinstance(e, IncidentStarted | IncidentUpdated | IncidentResolved))
        for s in steps
    )
    polls = [
        [started],
        [update1],
        [raised(update2, "major")],
        [raised(update3, "major")],
        [raised(resolved, "major")],
    ]
    routed = route_steps(polls, [sub(SLACK), channel(Preferences(impact="major"))])
    filtered = [kinds(r, FILTERED) for r in routed]
    assert filtered == [
        [],
        [],
        [(NoticeKind.INCIDENT_STARTED, Action.POST)],
        [(NoticeKind.INCIDENT_UPDATED, Action.REPLY)],
        [
            (NoticeKind.INCIDENT_RESOLVED, Action.BROADCAST),
            (NoticeKind.INCIDENT_STARTED, Action.EDIT),
        ],
    ]
    (story,) = [d.notice for d in routed[2] if d.target == FILTERED]
    assert story.thread_key == THREAD
    assert story.severity == "major"
    for update in (started.update, update1.update, update2.update):
        assert update is not None
        assert update.body in story.text  # the story so far, oldest first
    assert story.text.index(started.update.body) < story.text.index(update2.update.body)
    assert [len(kinds(r, SLACK)) for r in routed] == [1, 1, 1, 1, 2]  # unfiltered: as ever


def test_once_announced_a_lowered_incident_still_gets_its_updates_and_resolution(
    incident_steps: list[list[Event]],
) -> None:
    incident = [e for e in all_events(incident_steps) if hasattr(e, "incident")]
    started, update, *_, resolved = incident
    polls = [[raised(started, "major")], [raised(update, "minor")], [raised(resolved, "minor")]]
    routed = route_steps(polls, [channel(Preferences(impact="major"))])
    assert [kinds(r, FILTERED) for r in routed] == [
        [(NoticeKind.INCIDENT_STARTED, Action.POST)],
        [(NoticeKind.INCIDENT_UPDATED, Action.REPLY)],
        [
            (NoticeKind.INCIDENT_RESOLVED, Action.BROADCAST),
            (NoticeKind.INCIDENT_STARTED, Action.EDIT),
        ],
    ]


def test_raised_and_resolved_in_one_poll_gives_the_story_then_the_resolution(
    incident_steps: list[list[Event]],
) -> None:
    incident = [e for e in all_events(incident_steps) if hasattr(e, "incident")]
    resolved = raised(incident[-1], "critical")
    routed = route_steps([[incident[0]], [resolved]], [channel(Preferences(impact="major"))])
    assert kinds(routed[1], FILTERED) == [
        (NoticeKind.INCIDENT_STARTED, Action.POST),
        (NoticeKind.INCIDENT_RESOLVED, Action.BROADCAST),
        (NoticeKind.INCIDENT_STARTED, Action.EDIT),
    ]
    story, _, edit = (d.notice for d in routed[1])
    assert edit.ended_at is not None
    assert edit.text == story.text  # the closed root keeps the story


def test_no_lookup_is_needed_when_no_channel_has_a_threshold(
    incident_steps: list[list[Event]],
) -> None:
    composed = notices_for(all_events(incident_steps), SOURCE)
    assert incident_threads(composed, [sub(SLACK)]) == frozenset()
    assert incident_threads(composed, [channel(Preferences(impact="minor"))]) == {THREAD}

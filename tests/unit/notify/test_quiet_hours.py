"""Quiet hours: when they end (wall clock in the channel's zone), notices held in them beside
a channel that gets them at once, a critical incident breaking through, and the digest."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time

from bot.detect.events import Event, IncidentStarted, IncidentUpdated
from bot.notify.compose import notices_for
from bot.notify.deliveries import Subscription
from bot.notify.digest import digests
from bot.notify.notices import Action, NoticeKind, Severity
from bot.notify.ports import Target
from bot.notify.routing import deliveries
from bot.preferences import Preferences, QuietHours
from tests.unit.helpers import SOURCE
from tests.unit.notify.scenarios import INCIDENT, SLACK, all_events, sub

QUIET = Target("slack", "C0QUIET", "T0001")
NIGHT = QuietHours(time(22), time(8), "Europe/Berlin")
AT_NIGHT = datetime(2026, 11, 3, 23, 30, tzinfo=UTC)  # 00:30 in Berlin
MORNING = datetime(2026, 11, 4, 7, 0, tzinfo=UTC)  # 08:00 in Berlin


def quiet_channel() -> Subscription:
    return replace(sub(QUIET, n=2), preferences=Preferences(quiet=NIGHT))


def test_quiet_hours_end_on_the_wall_clock_of_their_zone() -> None:
    assert NIGHT.end_after(datetime(2026, 11, 3, 21, 30, tzinfo=UTC)) == MORNING  # 22:30 there
    assert NIGHT.end_after(AT_NIGHT) == MORNING
    assert NIGHT.end_after(datetime(2026, 11, 4, 6, 59, tzinfo=UTC)) == MORNING
    assert NIGHT.end_after(MORNING) is None
    assert NIGHT.end_after(datetime(2026, 11, 3, 12, 0, tzinfo=UTC)) is None
    # Across the change to summer time (29 March 2026): still 08:00 in Berlin, 06:00 UTC.
    spring = NIGHT.end_after(datetime(2026, 3, 29, 0, 30, tzinfo=UTC))
    assert spring == datetime(2026, 3, 29, 6, 0, tzinfo=UTC)
    office = QuietHours(time(9), time(17), "UTC")
    assert office.end_after(datetime(2026, 11, 3, 12, tzinfo=UTC)) == datetime(
        2026, 11, 3, 17, tzinfo=UTC
    )
    assert office.end_after(datetime(2026, 11, 3, 18, tzinfo=UTC)) is None


def test_notices_are_held_in_quiet_hours_only_for_that_channel(
    incident_steps: list[list[Event]],
) -> None:
    composed = notices_for(all_events(incident_steps), SOURCE)
    out = deliveries(composed, [sub(SLACK), quiet_channel()], now=AT_NIGHT)
    plain = [d for d in out if d.target == SLACK]
    held = [d for d in out if d.target == QUIET]
    assert plain
    assert not any(d.held for d in plain)
    assert len(held) == len(plain)
    assert all(d.held and d.not_before == MORNING for d in held)
    by_day = deliveries(composed, [quiet_channel()], now=MORNING)
    assert not any(d.held for d in by_day)


def test_a_critical_incident_breaks_through(incident_steps: list[list[Event]]) -> None:
    started = next(e for e in all_events(incident_steps) if isinstance(e, IncidentStarted))
    critical = replace(started, incident=started.incident.model_copy(update={"impact": "critical"}))
    out = deliveries(notices_for([critical], SOURCE), [quiet_channel()], now=AT_NIGHT)
    assert [(d.action, d.held) for d in out] == [(Action.POST, False)]


def test_the_digest_tells_each_thread_once_and_an_open_incident_gets_its_story_root(
    incident_steps: list[list[Event]], maintenance_steps: list[list[Event]]
) -> None:
    events = all_events(incident_steps)
    resolved_run = deliveries(
        notices_for([*events, *all_events(maintenance_steps)], SOURCE),
        [quiet_channel()],
        now=AT_NIGHT,
    )
    [notice] = [d.notice for d in digests(resolved_run, [], MORNING)]
    assert notice.kind is NoticeKind.DIGEST
    lines = notice.text.splitlines()
    assert len(lines) == 2  # the incident once, the maintenance once
    assert lines[0] == ("• Elevated errors on the Claude API: Incident, 3 × Update, Resolved")
    assert "Maintenance started" in lines[1]
    assert "Maintenance completed" in lines[1]
    assert notice.severity is Severity.MINOR

    open_run = [e for e in events if isinstance(e, IncidentStarted | IncidentUpdated)]
    held = deliveries(notices_for(open_run, SOURCE), [quiet_channel()], now=AT_NIGHT)
    still_open = open_run[-1].incident
    digest, story = digests(held, [still_open], MORNING)
    assert "(still open: its thread follows)" in digest.notice.text
    assert story.action is Action.POST
    assert story.notice.thread_key == f"incident:{INCIDENT}"
    assert "We are currently investigating this issue." in story.notice.text
    assert {d.target for d in (digest, story)} == {QUIET}
    assert digest.event_id != story.event_id

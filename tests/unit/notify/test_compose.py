"""bot.notify.compose: event -> notices, and how each is delivered."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.detect.events import (
    ComponentChanged,
    Event,
    FeedLost,
    FeedRestored,
    IncidentResolved,
    IncidentStarted,
    IncidentUpdated,
    MaintenanceCompleted,
    MaintenanceScheduled,
    MaintenanceStarted,
    WarningConfirmed,
)
from bot.notify.compose import notices_for, plan
from bot.notify.notices import Action, NoticeKind, Severity
from tests.unit.helpers import (
    NOW,
    SOURCE,
    scenario_steps,
    summary_of,
)
from tests.unit.notify.scenarios import (
    INCIDENT,
    MAINTENANCE,
    all_events,
    first,
    warning_events,
)

# --- compose.plan ------------------------------------------------------------------------


EVENT_KINDS = set(NoticeKind) - {NoticeKind.DIGEST}
"""Every kind an event causes; the digest is made from held notices (``digest``)."""


def test_an_incident_start_is_posted_as_a_thread_root(incident_steps: list[list[Event]]) -> None:
    [planned] = plan(first(incident_steps[1], IncidentStarted), SOURCE)
    assert planned.action is Action.POST
    notice = planned.notice
    assert notice.kind is NoticeKind.INCIDENT_STARTED
    assert notice.is_root
    assert notice.title == "Elevated errors on the Claude API"
    assert notice.severity is Severity.MINOR
    assert notice.status == "investigating"
    assert notice.text == "We are currently investigating this issue."
    assert notice.components == ("Claude API (api.anthropic.com)",)
    assert notice.url == "https://stspg.io/zcikqgvvd7e6"
    assert notice.started_at == datetime(2026, 11, 3, 13, 26, 4, 185000, tzinfo=UTC)
    assert notice.ended_at is None
    assert notice.thread_key == f"incident:{INCIDENT}"


def test_an_incident_update_is_a_reply_in_its_thread(incident_steps: list[list[Event]]) -> None:
    [planned] = plan(first(incident_steps[3], IncidentUpdated), SOURCE)
    assert planned.action is Action.REPLY
    assert planned.notice.kind is NoticeKind.INCIDENT_UPDATED
    assert planned.notice.status == "identified"
    assert planned.notice.text.startswith("We have identified the cause")
    assert planned.notice.thread_key == f"incident:{INCIDENT}"
    assert not planned.notice.is_root


def test_a_resolution_is_broadcast_and_the_closed_root_edited(
    incident_steps: list[list[Event]],
) -> None:
    broadcast, edit = plan(first(incident_steps[5], IncidentResolved), SOURCE)
    assert broadcast.action is Action.BROADCAST
    assert broadcast.notice.kind is NoticeKind.INCIDENT_RESOLVED
    assert broadcast.notice.severity is Severity.RESOLVED
    assert broadcast.notice.text == "This incident has been resolved."
    assert broadcast.notice.thread_key == f"incident:{INCIDENT}"
    assert edit.action is Action.EDIT
    root = edit.notice
    assert root.kind is NoticeKind.INCIDENT_STARTED
    assert root.text == "We are currently investigating this issue."  # the first update
    assert (root.status, root.severity) == ("resolved", Severity.RESOLVED)
    assert root.ended_at == datetime(2026, 11, 3, 14, 47, 2, 655000, tzinfo=UTC)
    assert root.duration_minutes == 81  # 13:26:04 -> 14:47:02
    assert broadcast.notice.duration_minutes == 81
    assert root.thread_key == broadcast.notice.thread_key


def test_the_closed_root_is_the_start_notice_closed(incident_steps: list[list[Event]]) -> None:
    """The edit replaces the root with the same notice the start posted, only closed."""
    resolved = first(incident_steps[5], IncidentResolved)
    assert isinstance(resolved, IncidentResolved)
    [start] = plan(
        IncidentStarted(resolved.incident, resolved.incident.updates_oldest_first()[0]), SOURCE
    )
    _, edit = plan(resolved, SOURCE)
    assert edit.notice.title == start.notice.title
    assert edit.notice.started_at == start.notice.started_at
    assert edit.notice.url == start.notice.url


def test_a_reopening_is_broadcast_and_the_root_shown_open_again(
    incident_steps: list[list[Event]],
) -> None:
    resolved = first(incident_steps[5], IncidentResolved)
    assert isinstance(resolved, IncidentResolved)
    assert resolved.update is not None
    update = resolved.update.model_copy(update={"id": "r3op3n000001", "status": "investigating"})
    broadcast, edit = plan(IncidentUpdated(resolved.incident, update, reopened=True), SOURCE)
    assert broadcast.action is Action.BROADCAST
    assert broadcast.notice.kind is NoticeKind.INCIDENT_UPDATED
    assert edit.action is Action.EDIT
    assert edit.notice.kind is NoticeKind.INCIDENT_STARTED
    assert edit.notice.ended_at is None


def test_a_component_change_is_its_own_notice(incident_steps: list[list[Event]]) -> None:
    [planned] = plan(first(incident_steps[1], ComponentChanged), SOURCE)
    assert planned.action is Action.POST
    notice = planned.notice
    assert notice.kind is NoticeKind.COMPONENT_CHANGED
    assert notice.title == "Claude API (api.anthropic.com)"
    assert notice.text == "operational → partial outage"
    assert notice.severity is Severity.MINOR
    assert notice.url == SOURCE


def test_maintenance_start_is_a_root_and_completion_closes_it(
    maintenance_steps: list[list[Event]],
) -> None:
    [start] = plan(first(maintenance_steps[1], MaintenanceStarted), SOURCE)
    assert start.action is Action.POST
    assert start.notice.kind is NoticeKind.MAINTENANCE_STARTED
    assert start.notice.severity is Severity.MAINTENANCE
    assert start.notice.text.startswith("Scheduled 2026-11-07 17:00–19:00 UTC. ")
    assert start.notice.thread_key == f"maintenance:{MAINTENANCE}"
    assert start.notice.status == "in progress"  # never the feed's raw "in_progress"
    broadcast, edit = plan(first(maintenance_steps[3], MaintenanceCompleted), SOURCE)
    assert broadcast.action is Action.BROADCAST
    assert broadcast.notice.kind is NoticeKind.MAINTENANCE_COMPLETED
    assert broadcast.notice.text == "The scheduled maintenance has been completed."
    assert edit.action is Action.EDIT
    assert edit.notice.kind is NoticeKind.MAINTENANCE_STARTED
    assert edit.notice.status == "completed"
    assert edit.notice.duration_minutes == 100  # 17:00 -> 18:40:09


def test_a_scheduled_maintenance_is_posted() -> None:
    m = summary_of(scenario_steps("maintenance")[0]["summary"]).scheduled_maintenances[0]
    [planned] = plan(MaintenanceScheduled(m), SOURCE)
    assert planned.action is Action.POST
    assert planned.notice.kind is NoticeKind.MAINTENANCE_SCHEDULED


def test_feed_lost_is_a_root_and_feed_restored_closes_it() -> None:
    since = NOW - timedelta(minutes=5)
    [lost] = plan(FeedLost(since, 4, "http-503: CloudFront"), SOURCE)
    assert lost.action is Action.POST
    assert lost.notice.kind is NoticeKind.FEED_LOST
    assert lost.notice.thread_key == "feed"
    assert "4 polls in a row: http-503: CloudFront" in lost.notice.text
    broadcast, edit = plan(FeedRestored(since, NOW), SOURCE)
    assert broadcast.action is Action.BROADCAST
    assert broadcast.notice.kind is NoticeKind.FEED_RESTORED
    assert broadcast.notice.thread_key == "feed"
    assert edit.action is Action.EDIT
    assert edit.notice.kind is NoticeKind.FEED_LOST
    assert edit.notice.duration_minutes == 5


# --- compose.notices_for: the lead time and the test mark, from inputs --------------------


def test_an_incident_an_early_warning_foresaw_says_so_in_its_start_notice(
    incident_steps: list[list[Event]],
) -> None:
    """The warning confirmed in the same poll gives its lead time to the start notice, and to
    nothing else: no later patching of the composed notice."""
    confirmed = next(e for e in warning_events(incident_steps) if isinstance(e, WarningConfirmed))
    started = first(incident_steps[1], IncidentStarted)
    opened, warned = notices_for([started, confirmed], SOURCE)
    [start] = opened.planned
    assert opened.event == started
    assert start.notice.kind is NoticeKind.INCIDENT_STARTED
    assert start.notice.early_warning_minutes == confirmed.warning.lead_minutes == 8
    assert [p.notice.early_warning_minutes for p in warned.planned] == [8, None]


def test_an_incident_no_warning_foresaw_has_no_lead_time(
    incident_steps: list[list[Event]],
) -> None:
    started = first(incident_steps[1], IncidentStarted)
    [alone] = notices_for([started], SOURCE)
    assert [p.notice.early_warning_minutes for p in alone.planned] == [None]
    confirmed = next(e for e in warning_events(incident_steps) if isinstance(e, WarningConfirmed))
    another = started.incident.model_copy(update={"id": "another"})
    beside, _ = notices_for([started, WarningConfirmed(confirmed.warning, another)], SOURCE)
    assert [p.notice.early_warning_minutes for p in beside.planned] == [None]


def test_test_notices_come_out_marked_for_every_kind_of_event(
    incident_steps: list[list[Event]], maintenance_steps: list[list[Event]]
) -> None:
    m = summary_of(scenario_steps("maintenance")[0]["summary"]).scheduled_maintenances[0]
    events = [
        *all_events(incident_steps),
        *all_events(maintenance_steps),
        MaintenanceScheduled(m),
        FeedLost(NOW, 3, "timeout"),
        FeedRestored(NOW, NOW + timedelta(minutes=3)),
        *warning_events(incident_steps),
    ]
    tests = [p.notice for c in notices_for(events, SOURCE, is_test=True) for p in c.planned]
    real = [p.notice for c in notices_for(events, SOURCE) for p in c.planned]
    assert {n.kind for n in tests} == EVENT_KINDS
    assert all(n.is_test for n in tests)
    assert not any(n.is_test for n in real)
    assert [replace(n, is_test=False) for n in tests] == real  # the mark is the only change

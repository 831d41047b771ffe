"""bot.notify.compose (event -> notices, and how each is delivered) and bot.notify.routing (which
subscription gets which notice)."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.detect.changes import detect
from bot.detect.events import (
    ComponentChanged,
    EarlyWarning,
    Event,
    FeedLost,
    FeedRestored,
    IncidentResolved,
    IncidentStarted,
    IncidentUpdated,
    MaintenanceCompleted,
    MaintenanceScheduled,
    MaintenanceStarted,
    WarningCleared,
    WarningConfirmed,
    WarningRaised,
)
from bot.detect.view import StatusView
from bot.notify.compose import plan
from bot.notify.deliveries import Subscription
from bot.notify.notices import Action, NoticeKind, Severity
from bot.notify.ports import Target
from bot.notify.routing import catch_up, deliveries
from bot.statuspage.models import Incident
from bot.statuspage.snapshot import Snapshot, build_snapshot, needs_history
from tests.unit.helpers import (
    CLAUDE_API,
    CLAUDE_CODE,
    NOW,
    PLATFORM,
    SOURCE,
    incident_list,
    load_json,
    maintenance_list,
    scenario_steps,
    summary_of,
)

INCIDENT = "6j2silbjfwi0"
MAINTENANCE = "bhzvj7e2mbrt"
CONSOLE = Target("console", "stdout")
SLACK = Target("slack", "C0123", "T0001")
DISCORD = Target("discord", "998877")


def sub(target: Target, *components: str, n: int = 1) -> Subscription:
    return Subscription(n, target, tuple(components), "chat", "U1")


def scenario_events(name: str) -> list[list[Event]]:
    previous: Snapshot | None = None
    out: list[list[Event]] = []
    for n, step in enumerate(scenario_steps(name)):
        current_summary = summary_of(step["summary"])
        _, lost_m = needs_history(previous, current_summary)
        current = build_snapshot(
            previous,
            current_summary,
            incident_list(step.get("incidents")),
            maintenance_list(step.get("scheduled_maintenances") if lost_m else None),
            NOW + timedelta(minutes=n),
        )
        out.append(detect(previous, current))
        previous = current
    return out


def first(events: list[Event], kind: type) -> Event:
    return next(e for e in events if isinstance(e, kind))


@pytest.fixture(scope="module")
def incident_steps() -> list[list[Event]]:
    return scenario_events("api-elevated-errors")


@pytest.fixture(scope="module")
def maintenance_steps() -> list[list[Event]]:
    return scenario_events("maintenance")


# --- announce.plan ------------------------------------------------------------------------


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


# --- routing.deliveries -------------------------------------------------------------------


def _all(steps: list[list[Event]]) -> list[Event]:
    return [e for events in steps for e in events]


def test_chat_gets_no_component_changes_or_scheduled_maintenance_and_console_gets_all(
    incident_steps: list[list[Event]], maintenance_steps: list[list[Event]]
) -> None:
    m = summary_of(scenario_steps("maintenance")[0]["summary"]).scheduled_maintenances[0]
    events = [
        *_all(incident_steps),
        *_all(maintenance_steps),
        MaintenanceScheduled(m),
        FeedLost(NOW, 3, "timeout"),
        FeedRestored(NOW, NOW + timedelta(minutes=3)),
        *_warning_events(incident_steps),
    ]
    out = deliveries(events, [sub(SLACK), sub(CONSOLE, n=2)], SOURCE)
    chat = {d.notice.kind for d in out if d.target == SLACK}
    console = {d.notice.kind for d in out if d.target == CONSOLE}
    assert console == set(NoticeKind)
    assert chat == set(NoticeKind) - {
        NoticeKind.COMPONENT_CHANGED,
        NoticeKind.MAINTENANCE_SCHEDULED,
    }


def test_the_incident_scenario_delivers_start_updates_resolution_to_a_channel(
    incident_steps: list[list[Event]],
) -> None:
    out = deliveries(_all(incident_steps), [sub(DISCORD)], SOURCE)
    assert [(d.event_id, d.action) for d in out] == [
        (f"incident:{INCIDENT}:started", Action.POST),
        (f"incident:{INCIDENT}:update:clakqhr2vjek", Action.REPLY),
        (f"incident:{INCIDENT}:update:p6aevb84oxq7", Action.REPLY),
        (f"incident:{INCIDENT}:update:4bv5rvzs51up", Action.REPLY),
        (f"incident:{INCIDENT}:resolved:vfvetx1ddxd3", Action.BROADCAST),
        (f"incident:{INCIDENT}:resolved:vfvetx1ddxd3", Action.EDIT),
    ]
    assert {d.target for d in out} == {DISCORD}


def test_each_subscription_gets_its_own_copy(incident_steps: list[list[Event]]) -> None:
    out = deliveries(incident_steps[1], [sub(SLACK), sub(DISCORD, n=2)], SOURCE)
    starts = [d for d in out if d.notice.kind is NoticeKind.INCIDENT_STARTED]
    assert [d.target for d in starts] == [SLACK, DISCORD]
    assert starts[0].notice == starts[1].notice


def test_a_channel_filtered_to_components_gets_only_incidents_touching_them(
    incident_steps: list[list[Event]],
) -> None:
    events = _all(incident_steps)
    api = deliveries(events, [sub(SLACK, CLAUDE_API)], SOURCE)
    platform = deliveries(events, [sub(SLACK, PLATFORM)], SOURCE)
    assert len(api) == 6
    assert platform == []


def test_a_component_named_only_in_update_affected_components_counts() -> None:
    """Claude Code joins the incident at its second update: a Claude Code channel gets the
    incident from then on, though the incident's component list at the start lacks it."""
    steps = scenario_events("api-elevated-errors")
    code_only = [sub(SLACK, CLAUDE_CODE)]
    assert deliveries(steps[1], code_only, SOURCE) == []
    later = deliveries(_all(steps[2:]), code_only, SOURCE)
    assert [d.event_id for d in later][:1] == [f"incident:{INCIDENT}:update:clakqhr2vjek"]


def test_an_incident_with_no_components_goes_to_everyone() -> None:
    raw = load_json("bad/summary-extra-and-missing-fields.json")
    incident = Incident.model_validate(raw["incidents"][0])  # components null, no updates
    assert incident.components == ()
    out = deliveries(
        [IncidentStarted(incident, None)],
        [sub(SLACK, PLATFORM), sub(DISCORD, CLAUDE_API, n=2)],
        SOURCE,
    )
    assert [d.target for d in out] == [SLACK, DISCORD]


def test_feed_notices_go_to_filtered_channels_too() -> None:
    out = deliveries([FeedLost(NOW, 3, "timeout")], [sub(SLACK, PLATFORM)], SOURCE)
    assert [d.notice.kind for d in out] == [NoticeKind.FEED_LOST]


def test_a_maintenance_goes_to_channels_watching_its_component(
    maintenance_steps: list[list[Event]],
) -> None:
    events = _all(maintenance_steps)
    platform = deliveries(events, [sub(SLACK, PLATFORM)], SOURCE)
    api = deliveries(events, [sub(SLACK, CLAUDE_API)], SOURCE)
    assert [(d.event_id, d.action) for d in platform] == [
        (f"maintenance:{MAINTENANCE}:started", Action.POST),
        (f"maintenance:{MAINTENANCE}:completed", Action.BROADCAST),
        (f"maintenance:{MAINTENANCE}:completed", Action.EDIT),
    ]
    assert api == []


# --- routing.catch_up ---------------------------------------------------------------------


def _endpoint_view() -> StatusView:
    current = build_snapshot(
        None,
        summary_of(load_json("endpoints/api/v2/summary.json")),
        incident_list(load_json("endpoints/api/v2/incidents.json")),
        None,
        NOW,
    )
    assert len(current.recent_incidents) > 5  # there is history to leave out
    return StatusView(SOURCE, current, readable=True)


@pytest.mark.parametrize("target", [SLACK, CONSOLE])
def test_catch_up_announces_open_incidents_with_their_latest_update_and_active_maintenance(
    target: Target,
) -> None:
    out = catch_up(_endpoint_view(), sub(target))
    assert [(d.event_id, d.action, d.target) for d in out] == [
        ("incident:wuz6brz3tdau:started", Action.POST, target),
        ("maintenance:mxaarnu73kdk:started", Action.POST, target),
    ]
    incident = out[0].notice
    assert incident.status == "monitoring"
    assert incident.text.startswith("A fix has been implemented")


def test_catch_up_never_announces_history_or_scheduled_maintenance() -> None:
    view = _endpoint_view()
    out = catch_up(view, sub(SLACK))
    announced = {d.event_id.split(":")[1] for d in out}
    history = (
        {i.id for i in view.snapshot.recent_incidents if not i.is_open} if view.snapshot else set()
    )
    assert history
    assert not announced & history
    assert "xld44clxfzhu" not in announced  # scheduled for next week


def test_catch_up_on_a_quiet_page_says_nothing() -> None:
    quiet = build_snapshot(None, summary_of(load_json("summary-operational.json")), None, None, NOW)
    assert catch_up(StatusView(SOURCE, quiet, readable=True), sub(SLACK)) == []
    assert catch_up(StatusView(SOURCE, None, readable=False), sub(SLACK)) == []


def test_catch_up_respects_the_component_filter() -> None:
    view = _endpoint_view()
    assert [d.event_id for d in catch_up(view, sub(SLACK, PLATFORM))] == [
        "maintenance:mxaarnu73kdk:started"
    ]
    assert [d.event_id for d in catch_up(view, sub(SLACK, CLAUDE_API))] == [
        "incident:wuz6brz3tdau:started"
    ]


def test_catch_up_ids_match_the_watchers_so_nothing_is_posted_twice() -> None:
    """A channel that subscribes mid-incident and the watcher's own start notice share the
    event id, so the outbox's unique key keeps it to one post."""
    step = copy.deepcopy(scenario_steps("api-elevated-errors")[2])
    current = build_snapshot(None, summary_of(step["summary"]), None, None, NOW)
    watcher_ids = {e.id for e in detect(None, current)}
    caught = {d.event_id for d in catch_up(StatusView(SOURCE, current, readable=True), sub(SLACK))}
    assert caught == watcher_ids == {f"incident:{INCIDENT}:started"}


def _warning_events(incident_steps: list[list[Event]]) -> list[Event]:
    """An early warning's whole life: raised, then cleared; another raised, then confirmed."""
    started = next(e for e in _all(incident_steps) if isinstance(e, IncidentStarted))
    first = EarlyWarning("probe", NOW, "The API answered 529, 529, 529 to 3 probes in a row.")
    second = EarlyWarning("probe", NOW + timedelta(minutes=40), first.detail)
    return [
        WarningRaised(first),
        WarningCleared(replace(first, closed_at=NOW + timedelta(minutes=5))),
        WarningRaised(second),
        WarningConfirmed(
            replace(second, closed_at=NOW + timedelta(minutes=48), lead_minutes=8), started.incident
        ),
    ]

"""bot.notify.routing: which subscription gets which composed notice."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest

from bot.detect.changes import detect
from bot.detect.events import (
    Event,
    FeedLost,
    FeedRestored,
    IncidentStarted,
    MaintenanceScheduled,
)
from bot.detect.view import StatusView
from bot.notify.compose import notices_for
from bot.notify.deliveries import Delivery, Subscription
from bot.notify.notices import Action, NoticeKind
from bot.notify.ports import Target
from bot.notify.routing import catch_up, deliveries
from bot.statuspage.models import Incident
from bot.statuspage.snapshot import build_snapshot
from tests.unit.helpers import (
    CLAUDE_API,
    CLAUDE_CODE,
    NOW,
    PLATFORM,
    SOURCE,
    incident_list,
    load_json,
    scenario_steps,
    summary_of,
)
from tests.unit.notify.scenarios import (
    CONSOLE,
    DISCORD,
    INCIDENT,
    MAINTENANCE,
    SLACK,
    all_events,
    scenario_events,
    sub,
    warning_events,
)

EVENT_KINDS = set(NoticeKind) - {NoticeKind.DIGEST}
"""Every kind an event causes; the digest is made from held notices (``digest``)."""


def route(
    events: list[Event],
    subscriptions: list[Subscription],
    default_components: frozenset[str] = frozenset(),
) -> list[Delivery]:
    """The events composed, then routed: what the poller does."""
    return deliveries(notices_for(events, SOURCE), subscriptions, default_components)


# --- routing.deliveries -------------------------------------------------------------------


def test_chat_gets_no_component_changes_or_scheduled_maintenance_and_console_getsall_events(
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
    out = route(events, [sub(SLACK), sub(CONSOLE, n=2)])
    chat = {d.notice.kind for d in out if d.target == SLACK}
    console = {d.notice.kind for d in out if d.target == CONSOLE}
    assert console == EVENT_KINDS
    assert chat == EVENT_KINDS - {
        NoticeKind.COMPONENT_CHANGED,
        NoticeKind.MAINTENANCE_SCHEDULED,
    }


def test_the_incident_scenario_delivers_start_updates_resolution_to_a_channel(
    incident_steps: list[list[Event]],
) -> None:
    out = route(all_events(incident_steps), [sub(DISCORD)])
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
    out = route(incident_steps[1], [sub(SLACK), sub(DISCORD, n=2)])
    starts = [d for d in out if d.notice.kind is NoticeKind.INCIDENT_STARTED]
    assert [d.target for d in starts] == [SLACK, DISCORD]
    assert starts[0].notice == starts[1].notice


def test_a_channel_filtered_to_components_gets_only_incidents_touching_them(
    incident_steps: list[list[Event]],
) -> None:
    events = all_events(incident_steps)
    api = route(events, [sub(SLACK, CLAUDE_API)])
    platform = route(events, [sub(SLACK, PLATFORM)])
    assert len(api) == 6
    assert platform == []


def test_a_component_named_only_in_update_affected_components_counts() -> None:
    """Claude Code joins the incident at its second update: a Claude Code channel gets the
    incident from then on, though the incident's component list at the start lacks it."""
    steps = scenario_events("api-elevated-errors")
    code_only = [sub(SLACK, CLAUDE_CODE)]
    assert route(steps[1], code_only) == []
    later = route(all_events(steps[2:]), code_only)
    assert [d.event_id for d in later][:1] == [f"incident:{INCIDENT}:update:clakqhr2vjek"]


def test_an_incident_with_no_components_goes_to_everyone() -> None:
    raw = load_json("bad/summary-extra-and-missing-fields.json")
    incident = Incident.model_validate(raw["incidents"][0])  # components null, no updates
    assert incident.components == ()
    out = route(
        [IncidentStarted(incident, None)],
        [sub(SLACK, PLATFORM), sub(DISCORD, CLAUDE_API, n=2)],
    )
    assert [d.target for d in out] == [SLACK, DISCORD]


def test_feed_notices_go_to_filtered_channels_too() -> None:
    out = route([FeedLost(NOW, 3, "timeout")], [sub(SLACK, PLATFORM)])
    assert [d.notice.kind for d in out] == [NoticeKind.FEED_LOST]


def test_a_maintenance_goes_to_channels_watching_its_component(
    maintenance_steps: list[list[Event]],
) -> None:
    events = all_events(maintenance_steps)
    platform = route(events, [sub(SLACK, PLATFORM)])
    api = route(events, [sub(SLACK, CLAUDE_API)])
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


def test_catch_up_ids_match_the_pollers_so_nothing_is_posted_twice() -> None:
    """A channel that subscribes mid-incident and the poller's own start notice share the
    event id, so the outbox's unique key keeps it to one post."""
    step = copy.deepcopy(scenario_steps("api-elevated-errors")[2])
    current = build_snapshot(None, summary_of(step["summary"]), None, None, NOW)
    poller_ids = {e.id for e in detect(None, current)}
    caught = {d.event_id for d in catch_up(StatusView(SOURCE, current, readable=True), sub(SLACK))}
    assert caught == poller_ids == {f"incident:{INCIDENT}:started"}

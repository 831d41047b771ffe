"""bot.statuspage.snapshot.build_snapshot + bot.detect.changes.detect: the scripted scenarios
announce exactly what the fixtures' README says a correct bot announces, and the hard cases
come out right."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pytest

from bot.detect.changes import detect
from bot.detect.events import (
    ComponentChanged,
    Event,
    IncidentResolved,
    IncidentStarted,
    IncidentUpdated,
    MaintenanceCompleted,
    MaintenanceScheduled,
    MaintenanceStarted,
)
from bot.statuspage.snapshot import Snapshot, build_snapshot, needs_history
from tests.unit.helpers import (
    CLAUDE_API,
    CLAUDE_CODE,
    NOW,
    PLATFORM,
    incident_list,
    load_json,
    maintenance_list,
    scenario_steps,
    summary_of,
)

INCIDENT = "6j2silbjfwi0"  # the api-elevated-errors incident
MAINTENANCE = "bhzvj7e2mbrt"  # the maintenance scenario's maintenance
SECOND = "twtqgbh8rf3j"  # the incident of summary-minor-incident.json


def poll(previous: Snapshot | None, step: dict[str, Any], n: int = 0) -> Snapshot:
    """One good poll the way the poller does it: incidents.json when the page changed,
    scheduled-maintenances.json only when a tracked maintenance left the summary."""
    current = summary_of(step["summary"])
    _, lost_maintenance = needs_history(previous, current)
    maintenances = step.get("scheduled_maintenances") if lost_maintenance else None
    return build_snapshot(
        previous,
        current,
        incident_list(step.get("incidents")),
        maintenance_list(maintenances),
        NOW + timedelta(minutes=n),
    )


def run(steps: list[dict[str, Any]]) -> list[list[Event]]:
    """The events of each step, polled in order from a fresh start."""
    previous: Snapshot | None = None
    out: list[list[Event]] = []
    for n, step in enumerate(steps):
        current = poll(previous, step, n)
        out.append(detect(previous, current))
        previous = current
    return out


def incident_events(events: list[Event]) -> list[Event]:
    return [e for e in events if not isinstance(e, ComponentChanged)]


def ids(events: list[Event]) -> list[str]:
    return [e.id for e in events]


def _steps(name: str) -> list[dict[str, Any]]:
    return scenario_steps(name)


# --- the api-elevated-errors scenario ---------------------------------------------------


def test_api_elevated_errors_announces_start_three_updates_and_the_resolution() -> None:
    per_step = [ids(incident_events(events)) for events in run(_steps("api-elevated-errors"))]
    assert per_step == [
        [],
        [f"incident:{INCIDENT}:started"],
        [f"incident:{INCIDENT}:update:clakqhr2vjek"],
        [f"incident:{INCIDENT}:update:p6aevb84oxq7"],
        [f"incident:{INCIDENT}:update:4bv5rvzs51up"],
        [f"incident:{INCIDENT}:resolved:vfvetx1ddxd3"],
        [],
    ]


def test_api_elevated_errors_start_carries_its_first_update() -> None:
    started = run(_steps("api-elevated-errors"))[1][0]
    assert isinstance(started, IncidentStarted)
    assert started.update is not None
    assert started.update.id == "y0d4a48b06mq"
    assert started.update.body == "We are currently investigating this issue."
    assert started.incident.name == "Elevated errors on the Claude API"


def test_api_elevated_errors_updates_and_resolution_carry_their_update() -> None:
    per_step = run(_steps("api-elevated-errors"))
    updates = [incident_events(per_step[n])[0] for n in (2, 3, 4)]
    assert all(isinstance(u, IncidentUpdated) and not u.reopened for u in updates)
    assert [u.update.status for u in updates if isinstance(u, IncidentUpdated)] == [
        "investigating",
        "identified",
        "monitoring",
    ]
    resolved = per_step[5][0]
    assert isinstance(resolved, IncidentResolved)
    assert resolved.update is not None
    assert resolved.update.body == "This incident has been resolved."
    assert resolved.incident.status == "resolved"


def test_api_elevated_errors_component_changes_follow_the_page() -> None:
    per_step = run(_steps("api-elevated-errors"))
    changes = [
        [
            (e.component.id, e.old_status, e.component.status)
            for e in events
            if isinstance(e, ComponentChanged)
        ]
        for events in per_step
    ]
    assert changes == [
        [],
        [(CLAUDE_API, "operational", "partial_outage")],
        [(CLAUDE_CODE, "operational", "degraded_performance")],
        [],
        [
            (CLAUDE_API, "partial_outage", "operational"),
            (CLAUDE_CODE, "degraded_performance", "operational"),
        ],
        [],
        [],
    ]


def test_nothing_about_closed_history_is_announced() -> None:
    steps = _steps("api-elevated-errors")
    history = {i["id"] for i in steps[0]["incidents"]["incidents"]}
    assert len(history) == 6
    announced = {e.incident.id for events in run(steps) for e in events if hasattr(e, "incident")}
    assert announced == {INCIDENT}


@pytest.mark.parametrize("start", range(1, 5))
def test_starting_mid_incident_announces_it_once_with_its_latest_update(start: int) -> None:
    steps = _steps("api-elevated-errors")[start:]
    per_step = run(steps)
    first = per_step[0]
    assert len(first) == 1
    assert isinstance(first[0], IncidentStarted)
    latest = summary_of(steps[0]["summary"]).incidents[0].latest_update
    assert latest is not None
    assert first[0].update == latest
    later_starts = [e for events in per_step[1:] for e in events if isinstance(e, IncidentStarted)]
    assert later_starts == []
    assert sum(isinstance(e, IncidentResolved) for events in per_step for e in events) == 1


def test_the_baseline_announces_no_component_state() -> None:
    """On the first read only what is active is announced: no "component changed" from
    nothing."""
    step = _steps("api-elevated-errors")[2]
    events = detect(None, poll(None, step))
    assert [type(e) for e in events] == [IncidentStarted]


def test_the_same_page_read_again_announces_nothing() -> None:
    step = _steps("api-elevated-errors")[3]
    first = poll(None, step)
    assert detect(first, poll(first, step, 1)) == []


# --- the maintenance scenario -------------------------------------------------------------


def test_maintenance_is_announced_started_at_02_and_completed_at_04() -> None:
    per_step = [
        [e for e in events if not isinstance(e, ComponentChanged)]
        for events in run(_steps("maintenance"))
    ]
    assert [ids(events) for events in per_step] == [
        [],
        [f"maintenance:{MAINTENANCE}:started"],
        [],
        [f"maintenance:{MAINTENANCE}:completed"],
        [],
    ]
    started, completed = per_step[1][0], per_step[3][0]
    assert isinstance(started, MaintenanceStarted)
    assert started.maintenance.status == "in_progress"
    assert isinstance(completed, MaintenanceCompleted)
    assert completed.maintenance.status == "completed"


def test_the_maintenance_scenario_has_no_incident_event() -> None:
    everything = [e for events in run(_steps("maintenance")) for e in events]
    assert not [e for e in everything if hasattr(e, "incident")]
    assert [
        (e.component.id, e.component.status) for e in everything if isinstance(e, ComponentChanged)
    ] == [
        (PLATFORM, "under_maintenance"),
        (PLATFORM, "operational"),
    ]


def test_a_maintenance_gone_from_the_summary_is_not_completed_on_a_guess() -> None:
    steps = copy.deepcopy(_steps("maintenance"))
    for step in steps:
        step.pop("scheduled_maintenances")  # scheduled-maintenances.json never answers
    per_step = run(steps)
    assert not [e for events in per_step for e in events if isinstance(e, MaintenanceCompleted)]


def test_a_maintenance_newly_scheduled_is_announced_as_scheduled() -> None:
    quiet = copy.deepcopy(_steps("maintenance")[0])
    quiet["summary"]["scheduled_maintenances"] = []
    previous = poll(None, quiet)
    events = detect(previous, poll(previous, _steps("maintenance")[0], 1))
    assert ids(events) == [f"maintenance:{MAINTENANCE}:scheduled"]
    assert isinstance(events[0], MaintenanceScheduled)


def test_a_first_read_during_maintenance_announces_it_started() -> None:
    events = detect(None, poll(None, _steps("maintenance")[2]))
    assert ids(events) == [f"maintenance:{MAINTENANCE}:started"]


def test_a_first_read_with_maintenance_only_scheduled_announces_nothing() -> None:
    assert detect(None, poll(None, _steps("maintenance")[0])) == []


# --- constructed cases --------------------------------------------------------------------


def _with_incidents_json(step: dict[str, Any], incidents: dict[str, Any] | None) -> dict[str, Any]:
    step = copy.deepcopy(step)
    if incidents is None:
        step.pop("incidents", None)
    else:
        step["incidents"] = incidents
    return step


def test_an_incident_vanishing_with_no_incidents_json_is_carried_not_resolved() -> None:
    steps = _steps("api-elevated-errors")
    monitoring = poll(None, steps[4])
    gone = poll(monitoring, _with_incidents_json(steps[5], None), 1)
    assert detect(monitoring, gone) == []
    assert [(i.id, i.status) for i in gone.open_incidents] == [(INCIDENT, "monitoring")]
    still_gone = poll(gone, _with_incidents_json(steps[6], None), 2)
    assert detect(gone, still_gone) == []
    assert [i.id for i in still_gone.open_incidents] == [INCIDENT]


def test_a_carried_incident_resolves_when_incidents_json_later_shows_it_resolved() -> None:
    steps = _steps("api-elevated-errors")
    monitoring = poll(None, steps[4])
    gone = poll(monitoring, _with_incidents_json(steps[5], None), 1)
    answered = poll(gone, steps[6], 2)
    events = detect(gone, answered)
    assert ids(events) == [f"incident:{INCIDENT}:resolved:vfvetx1ddxd3"]
    assert answered.open_incidents == ()


def test_an_incident_missing_from_an_answered_incidents_json_is_carried() -> None:
    steps = _steps("api-elevated-errors")
    monitoring = poll(None, steps[4])
    without = copy.deepcopy(steps[5]["incidents"])
    without["incidents"] = [i for i in without["incidents"] if i["id"] != INCIDENT]
    gone = poll(monitoring, _with_incidents_json(steps[5], without), 1)
    assert detect(monitoring, gone) == []
    assert [i.id for i in gone.open_incidents] == [INCIDENT]


def test_an_update_edited_in_place_is_not_announced_again() -> None:
    steps = _steps("api-elevated-errors")
    before = poll(None, steps[2])
    edited = copy.deepcopy(steps[2])
    incident = edited["summary"]["incidents"][0]
    update = next(u for u in incident["incident_updates"] if u["id"] == "clakqhr2vjek")
    update["body"] = "We are continuing to investigate elevated error rates (edited)."
    update["updated_at"] = "2026-11-03T13:45:00.000Z"
    edited["summary"]["page"]["updated_at"] = "2026-11-03T13:45:00.100Z"
    after = poll(before, edited, 1)
    assert detect(before, after) == []
    latest = after.open_incidents[0].latest_update
    assert latest is not None
    assert latest.body.endswith("(edited).")  # what answers show is the edited text


def _two_incidents(step: dict[str, Any], extra_updates: int = 0) -> dict[str, Any]:
    step = copy.deepcopy(step)
    second = load_json("summary-minor-incident.json")["incidents"][0]
    for n in range(extra_updates):
        at = f"2026-11-12T15:3{n}:00.000Z"
        second["incident_updates"].insert(
            0,
            {
                "id": f"extra{n:07d}",
                "status": "identified",
                "body": f"Update {n}",
                "created_at": at,
                "updated_at": at,
                "display_at": at,
                "affected_components": None,
            },
        )
    step["summary"]["incidents"].append(second)
    return step


def test_two_incidents_at_once_each_get_their_own_events() -> None:
    steps = _steps("api-elevated-errors")
    quiet = poll(None, steps[0])
    both = poll(quiet, _two_incidents(steps[1]), 1)
    started = incident_events(detect(quiet, both))
    assert ids(started) == [f"incident:{INCIDENT}:started", f"incident:{SECOND}:started"]
    updated = poll(both, _two_incidents(steps[2], extra_updates=2), 2)
    assert ids(incident_events(detect(both, updated))) == [
        f"incident:{INCIDENT}:update:clakqhr2vjek",
        f"incident:{SECOND}:update:extra0000000",
        f"incident:{SECOND}:update:extra0000001",
    ]
    # Steps 04 and 05 missed (a slow poll): their updates come first, once, then the end.
    one_resolved = poll(updated, _two_incidents(steps[5], extra_updates=2), 3)
    events = incident_events(detect(updated, one_resolved))
    assert ids(events) == [
        f"incident:{INCIDENT}:update:p6aevb84oxq7",
        f"incident:{INCIDENT}:update:4bv5rvzs51up",
        f"incident:{INCIDENT}:resolved:vfvetx1ddxd3",
    ]
    assert [i.id for i in one_resolved.open_incidents] == [SECOND]


def _reopened(step: dict[str, Any]) -> dict[str, Any]:
    """Step 06's page with the resolved incident open again: a new investigating update on
    the same id."""
    step = copy.deepcopy(step)
    incident = copy.deepcopy(step["incidents"]["incidents"][0])
    assert incident["id"] == INCIDENT
    at = "2026-11-03T15:05:00.000Z"
    incident["status"] = "investigating"
    incident["resolved_at"] = None
    incident["updated_at"] = at
    incident["incident_updates"].insert(
        0,
        {
            "id": "r3op3n000001",
            "status": "investigating",
            "body": "We are seeing elevated errors again.",
            "created_at": at,
            "updated_at": at,
            "display_at": at,
            "affected_components": None,
        },
    )
    step["summary"]["incidents"] = [incident]
    step["summary"]["page"]["updated_at"] = at
    step["incidents"]["incidents"][0] = incident
    return step


def test_a_reopened_incident_continues_its_thread_right_after_the_resolution() -> None:
    steps = _steps("api-elevated-errors")
    monitoring = poll(None, steps[4])
    resolved = poll(monitoring, steps[5], 1)
    reopened = poll(resolved, _reopened(steps[5]), 2)
    events = detect(resolved, reopened)
    assert ids(events) == [f"incident:{INCIDENT}:update:r3op3n000001"]
    assert isinstance(events[0], IncidentUpdated)
    assert events[0].reopened
    assert events[0].incident.status == "investigating"
    assert not [e for e in events if isinstance(e, IncidentStarted)]


def test_a_reopened_incident_polls_later_gets_no_second_start() -> None:
    steps = _steps("api-elevated-errors")
    previous: Snapshot | None = None
    for n, step in enumerate(steps):  # the whole scenario, 01 to 07
        previous = poll(previous, step, n)
    assert previous is not None
    reopened = poll(previous, _reopened(steps[6]), 10)
    events = detect(previous, reopened)
    assert [type(e) for e in events] == [IncidentUpdated]
    assert isinstance(events[0], IncidentUpdated)
    assert events[0].reopened
    assert events[0].update.id == "r3op3n000001"


def test_a_reopened_incident_resolved_again_is_resolved_under_a_new_id() -> None:
    steps = _steps("api-elevated-errors")
    resolved = poll(poll(None, steps[4]), steps[5], 1)
    reopened = poll(resolved, _reopened(steps[5]), 2)
    again = copy.deepcopy(_reopened(steps[5]))
    incident = again["summary"]["incidents"][0]
    at = "2026-11-03T15:30:00.000Z"
    incident["status"] = "resolved"
    incident["resolved_at"] = at
    incident["incident_updates"].insert(
        0,
        {
            "id": "r3s0lv3d0002",
            "status": "resolved",
            "body": "Resolved again.",
            "created_at": at,
            "updated_at": at,
            "display_at": at,
            "affected_components": None,
        },
    )
    closed = poll(reopened, again, 3)
    assert ids(detect(reopened, closed)) == [f"incident:{INCIDENT}:resolved:r3s0lv3d0002"]


def test_event_ids_are_stable_when_re_derived() -> None:
    """Detecting the same change twice, or after the snapshot went through the database as
    JSON (a restart), gives the same ids."""
    previous: Snapshot | None = None
    for n, step in enumerate(_steps("api-elevated-errors")):
        current = poll(previous, step, n)
        first = ids(detect(previous, current))
        assert ids(detect(previous, current)) == first
        if previous is not None:
            stored = Snapshot.model_validate_json(previous.model_dump_json())
            assert stored == previous
            assert ids(detect(stored, poll(stored, step, n))) == first
        previous = current


def test_component_group_rows_produce_no_component_events() -> None:
    raw = load_json("summary-other-page-groups.json")
    previous = build_snapshot(None, summary_of(raw), None, None, NOW)
    group_only = copy.deepcopy(raw)
    group = next(c for c in group_only["components"] if c.get("group"))
    group["status"] = "major_outage"
    group["updated_at"] = "2026-11-20T09:40:00.000-08:00"
    current = build_snapshot(previous, summary_of(group_only), None, None, NOW)
    assert detect(previous, current) == []

    child_too = copy.deepcopy(group_only)
    child = next(c for c in child_too["components"] if c["id"] == "c1vd8n3x5t0p")
    child["status"] = "major_outage"
    child["updated_at"] = "2026-11-20T09:40:00.000-08:00"
    after = build_snapshot(current, summary_of(child_too), None, None, NOW)
    events = detect(current, after)
    assert [(e.component.id, e.old_status) for e in events if isinstance(e, ComponentChanged)] == [
        ("c1vd8n3x5t0p", "operational")
    ]
    assert len(events) == 1


def test_an_incident_first_seen_already_resolved_is_history() -> None:
    steps = _steps("api-elevated-errors")
    quiet = poll(None, steps[0])
    resolved = copy.deepcopy(steps[5])
    resolved["summary"]["incidents"] = [copy.deepcopy(resolved["incidents"]["incidents"][0])]
    assert incident_events(detect(quiet, poll(quiet, resolved, 1))) == []


def test_history_is_kept_for_history_answers_and_carried_when_not_refetched() -> None:
    steps = _steps("api-elevated-errors")
    first = poll(None, steps[0])
    assert [i.id for i in first.recent_incidents][:2] == ["7zhl5cdasa58", "wutcle1jj6on"]
    without = poll(first, _with_incidents_json(steps[1], None), 1)
    assert without.recent_incidents == first.recent_incidents


def test_history_is_needed_on_the_first_read_and_when_something_open_left_the_summary() -> None:
    incidents, maint = _steps("api-elevated-errors"), _steps("maintenance")
    assert needs_history(None, summary_of(incidents[0]["summary"])) == (True, False)
    monitoring = poll(None, incidents[4])
    assert needs_history(monitoring, summary_of(incidents[4]["summary"])) == (False, False)
    assert needs_history(monitoring, summary_of(incidents[5]["summary"])) == (True, False)
    verifying = poll(None, maint[2])
    assert needs_history(verifying, summary_of(maint[3]["summary"])) == (False, True)

"""bot.detect.view: the verdict and exit code a page gives, and what the view says is active."""

from __future__ import annotations

import pytest

from bot.detect.view import StatusView, Verdict
from bot.statuspage.snapshot import build_snapshot
from tests.unit.helpers import (
    CLAUDE_CODE,
    NOW,
    PLATFORM,
    SOURCE,
    load_json,
    scenario_steps,
    summary_of,
    view_of,
)


@pytest.mark.parametrize(
    ("fixture", "verdict", "exit_code"),
    [
        ("summary-operational.json", Verdict.OPERATIONAL, 0),
        ("summary-minor-incident.json", Verdict.DEGRADED, 1),
        ("summary-major-outage.json", Verdict.OUTAGE, 2),
        ("summary-critical.json", Verdict.OUTAGE, 2),
        ("summary-maintenance.json", Verdict.DEGRADED, 1),
        ("summary-other-page-groups.json", Verdict.DEGRADED, 1),
        ("endpoints/api/v2/summary.json", Verdict.DEGRADED, 1),
        ("bad/summary-unknown-enums.json", Verdict.DEGRADED, 1),
        ("bad/summary-extra-and-missing-fields.json", Verdict.DEGRADED, 1),
    ],
)
def test_verdict_and_exit_code_of_each_fixture_page(
    fixture: str, verdict: Verdict, exit_code: int
) -> None:
    view = view_of(fixture)
    assert view.verdict is verdict
    assert view.verdict.exit_code == exit_code


@pytest.mark.parametrize(
    ("verdict", "exit_code"),
    [
        (Verdict.OPERATIONAL, 0),
        (Verdict.DEGRADED, 1),
        (Verdict.OUTAGE, 2),
        (Verdict.UNKNOWN, 3),
    ],
)
def test_exit_codes_follow_the_contract(verdict: Verdict, exit_code: int) -> None:
    assert verdict.exit_code == exit_code


def test_an_unreadable_feed_is_unknown_even_with_a_good_last_state() -> None:
    view = view_of("summary-operational.json", readable=False)
    assert view.snapshot is not None
    assert view.verdict is Verdict.UNKNOWN
    assert view.verdict.exit_code == 3


def test_a_feed_never_read_is_unknown() -> None:
    view = view_of(None, readable=False)
    assert view.verdict is Verdict.UNKNOWN
    assert view.checked_at is None
    assert view.open_incidents == ()
    assert view.components == ()
    assert view.maintenances == ()


def test_an_open_incident_in_monitoring_with_indicator_none_is_not_operational() -> None:
    """Scenario api-elevated-errors step 05: every component operational again, indicator
    none, but the incident is still open."""
    step = scenario_steps("api-elevated-errors")[4]
    current = summary_of(step["summary"])
    assert current.status.indicator == "none"
    assert {c.status for c in current.components} == {"operational"}
    view = StatusView(SOURCE, build_snapshot(None, current, None, None, NOW), readable=True)
    assert [i.status for i in view.open_incidents] == ["monitoring"]
    assert view.has_known_problem
    assert view.verdict is Verdict.DEGRADED


def test_unknown_enums_are_not_operational() -> None:
    view = view_of("bad/summary-unknown-enums.json")
    assert [c.id for c in view.problem_components] == [CLAUDE_CODE]  # "degraded_capacity"
    assert [i.status for i in view.open_incidents] == ["triaging"]
    assert view.verdict is not Verdict.OPERATIONAL


def test_an_unknown_component_status_alone_is_degraded() -> None:
    raw = load_json("summary-operational.json")
    raw["components"][3]["status"] = "degraded_capacity"
    view = StatusView(SOURCE, build_snapshot(None, summary_of(raw), None, None, NOW), readable=True)
    assert view.verdict is Verdict.DEGRADED


def test_an_unknown_indicator_alone_is_degraded() -> None:
    raw = load_json("summary-operational.json")
    raw["status"] = {"indicator": "elevated", "description": "Elevated Errors"}
    view = StatusView(SOURCE, build_snapshot(None, summary_of(raw), None, None, NOW), readable=True)
    assert view.verdict is Verdict.DEGRADED


def test_a_major_impact_incident_is_an_outage_even_when_components_recovered() -> None:
    raw = load_json("summary-minor-incident.json")
    raw["incidents"][0]["impact"] = "major"
    for component in raw["components"]:
        component["status"] = "operational"
    raw["status"] = {"indicator": "none", "description": "All Systems Operational"}
    view = StatusView(SOURCE, build_snapshot(None, summary_of(raw), None, None, NOW), readable=True)
    assert view.verdict is Verdict.OUTAGE


def test_a_component_in_major_outage_is_an_outage() -> None:
    raw = load_json("summary-operational.json")
    raw["components"][0]["status"] = "major_outage"
    view = StatusView(SOURCE, build_snapshot(None, summary_of(raw), None, None, NOW), readable=True)
    assert view.verdict is Verdict.OUTAGE


def test_a_maintenance_only_scheduled_for_later_leaves_the_page_operational() -> None:
    raw = load_json("summary-operational.json")
    upcoming = load_json("summary-maintenance.json")["scheduled_maintenances"][1]
    assert upcoming["status"] == "scheduled"
    raw["scheduled_maintenances"] = [upcoming]
    view = StatusView(SOURCE, build_snapshot(None, summary_of(raw), None, None, NOW), readable=True)
    assert [m.id for m in view.maintenances] == ["ezl7k4b83dp0"]
    assert view.active_maintenances == ()
    assert view.verdict is Verdict.OPERATIONAL


def test_maintenance_in_progress_is_active_and_the_scheduled_one_is_listed() -> None:
    view = view_of("summary-maintenance.json")
    assert [m.id for m in view.active_maintenances] == ["wc5sjyh67tyx"]
    assert [m.id for m in view.maintenances] == ["wc5sjyh67tyx", "ezl7k4b83dp0"]
    assert not view.has_known_problem  # under_maintenance is not a problem status
    assert [c.id for c in view.components if c.status == "under_maintenance"] == [PLATFORM]


def test_component_groups_are_not_listed_as_components() -> None:
    view = view_of("summary-other-page-groups.json")
    assert [c.name for c in view.components] == [
        "API - US",
        "API - EU",
        "Dashboard",
        "Legacy Webhooks",
    ]
    assert [c.name for c in view.problem_components] == ["API - EU"]


def test_checked_at_is_the_time_of_the_last_good_read() -> None:
    assert view_of("summary-operational.json").checked_at == NOW

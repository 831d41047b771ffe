"""bot.statuspage.models: every real-shaped document parses, every wrong shape is refused."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import pytest
from pydantic import TypeAdapter, ValidationError

from bot.statuspage.models import (
    Component,
    Incident,
    IncidentList,
    MaintenanceList,
    Page,
    Status,
    Summary,
)
from tests.unit.helpers import FIXTURES, SCENARIOS, load_json

SUMMARIES = sorted(p.name for p in FIXTURES.glob("summary-*.json"))
BAD_BUT_PARSEABLE = (
    "bad/summary-extra-and-missing-fields.json",
    "bad/summary-unknown-enums.json",
    "bad/summary-hostile.json",
    "bad/summary-huge-body.json",
)
WRONG_SHAPES = sorted(f"bad/{p.name}" for p in (FIXTURES / "bad").glob("wrong-shape-*.json"))
NOT_JSON = ("bad/empty.body", "bad/whitespace.body", "bad/truncated-summary.body")
NOT_JSON += ("bad/not-json-status-page.html", "bad/http-503-cloudfront.html")


def test_the_fixture_set_is_the_one_these_tests_expect() -> None:
    assert SUMMARIES == [
        "summary-critical.json",
        "summary-maintenance.json",
        "summary-major-outage.json",
        "summary-minor-incident.json",
        "summary-operational.json",
        "summary-other-page-groups.json",
    ]
    assert [w.removeprefix("bad/") for w in WRONG_SHAPES] == [
        "wrong-shape-array.json",
        "wrong-shape-error.json",
        "wrong-shape-status-doc.json",
        "wrong-shape-types.json",
    ]


@pytest.mark.parametrize("name", [*SUMMARIES, "endpoints/api/v2/summary.json", *BAD_BUT_PARSEABLE])
def test_every_fixture_summary_parses_with_all_its_components_and_incidents(name: str) -> None:
    raw = load_json(name)
    parsed = Summary.model_validate(raw)
    assert [c.id for c in parsed.components] == [c["id"] for c in raw["components"]]
    assert [i.id for i in parsed.incidents] == [i["id"] for i in raw["incidents"]]
    assert len(parsed.scheduled_maintenances) == len(raw.get("scheduled_maintenances", []))
    assert parsed.status.indicator == raw["status"]["indicator"]
    assert parsed.page.updated_at.tzinfo is not None


@pytest.mark.parametrize(
    "name",
    [
        "incidents.json",
        "endpoints/api/v2/incidents.json",
        "endpoints/api/v2/incidents/unresolved.json",
    ],
)
def test_every_incident_list_parses(name: str) -> None:
    raw = load_json(name)
    parsed = IncidentList.model_validate(raw)
    assert [i.id for i in parsed.incidents] == [i["id"] for i in raw["incidents"]]


@pytest.mark.parametrize(
    "name",
    [
        "endpoints/api/v2/scheduled-maintenances.json",
        "endpoints/api/v2/scheduled-maintenances/upcoming.json",
        "endpoints/api/v2/scheduled-maintenances/active.json",
    ],
)
def test_every_maintenance_list_parses(name: str) -> None:
    raw = load_json(name)
    parsed = MaintenanceList.model_validate(raw)
    assert [m.id for m in parsed.scheduled_maintenances] == [
        m["id"] for m in raw["scheduled_maintenances"]
    ]
    assert all(m.scheduled_for is not None for m in parsed.scheduled_maintenances)


def test_the_status_and_components_endpoints_parse_into_their_parts() -> None:
    status = load_json("endpoints/api/v2/status.json")
    assert Page.model_validate(status["page"]).id == "tymt9n04zgry"
    assert Status.model_validate(status["status"]).indicator == "maintenance"
    components = TypeAdapter(tuple[Component, ...]).validate_python(
        load_json("endpoints/api/v2/components.json")["components"]
    )
    assert len(components) == 6
    assert {c.status for c in components} == {"operational", "under_maintenance"}


def test_every_scenario_step_document_parses() -> None:
    steps = sorted(SCENARIOS.glob("*/*.json"))
    assert len(steps) == 21
    for path in steps:
        step = load_json(str(path.relative_to(FIXTURES)))
        Summary.model_validate(step["summary"])
        if "incidents" in step:
            IncidentList.model_validate(step["incidents"])
        if "scheduled_maintenances" in step:
            MaintenanceList.model_validate(step["scheduled_maintenances"])


@pytest.mark.parametrize("name", WRONG_SHAPES)
def test_a_wrong_shaped_document_fails_validation(name: str) -> None:
    with pytest.raises(ValidationError):
        Summary.model_validate(load_json(name))


@pytest.mark.parametrize("name", NOT_JSON)
def test_a_body_that_is_not_a_json_summary_fails_validation(name: str) -> None:
    with pytest.raises(ValidationError):
        Summary.model_validate_json((FIXTURES / name).read_bytes())


def test_a_status_document_is_not_a_summary_with_no_incidents() -> None:
    """Missing lists are not empty lists: "everything is fine" is never read from absence."""
    with pytest.raises(ValidationError) as caught:
        Summary.model_validate(load_json("bad/wrong-shape-status-doc.json"))
    missing = {e["loc"][0] for e in caught.value.errors() if e["type"] == "missing"}
    assert missing == {"components", "incidents"}


@pytest.mark.parametrize("key", ["components", "incidents"])
def test_a_summary_missing_one_required_list_fails(key: str) -> None:
    raw = load_json("summary-minor-incident.json")
    del raw[key]
    with pytest.raises(ValidationError):
        Summary.model_validate(raw)


@pytest.mark.parametrize("key", ["components", "incidents"])
def test_a_summary_with_a_null_required_list_fails(key: str) -> None:
    raw = load_json("summary-minor-incident.json")
    raw[key] = None
    with pytest.raises(ValidationError):
        Summary.model_validate(raw)


def test_an_incident_list_without_incidents_fails() -> None:
    raw = load_json("incidents.json")
    del raw["incidents"]
    with pytest.raises(ValidationError):
        IncidentList.model_validate(raw)


def test_missing_optional_fields_take_their_defaults_and_extra_fields_are_ignored() -> None:
    parsed = Summary.model_validate(load_json("bad/summary-extra-and-missing-fields.json"))
    assert parsed.page.time_zone is None
    assert parsed.scheduled_maintenances == ()
    no_updates, haiku = parsed.incidents
    assert no_updates.incident_updates == ()
    assert no_updates.components == ()  # "components": null
    assert no_updates.latest_update is None
    assert haiku.shortlink is None
    assert haiku.started_at is None
    assert haiku.began_at == haiku.created_at
    update = haiku.incident_updates[0]
    assert update.display_at is None
    assert update.shown_at == update.created_at
    assert update.affected_components is None
    assert not hasattr(parsed, "schema_version")
    assert "branding" not in parsed.page.model_dump()


def test_offsets_like_minus_eight_hours_parse_as_the_same_instant_in_utc() -> None:
    parsed = Summary.model_validate(load_json("summary-other-page-groups.json"))
    # "2026-11-20T09:31:40.122-08:00"
    assert parsed.page.updated_at == datetime(2026, 11, 20, 17, 31, 40, 122000, tzinfo=UTC)


def test_timestamps_with_different_offsets_compare_as_instants_not_as_strings() -> None:
    raw = load_json("summary-minor-incident.json")
    incident = raw["incidents"][0]
    first, second = sorted(incident["incident_updates"], key=lambda u: u["created_at"])
    # 08:00-08:00 is 16:00Z: later than 15:30Z, though "08" sorts before "15" as text.
    first["created_at"] = "2026-11-12T15:30:00.000Z"
    second["created_at"] = "2026-11-12T08:00:00.000-08:00"
    parsed = Incident.model_validate(incident)
    assert parsed.latest_update is not None
    assert parsed.latest_update.id == second["id"]
    assert [u.id for u in parsed.updates_oldest_first()] == [first["id"], second["id"]]


def test_timestamps_without_milliseconds_parse() -> None:
    parsed = Summary.model_validate(load_json("bad/summary-extra-and-missing-fields.json"))
    claude_ai = parsed.components[0]
    # "2026-11-13T02:03:19-08:00"
    assert claude_ai.updated_at == datetime(2026, 11, 13, 10, 3, 19, tzinfo=UTC)


def test_a_timestamp_without_an_offset_is_read_as_utc_so_it_compares_with_the_others() -> None:
    raw = load_json("summary-operational.json")
    raw["page"]["updated_at"] = "2026-11-11T10:20:02"
    parsed = Summary.model_validate(raw)
    assert parsed.page.updated_at == datetime(2026, 11, 11, 10, 20, 2, tzinfo=UTC)
    assert parsed.page.updated_at < datetime(2026, 11, 11, 10, 20, 3, tzinfo=UTC)


def test_a_nested_timestamp_without_an_offset_is_read_as_utc_too() -> None:
    raw = load_json("summary-minor-incident.json")["incidents"][0]
    raw["started_at"] = "2026-11-12T15:00:00"
    raw["incident_updates"][0]["created_at"] = "2026-11-12T15:19:52"
    incident = Incident.model_validate(raw)
    assert incident.began_at == datetime(2026, 11, 12, 15, 0, tzinfo=UTC)
    assert incident.incident_updates[0].created_at.tzinfo is not None
    assert incident.latest_update is not None
    assert incident.latest_update.id == raw["incident_updates"][0]["id"]


def test_unknown_enum_values_stay_visible_as_they_came() -> None:
    parsed = Summary.model_validate(load_json("bad/summary-unknown-enums.json"))
    assert parsed.status.indicator == "elevated"
    code = next(c for c in parsed.components if c.name == "Claude Code")
    assert code.status == "degraded_capacity"
    assert not code.is_known_status
    assert not code.is_operational
    incident = parsed.incidents[0]
    assert (incident.status, incident.impact) == ("triaging", "severe")


def test_an_unknown_incident_status_counts_as_open() -> None:
    parsed = Summary.model_validate(load_json("bad/summary-unknown-enums.json"))
    assert parsed.incidents[0].is_open


@pytest.mark.parametrize(
    ("status", "is_open"),
    [
        ("investigating", True),
        ("identified", True),
        ("monitoring", True),
        ("triaging", True),
        ("resolved", False),
        ("postmortem", False),
        ("completed", False),
        ("scheduled", True),
        ("in_progress", True),
        ("verifying", True),
    ],
)
def test_incident_open_or_closed_by_status(status: str, is_open: bool) -> None:
    raw = load_json("summary-minor-incident.json")["incidents"][0]
    raw["status"] = status
    assert Incident.model_validate(raw).is_open is is_open


def test_latest_update_is_the_newest_whatever_the_order_in_the_feed() -> None:
    raw = load_json("summary-major-outage.json")["incidents"][0]
    newest_first = Incident.model_validate(raw)
    raw["incident_updates"].reverse()
    oldest_first = Incident.model_validate(raw)
    for incident in (newest_first, oldest_first):
        assert incident.latest_update is not None
        assert incident.latest_update.id == "nbs6zozerdcc"
        assert [u.id for u in incident.updates_oldest_first()] == ["hwk0tu0aavry", "nbs6zozerdcc"]


def test_a_null_update_body_is_empty_text() -> None:
    raw = load_json("summary-minor-incident.json")["incidents"][0]
    raw["incident_updates"][0]["body"] = None
    assert Incident.model_validate(raw).incident_updates[0].body == ""


def test_component_groups_are_marked_and_left_out_of_incident_component_names() -> None:
    raw = load_json("summary-other-page-groups.json")
    parsed = Summary.model_validate(raw)
    groups = [c for c in parsed.components if c.group]
    assert [(g.id, g.name) for g in groups] == [("b7kz1m4q9r2s", "API")]
    children = [c.id for c in parsed.components if c.group_id == "b7kz1m4q9r2s"]
    assert children == ["c1vd8n3x5t0p", "h2fw6j9y4u7e"]
    hidden = [c.name for c in parsed.components if c.only_show_if_degraded]
    assert hidden == ["Legacy Webhooks"]
    incident_raw = copy.deepcopy(raw["incidents"][0])
    incident_raw["components"].append(next(c for c in raw["components"] if c.get("group")))
    incident = Incident.model_validate(incident_raw)
    assert incident.component_names == ("API - EU",)


def test_the_huge_body_parses_whole() -> None:
    parsed = Summary.model_validate(load_json("bad/summary-huge-body.json"))
    latest = parsed.incidents[0].latest_update
    assert latest is not None
    assert len(latest.body) > 100_000


def test_parsed_objects_are_immutable() -> None:
    parsed = Summary.model_validate(load_json("summary-operational.json"))
    with pytest.raises(ValidationError):
        parsed.components[0].status = "major_outage"  # type: ignore[misc]

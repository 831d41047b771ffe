"""bot.ask.status: the status answer, the contract's ``status --json`` document."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.ask.advisor import advise
from bot.ask.status import status_answer, status_document
from bot.ask.symptoms import parse_symptom
from bot.detect.view import StatusView
from tests.unit.helpers import (
    CLAUDE_AI,
    CLAUDE_API,
    CLAUDE_CODE,
    COWORK,
    NOW,
    SOURCE,
    load_json,
    view_of,
)

ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
TOP_KEYS = {
    "verdict",
    "indicator",
    "description",
    "checked_at",
    "source",
    "components",
    "incidents",
    "maintenances",
    "advice",
}
INCIDENT_KEYS = {
    "id",
    "name",
    "status",
    "impact",
    "started_at",
    "url",
    "latest_update",
    "components",
}
MAINTENANCE_KEYS = {"id", "name", "status", "scheduled_for", "scheduled_until"}
ADVICE_KEYS = {"kind", "code", "since_minutes", "team_reports", "summary", "steps", "avoid"}
FIXTURES = [
    "summary-operational.json",
    "summary-minor-incident.json",
    "summary-major-outage.json",
    "summary-critical.json",
    "summary-maintenance.json",
    "summary-other-page-groups.json",
    "endpoints/api/v2/summary.json",
    "bad/summary-unknown-enums.json",
    "bad/summary-extra-and-missing-fields.json",
    "bad/summary-hostile.json",
    "bad/summary-huge-body.json",
]


def document(view: StatusView, code: str | None = "503", minutes: int | None = 4) -> dict[str, Any]:
    advice = advise(view, parse_symptom(code) if code else None, minutes, 0, NOW)
    doc = status_document(status_answer(view, advice, NOW), view)
    assert json.loads(json.dumps(doc)) == doc  # plain JSON, as printed
    return doc


def _is_iso_z(value: object) -> bool:
    return isinstance(value, str) and bool(ISO_Z.match(value))


def assert_contract_shape(doc: dict[str, Any]) -> None:
    assert set(doc) == TOP_KEYS
    assert doc["verdict"] in {"operational", "degraded", "outage", "unknown"}
    assert doc["indicator"] is None or isinstance(doc["indicator"], str)
    assert isinstance(doc["description"], str)
    assert doc["checked_at"] is None or _is_iso_z(doc["checked_at"])
    assert doc["source"] == SOURCE
    for component in doc["components"]:
        assert set(component) == {"id", "name", "status"}
        assert all(isinstance(v, str) for v in component.values())
    for incident in doc["incidents"]:
        assert set(incident) == INCIDENT_KEYS
        assert all(isinstance(incident[k], str) for k in ("id", "name", "status", "impact"))
        assert _is_iso_z(incident["started_at"])
        assert incident["url"] is None or isinstance(incident["url"], str)
        assert incident["latest_update"] is None or isinstance(incident["latest_update"], str)
        assert all(isinstance(c, str) for c in incident["components"])
    for m in doc["maintenances"]:
        assert set(m) == MAINTENANCE_KEYS
        assert all(isinstance(m[k], str) for k in ("id", "name", "status"))
        assert m["scheduled_for"] is None or _is_iso_z(m["scheduled_for"])
        assert m["scheduled_until"] is None or _is_iso_z(m["scheduled_until"])
    advice = doc["advice"]
    assert set(advice) == ADVICE_KEYS
    assert isinstance(advice["kind"], str)
    assert advice["code"] is None or isinstance(advice["code"], str)
    assert advice["since_minutes"] is None or isinstance(advice["since_minutes"], int)
    assert isinstance(advice["team_reports"], int)
    assert isinstance(advice["summary"], str)
    assert all(isinstance(s, str) for s in advice["steps"])
    assert all(isinstance(s, str) for s in advice["avoid"])


@pytest.mark.parametrize("fixture", FIXTURES)
def test_the_status_document_has_exactly_the_contract_keys_and_types(fixture: str) -> None:
    doc = document(view_of(fixture))
    assert_contract_shape(doc)
    raw = load_json(fixture)
    assert doc["indicator"] == raw["status"]["indicator"]
    assert doc["description"] == raw["status"]["description"]
    assert doc["checked_at"] == "2026-11-24T18:30:00Z"
    assert [c["id"] for c in doc["components"]] == [
        c["id"] for c in raw["components"] if not c.get("group")
    ]
    assert [i["id"] for i in doc["incidents"]] == [i["id"] for i in raw["incidents"]]


def test_the_document_for_a_minor_incident_in_full() -> None:
    doc = document(view_of("summary-minor-incident.json"), "529", 12)
    assert doc["verdict"] == "degraded"
    assert doc["incidents"] == [
        {
            "id": "twtqgbh8rf3j",
            "name": "Elevated errors on Claude Opus 4.6",
            "status": "identified",
            "impact": "minor",
            "started_at": "2026-11-12T15:04:11.476000Z",
            "url": "https://stspg.io/716u79o8qnw9",
            "latest_update": doc["incidents"][0]["latest_update"],
            "components": ["Claude API (api.anthropic.com)"],
        }
    ]
    raw = load_json("summary-minor-incident.json")["incidents"][0]["incident_updates"]
    newest = max(raw, key=lambda u: u["created_at"])
    assert doc["incidents"][0]["latest_update"] == newest["body"]
    assert {
        "id": CLAUDE_API,
        "name": "Claude API (api.anthropic.com)",
        "status": "degraded_performance",
    } in doc["components"]
    assert doc["maintenances"] == []
    assert doc["advice"]["kind"] == "known-incident"
    assert (doc["advice"]["code"], doc["advice"]["since_minutes"]) == ("529", 12)


def test_the_document_lists_maintenances_with_utc_times() -> None:
    doc = document(view_of("summary-maintenance.json"), None, None)
    assert doc["maintenances"] == [
        {
            "id": "wc5sjyh67tyx",
            "name": "Scheduled maintenance for platform.claude.com",
            "status": "in_progress",
            "scheduled_for": "2026-11-17T17:00:00Z",
            "scheduled_until": "2026-11-17T19:00:00Z",
        },
        {
            "id": "ezl7k4b83dp0",
            "name": "Scheduled maintenance for Claude for Government",
            "status": "scheduled",
            "scheduled_for": "2026-11-24T15:00:00Z",
            "scheduled_until": "2026-11-24T16:00:00Z",
        },
    ]
    assert doc["advice"]["kind"] == "maintenance"


def test_offset_timestamps_are_written_in_utc_with_z() -> None:
    doc = document(view_of("summary-other-page-groups.json"))
    # "2026-11-20T09:31:39.996-08:00"
    assert doc["incidents"][0]["started_at"] == "2026-11-20T17:31:39.996000Z"
    assert [c["name"] for c in doc["components"]] == [
        "API - US",
        "API - EU",
        "Dashboard",
        "Legacy Webhooks",
    ]


def test_an_unreadable_feed_has_a_null_indicator_and_unknown_verdict() -> None:
    fetched = NOW - timedelta(minutes=12)
    doc = document(view_of("summary-minor-incident.json", readable=False, fetched_at=fetched))
    assert_contract_shape(doc)
    assert doc["verdict"] == "unknown"
    assert doc["indicator"] is None
    assert doc["checked_at"] == "2026-11-24T18:18:00Z"  # the last good read
    assert doc["advice"]["kind"] == "feed-unknown"
    assert "12 min ago" in doc["advice"]["summary"]


def test_a_feed_never_read_gives_nulls_and_empty_lists() -> None:
    doc = document(view_of(None, readable=False))
    assert_contract_shape(doc)
    assert (doc["verdict"], doc["indicator"], doc["checked_at"]) == ("unknown", None, None)
    assert (doc["components"], doc["incidents"], doc["maintenances"]) == ([], [], [])
    assert doc["advice"]["kind"] == "feed-unknown"


def test_an_incident_with_no_updates_has_a_null_latest_update() -> None:
    doc = document(view_of("bad/summary-extra-and-missing-fields.json"))
    no_updates = next(i for i in doc["incidents"] if i["id"] == "qe6nqe0tcyy4")
    assert no_updates["latest_update"] is None
    assert no_updates["components"] == []
    no_link = next(i for i in doc["incidents"] if i["id"] == "w24cwm6ynuj3")
    assert no_link["url"] is None


def test_the_status_answer_carries_the_view_and_the_advice() -> None:
    view = view_of("summary-major-outage.json")
    advice = advise(view, None, None, 0, NOW)
    answer = status_answer(view, advice, NOW)
    assert answer.verdict.value == "outage"
    assert answer.advice is advice
    assert answer.now == NOW
    assert [c.id for c in answer.affected_components] == [
        CLAUDE_AI,
        CLAUDE_API,
        CLAUDE_CODE,
        COWORK,
    ]
    [incident] = answer.incidents
    assert incident.latest_update_at == datetime(2026, 11, 14, 18, 24, 40, 338000, tzinfo=UTC)

"""The status answer and the contract's status JSON, built from the view. Pure."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.ask.advisor import Advice
from bot.ask.answers import ComponentLine, IncidentLine, MaintenanceLine, StatusAnswer
from bot.ask.community import community_json, community_lines
from bot.detect.view import StatusView
from bot.statuspage.models import Incident


def status_answer(view: StatusView, advice: Advice, now: datetime) -> StatusAnswer:
    return StatusAnswer(
        verdict=view.verdict,
        description=_description(view),
        checked_at=view.checked_at,
        now=now,
        source=view.source,
        incidents=tuple(_incident_line(i) for i in view.open_incidents),
        components=tuple(ComponentLine(c.id, c.name, c.status) for c in view.components),
        maintenances=tuple(
            MaintenanceLine(m.id, m.name, m.status, m.scheduled_for, m.scheduled_until, m.shortlink)
            for m in view.maintenances
        ),
        advice=advice,
        community=community_lines(view.community),
    )


def _description(view: StatusView) -> str:
    """The page's own words; when it cannot be read, say so first (the last words are old)."""
    if view.snapshot is None:
        return "Status page unreadable, never read yet"
    if not view.readable:
        return f"Status page unreadable (last known: {view.snapshot.status.description})"
    return view.snapshot.status.description


def status_document(answer: StatusAnswer, view: StatusView) -> dict[str, Any]:
    """The contract's ``status --json`` object (also ``GET /api/status``)."""
    readable = view.readable and view.snapshot is not None
    document: dict[str, Any] = {
        "verdict": answer.verdict.value,
        "indicator": view.snapshot.status.indicator if readable and view.snapshot else None,
        "description": answer.description,
        "checked_at": _iso(answer.checked_at),
        "source": answer.source,
        "components": [{"id": c.id, "name": c.name, "status": c.status} for c in answer.components],
        "incidents": [
            {
                "id": i.id,
                "name": i.name,
                "status": i.status,
                "impact": i.impact,
                "started_at": _iso(i.started_at),
                "url": i.url,
                "latest_update": i.latest_update,
                "components": list(i.components),
            }
            for i in answer.incidents
        ],
        "maintenances": [
            {
                "id": m.id,
                "name": m.name,
                "status": m.status,
                "scheduled_for": _iso(m.scheduled_for),
                "scheduled_until": _iso(m.scheduled_until),
            }
            for m in answer.maintenances
        ],
        "advice": answer.advice.to_json(),
    }
    if view.client_reports is not None:  # the bot takes clients' reports (REPORT_TOKEN)
        document["reports"] = view.client_reports.to_json()
    if view.community:  # the bot watches community sources (COMMUNITY)
        document["community"] = community_json(view.community)
    return document


def _incident_line(incident: Incident) -> IncidentLine:
    latest = incident.latest_update
    return IncidentLine(
        id=incident.id,
        name=incident.name,
        status=incident.status,
        impact=incident.impact,
        started_at=incident.began_at,
        url=incident.shortlink,
        latest_update=latest.body if latest else None,
        latest_update_at=latest.shown_at if latest else None,
        components=incident.component_names,
    )


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")

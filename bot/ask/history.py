"""The ``history`` answer: the last week's incidents, a bar per component, and the early
warnings of the week. Pure: handed the view and ``now``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from bot.ask.answers import ComponentBar, HistoryAnswer, PastIncident, PastWarning
from bot.detect.events import EarlyWarning
from bot.detect.view import StatusView
from bot.statuspage.models import Incident

HISTORY_DAYS = 7
IMPACT_RANK = {"none": 0, "maintenance": 1, "minor": 2, "major": 3, "critical": 4}


def history_answer(
    view: StatusView, now: datetime, warnings: Sequence[EarlyWarning] = ()
) -> HistoryAnswer:
    today = now.astimezone(UTC).date()
    days = tuple(today - timedelta(days=n) for n in range(HISTORY_DAYS - 1, -1, -1))
    since = datetime.combine(days[0], datetime.min.time(), tzinfo=UTC)
    seen: dict[str, Incident] = {}
    if view.snapshot:
        for incident in (*view.snapshot.recent_incidents, *view.snapshot.incidents):
            seen[incident.id] = incident  # the live copy (later) wins
    recent = sorted(
        # Every incident that overlaps the window, also one that began before it.
        (i for i in seen.values() if _ended(i, now) >= since),
        key=lambda i: i.began_at,
        reverse=True,
    )
    bars = tuple(
        ComponentBar(c.name, tuple(_worst_on(day, c.id, recent, now) for day in days))
        for c in view.components
    )
    return HistoryAnswer(
        days=days,
        incidents=tuple(
            PastIncident(
                i.id,
                i.name,
                i.impact,
                i.began_at,
                _ended(i, now) if not i.is_open else None,
                i.shortlink,
            )
            for i in recent
        ),
        bars=bars,
        source=view.source,
        warnings=tuple(
            PastWarning(w.opened_at, w.closed_at, _name_of(w.confirmed_by, seen), w.lead_minutes)
            for w in sorted(warnings, key=lambda w: w.opened_at, reverse=True)
            if w.opened_at >= since
        ),
    )


def _name_of(incident_id: str | None, known: dict[str, Incident]) -> str | None:
    if incident_id is None:
        return None
    incident = known.get(incident_id)
    return incident.name if incident else incident_id


def _worst_on(day: date, component_id: str, incidents: list[Incident], now: datetime) -> str:
    start = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
    end = start + timedelta(days=1)
    worst = "none"
    for incident in incidents:
        touched = {c.id for c in incident.components}
        for update in incident.incident_updates:
            touched.update(a.code for a in update.affected_components or ())
        if component_id not in touched:
            continue
        began = incident.began_at
        ended = _ended(incident, now)
        if (
            began < end
            and ended >= start
            and IMPACT_RANK.get(incident.impact, 2) > IMPACT_RANK[worst]
        ):
            worst = incident.impact if incident.impact in IMPACT_RANK else "minor"
    return worst


def _ended(incident: Incident, now: datetime) -> datetime:
    """When an incident stopped counting: ``now`` while open; when closed, its resolution,
    else its last update (a closed incident without ``resolved_at`` is not still going)."""
    if incident.is_open:
        return now
    if incident.resolved_at:
        return incident.resolved_at
    latest = incident.latest_update
    return latest.created_at if latest else incident.updated_at or incident.began_at

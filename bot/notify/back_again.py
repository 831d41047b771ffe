""" "It's back": a new incident or a degradation on components whose last incident was resolved
within the hour. Pure.

Real incidents get resolved and then come back on the same components; a second notice that
looks like a new story misleads. ``earlier_for`` finds the incident it follows: resolved at
most ``BACK_WINDOW`` before, sharing a component; the notice then says "back N minutes after …
was resolved" and links the earlier notice. Components the earlier incident never touched get
no such line.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Final

from bot.detect.events import ComponentChanged, Event, IncidentStarted
from bot.notify.notices import Earlier
from bot.statuspage.models import Incident

BACK_WINDOW: Final = timedelta(hours=1)
_WORSE: Final = {
    "operational": 0,
    "degraded_performance": 1,
    "partial_outage": 2,
    "major_outage": 3,
}


def earlier_for(event: Event, recent: Iterable[Incident]) -> Earlier | None:
    """The resolved incident ``event`` comes back from, if any (the latest resolved)."""
    match event:
        case IncidentStarted(incident=incident):
            return _latest_resolved(incident.component_ids, incident.began_at, recent, incident.id)
        case ComponentChanged(component=component, old_status=old):
            worse = _WORSE.get(component.status, -1) > _WORSE.get(old, 99)
            if not worse or component.updated_at is None:
                return None
            return _latest_resolved(frozenset({component.id}), component.updated_at, recent, None)
        case _:
            return None


def _latest_resolved(
    components: frozenset[str], at: datetime, recent: Iterable[Incident], skip_id: str | None
) -> Earlier | None:
    best: Incident | None = None
    for incident in recent:
        ended = incident.resolved_at
        if incident.id == skip_id or incident.is_open or ended is None:
            continue
        if not timedelta(0) <= at - ended <= BACK_WINDOW:
            continue
        if not components & incident.component_ids:
            continue
        if best is None or (best.resolved_at is not None and ended > best.resolved_at):
            best = incident
    if best is None or best.resolved_at is None:
        return None
    return Earlier(
        title=best.name,
        minutes=round((at - best.resolved_at).total_seconds() / 60),
        thread_key=f"incident:{best.id}",
        url=best.shortlink,
    )

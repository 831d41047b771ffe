"""The ``test`` chat word's sample alert: a real-looking start notice, then a few seconds
later its resolution in the thread and the edit of the start notice, all marked as a test.
Pure: handed the incident and ``now``.

The sample is made of events about a copy of the incident that starts ``now`` and resolves
``RESOLVE_AFTER`` later; ``compose`` turns them into notices as it does any incident's, told
they are a test. Its id is the run's own, so its thread never meets a real incident's.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from bot.detect.events import IncidentResolved, IncidentStarted
from bot.notify.compose import plan
from bot.notify.notices import Planned
from bot.statuspage.models import Incident, IncidentUpdate

RESOLVE_AFTER: Final = timedelta(seconds=5)
RESOLUTION: Final = "This incident has been resolved. (A test: nothing is wrong.)"


def test_alert(incident: Incident, run_id: str, now: datetime) -> list[tuple[Planned, datetime]]:
    """(what to post, not before when), in delivery order."""
    first = incident.updates_oldest_first()[0] if incident.incident_updates else None
    opening = first.model_copy(update={"created_at": now, "display_at": now}) if first else None
    started = incident.model_copy(
        update={
            "id": f"test-{run_id}",
            "created_at": now,
            "started_at": now,
            "resolved_at": None,
            "incident_updates": (opening,) if opening else (),
        }
    )
    later = now + RESOLVE_AFTER
    resolution = IncidentUpdate(
        id=f"test-{run_id}-resolved", status="resolved", body=RESOLUTION, created_at=later
    )
    resolved = started.model_copy(
        update={
            "status": "resolved",
            "resolved_at": later,
            "incident_updates": (resolution, *started.incident_updates),
        }
    )
    source = ""  # unused: an incident's notices link to the incident
    opened = plan(IncidentStarted(started, opening), source, is_test=True)
    closed = plan(IncidentResolved(resolved, resolution), source, is_test=True)
    return [(p, now) for p in opened] + [(p, later) for p in closed]

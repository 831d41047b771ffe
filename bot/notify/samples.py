"""The ``test`` chat word's sample alert: a real-looking start notice, then a few seconds
later its resolution in the thread and the edit of the start notice, all marked as a test.
Pure: handed the incident and ``now``."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Final

from bot.notify.compose import incident_root
from bot.notify.notices import Action, NoticeKind, Planned, Severity
from bot.statuspage.models import Incident

RESOLVE_AFTER: Final = timedelta(seconds=5)


def test_alert(incident: Incident, run_id: str, now: datetime) -> list[tuple[Planned, datetime]]:
    """(what to post, not before when), in delivery order."""
    first = incident.updates_oldest_first()[0] if incident.incident_updates else None
    root = replace(
        incident_root(incident, first),
        is_test=True,
        thread_key=f"test:{run_id}",
        started_at=now,
        at=now,
    )
    later = now + RESOLVE_AFTER
    resolved = replace(
        root,
        kind=NoticeKind.INCIDENT_RESOLVED,
        severity=Severity.RESOLVED,
        status="resolved",
        text="This incident has been resolved. (A test: nothing is wrong.)",
        at=later,
        ended_at=later,
    )
    return [
        (Planned(Action.POST, root), now),
        (Planned(Action.BROADCAST, resolved), later),
        (Planned(Action.EDIT, root.closed(later, "resolved")), later),
    ]

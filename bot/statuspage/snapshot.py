"""What the bot knows about the page after a poll, and how a new one is built from the feed.

The snapshot is more than the last ``summary.json``: an open incident that left the summary is
carried until ``incidents.json`` shows how it ended (never resolved on a guess), and the recent
history from ``incidents.json`` is kept for ``history``. Pure: no IO, handed ``now``.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from bot.statuspage.models import (
    Component,
    Incident,
    IncidentList,
    MaintenanceList,
    Page,
    Status,
    Summary,
)


class Snapshot(BaseModel):
    """The last good state. Stored as JSON, so it survives a restart."""

    model_config = ConfigDict(frozen=True)

    page: Page
    status: Status
    components: tuple[Component, ...]
    incidents: tuple[Incident, ...]
    """Open incidents, and those that closed in the poll that built this snapshot."""
    maintenances: tuple[Incident, ...]
    """Scheduled and active maintenances, and those that completed in this poll."""
    recent_incidents: tuple[Incident, ...] = ()
    """The feed's recent history (``incidents.json``), newest first, for ``history``."""
    fetched_at: datetime

    @property
    def open_incidents(self) -> tuple[Incident, ...]:
        return tuple(i for i in self.incidents if i.is_open)

    @property
    def leaf_components(self) -> tuple[Component, ...]:
        return tuple(c for c in self.components if not c.group)

    def component_by_id(self, component_id: str) -> Component | None:
        return next((c for c in self.components if c.id == component_id), None)


def build_snapshot(
    previous: Snapshot | None,
    summary: Summary,
    incidents: IncidentList | None,
    maintenances: MaintenanceList | None,
    now: datetime,
) -> Snapshot:
    """The snapshot after a good read of ``summary`` (and, when fetched, the two histories)."""
    in_summary = {i.id for i in summary.incidents}
    history = {i.id: i for i in incidents.incidents} if incidents else {}
    kept = list(summary.incidents)
    if previous is not None:
        for old in previous.open_incidents:
            if old.id in in_summary:
                continue
            # Gone from the summary: believe incidents.json if it knows, else keep it open.
            kept.append(history.get(old.id, old))

    in_summary_m = {m.id for m in summary.scheduled_maintenances}
    maint_history = {m.id: m for m in maintenances.scheduled_maintenances} if maintenances else {}
    kept_m = list(summary.scheduled_maintenances)
    if previous is not None:
        for old_m in previous.maintenances:
            if old_m.id in in_summary_m or not old_m.is_open:
                continue
            kept_m.append(maint_history.get(old_m.id, old_m))

    if incidents is not None:
        recent = incidents.incidents
    elif previous is not None:
        recent = previous.recent_incidents
    else:
        recent = ()
    return Snapshot(
        page=summary.page,
        status=summary.status,
        components=summary.components,
        incidents=tuple(kept),
        maintenances=tuple(kept_m),
        recent_incidents=recent,
        fetched_at=now,
    )


def needs_history(previous: Snapshot | None, summary: Summary) -> tuple[bool, bool]:
    """Whether this poll must read ``incidents.json`` and ``scheduled-maintenances.json``:
    only when something we track as open has left the summary (or on the very first read,
    for ``history``)."""
    if previous is None:
        return True, False
    open_ids = {i.id for i in summary.incidents}
    open_m = {m.id for m in summary.scheduled_maintenances}
    lost_incident = any(i.id not in open_ids for i in previous.open_incidents)
    lost_maintenance = any(m.id not in open_m for m in previous.maintenances if m.is_open)
    return lost_incident, lost_maintenance

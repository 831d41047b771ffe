"""Change detection: ``detect(previous, current)`` turns two snapshots into events. Pure.

Rules that matter to users:
- on the first read (no previous snapshot) only what is active is announced: each open
  incident once with its latest update, each maintenance in progress; nothing from history;
- an incident missing from the feed is not resolved until the feed says so
  (``snapshot.build_snapshot`` carries it);
- updates are keyed by id, so an update edited in place is not announced again;
- an incident that reopens after being resolved continues its thread (``reopened``).
"""

from __future__ import annotations

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
from bot.statuspage.models import ACTIVE_MAINTENANCE_STATUSES, Incident, IncidentUpdate
from bot.statuspage.snapshot import Snapshot


def detect(previous: Snapshot | None, current: Snapshot) -> list[Event]:
    if previous is None:
        return _baseline(current)
    events: list[Event] = []
    events += _incident_events(previous, current)
    events += _maintenance_events(previous, current)
    events += _component_events(previous, current)
    return events


def _baseline(current: Snapshot) -> list[Event]:
    events: list[Event] = [IncidentStarted(i, i.latest_update) for i in current.open_incidents]
    events += [
        MaintenanceStarted(m)
        for m in current.maintenances
        if m.status in ACTIVE_MAINTENANCE_STATUSES
    ]
    return events


def _incident_events(previous: Snapshot, current: Snapshot) -> list[Event]:
    before = {i.id: i for i in previous.incidents}
    events: list[Event] = []
    for incident in sorted(current.incidents, key=lambda i: (i.began_at, i.id)):
        old = before.get(incident.id)
        if old is None:
            events += _new_incident(incident)
        elif old.is_open:
            events += _progress(old, incident)
        elif incident.is_open:
            # Closed in the previous snapshot and open again now.
            events += [
                IncidentUpdated(incident, u, reopened=(n == 0))
                for n, u in enumerate(_new_updates(old, incident))
            ]
    return events


def _new_incident(incident: Incident) -> list[Event]:
    if not incident.is_open:
        return []  # history that ended before we saw it is never posted
    reopened_after = _last_closing_update(incident)
    if reopened_after is None:
        return [IncidentStarted(incident, incident.latest_update)]
    # Open again after a resolution we may have announced before a restart: its start
    # notice already exists (same event id), so continue the thread with what came after.
    later = [u for u in incident.updates_oldest_first() if u.created_at > reopened_after.created_at]
    return [IncidentUpdated(incident, u, reopened=(n == 0)) for n, u in enumerate(later)]


def _progress(old: Incident, new: Incident) -> list[Event]:
    events: list[Event] = []
    fresh = _new_updates(old, new)
    closing = [u for u in fresh if u.status in ("resolved", "postmortem")]
    events += [IncidentUpdated(new, u) for u in fresh if u not in closing]
    if not new.is_open:
        events.append(IncidentResolved(new, closing[-1] if closing else new.latest_update))
    return events


def _new_updates(old: Incident, new: Incident) -> list[IncidentUpdate]:
    seen = {u.id for u in old.incident_updates}
    return [u for u in new.updates_oldest_first() if u.id not in seen]


def _last_closing_update(incident: Incident) -> IncidentUpdate | None:
    closing = [u for u in incident.updates_oldest_first() if u.status in ("resolved", "postmortem")]
    return closing[-1] if closing else None


def _maintenance_events(previous: Snapshot, current: Snapshot) -> list[Event]:
    before = {m.id: m for m in previous.maintenances}
    events: list[Event] = []
    for m in current.maintenances:
        old = before.get(m.id)
        old_status = old.status if old else None
        if m.status == "scheduled" and old is None:
            events.append(MaintenanceScheduled(m))
        elif (
            m.status in ACTIVE_MAINTENANCE_STATUSES
            and old_status not in ACTIVE_MAINTENANCE_STATUSES
        ):
            events.append(MaintenanceStarted(m))
        elif m.status == "completed" and old is not None and old.is_open:
            events.append(MaintenanceCompleted(m))
    return events


def _component_events(previous: Snapshot, current: Snapshot) -> list[Event]:
    before = {c.id: c for c in previous.leaf_components}
    return [
        ComponentChanged(c, before[c.id].status)
        for c in current.leaf_components
        if c.id in before and before[c.id].status != c.status
    ]

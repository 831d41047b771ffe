"""Domain events: what changed on the page, as frozen values.

Every event has an ``id`` made only from the feed's own ids (and our own feed-health record),
so detecting the same change again after a restart yields the same id, and the outbox's
unique key (event id, target) turns a repeat into a no-op.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.models import Component, Incident, IncidentUpdate


@dataclass(frozen=True)
class IncidentStarted:
    """A new open incident; ``update`` is its latest update when first seen."""

    incident: Incident
    update: IncidentUpdate | None

    @property
    def id(self) -> str:
        return f"incident:{self.incident.id}:started"


@dataclass(frozen=True)
class IncidentUpdated:
    """A new update on an open incident. ``reopened``: the incident had been resolved."""

    incident: Incident
    update: IncidentUpdate
    reopened: bool = False

    @property
    def id(self) -> str:
        return f"incident:{self.incident.id}:update:{self.update.id}"


@dataclass(frozen=True)
class IncidentResolved:
    incident: Incident
    update: IncidentUpdate | None

    @property
    def id(self) -> str:
        marker = self.update.id if self.update else "closed"
        return f"incident:{self.incident.id}:resolved:{marker}"


@dataclass(frozen=True)
class ComponentChanged:
    component: Component
    old_status: str

    @property
    def id(self) -> str:
        stamp = self.component.updated_at.isoformat() if self.component.updated_at else "?"
        return f"component:{self.component.id}:{self.component.status}:{stamp}"


@dataclass(frozen=True)
class MaintenanceScheduled:
    maintenance: Incident

    @property
    def id(self) -> str:
        return f"maintenance:{self.maintenance.id}:scheduled"


@dataclass(frozen=True)
class MaintenanceStarted:
    maintenance: Incident

    @property
    def id(self) -> str:
        return f"maintenance:{self.maintenance.id}:started"


@dataclass(frozen=True)
class MaintenanceCompleted:
    maintenance: Incident

    @property
    def id(self) -> str:
        return f"maintenance:{self.maintenance.id}:completed"


@dataclass(frozen=True)
class FeedLost:
    """The feed has failed ``failures`` polls in a row since ``since``."""

    since: datetime
    failures: int
    error: str

    @property
    def id(self) -> str:
        return f"feed:lost:{self.since.isoformat()}"


@dataclass(frozen=True)
class FeedRestored:
    since: datetime
    restored_at: datetime

    @property
    def id(self) -> str:
        return f"feed:restored:{self.since.isoformat()}"


Event = (
    IncidentStarted
    | IncidentUpdated
    | IncidentResolved
    | ComponentChanged
    | MaintenanceScheduled
    | MaintenanceStarted
    | MaintenanceCompleted
    | FeedLost
    | FeedRestored
)


def to_payload(event: Event) -> dict[str, object]:
    """A JSON-ready record of the event, for the events table (audit and history)."""
    payload: dict[str, object] = {"type": type(event).__name__}
    for name, value in vars(event).items():
        if isinstance(value, Incident | Component | IncidentUpdate):
            payload[name] = value.model_dump(mode="json")
        elif isinstance(value, datetime):
            payload[name] = value.isoformat()
        else:
            payload[name] = value
    return payload

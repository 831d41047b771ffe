"""Domain events: what changed on the page, as frozen values.

Every event has an ``id`` made only from the feed's own ids (and our own feed-health record),
so detecting the same change again after a restart yields the same id, and the outbox's
unique key (event id, target) turns a repeat into a no-op.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.statuspage.models import Component, Incident, IncidentUpdate


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


@dataclass(frozen=True)
class EarlyWarning:
    """A warning that something is wrong before the status page says so, for one scope
    (``probe``, or one team's reports)."""

    scope: str
    opened_at: datetime
    detail: str
    closed_at: datetime | None = None
    confirmed_by: str | None = None
    """The id of the incident that confirmed it."""
    lead_minutes: int | None = None
    """How many minutes before the incident was posted the warning was raised."""
    links: tuple[tuple[str, str], ...] = ()
    """(title, url) of the posts behind a community warning; the titles are untrusted."""

    @property
    def id(self) -> str:
        return f"{self.scope}:{self.opened_at.isoformat()}"

    def to_json(self) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "opened_at": self.opened_at.isoformat(),
            "detail": self.detail,
            "closed_at": self.closed_at.isoformat() if self.closed_at else None,
            "confirmed_by": self.confirmed_by,
            "lead_minutes": self.lead_minutes,
            "links": [list(link) for link in self.links],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EarlyWarning:
        closed = data.get("closed_at")
        return cls(
            scope=str(data["scope"]),
            opened_at=datetime.fromisoformat(data["opened_at"]),
            detail=str(data["detail"]),
            closed_at=datetime.fromisoformat(closed) if closed else None,
            confirmed_by=data.get("confirmed_by"),
            lead_minutes=data.get("lead_minutes"),
            links=tuple((str(t), str(u)) for t, u in data.get("links") or ()),
        )


@dataclass(frozen=True)
class WarningRaised:
    warning: EarlyWarning

    @property
    def id(self) -> str:
        return f"warning:{self.warning.id}:raised"


@dataclass(frozen=True)
class WarningCleared:
    warning: EarlyWarning

    @property
    def id(self) -> str:
        return f"warning:{self.warning.id}:cleared"


@dataclass(frozen=True)
class WarningConfirmed:
    warning: EarlyWarning
    incident: Incident

    @property
    def id(self) -> str:
        return f"warning:{self.warning.id}:confirmed"


WarningEvent = WarningRaised | WarningCleared | WarningConfirmed


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
    | WarningRaised
    | WarningCleared
    | WarningConfirmed
)


def to_payload(event: Event) -> dict[str, object]:
    """A JSON-ready record of the event, for the events table (audit and history)."""
    payload: dict[str, object] = {"type": type(event).__name__}
    for name, value in vars(event).items():
        if isinstance(value, Incident | Component | IncidentUpdate):
            payload[name] = value.model_dump(mode="json")
        elif isinstance(value, EarlyWarning):
            payload[name] = value.to_json()
        elif isinstance(value, datetime):
            payload[name] = value.isoformat()
        else:
            payload[name] = value
    return payload

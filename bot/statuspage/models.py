"""Typed Statuspage API v2 objects, parsed from JSON.

Unknown fields are ignored, optional ones may be missing, and enum-like fields stay plain
strings so a value Statuspage adds tomorrow is shown as unknown instead of failing the poll.
Lists that a document must carry (``components``, ``incidents``) are required: a document
without them is a bad answer, never "everything is fine".
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final

from pydantic import BaseModel, ConfigDict, Field, field_validator

OPEN_INCIDENT_STATUSES: Final = frozenset({"investigating", "identified", "monitoring"})
CLOSED_INCIDENT_STATUSES: Final = frozenset({"resolved", "postmortem", "completed"})
KNOWN_IMPACTS: Final = ("none", "minor", "major", "critical", "maintenance")
KNOWN_COMPONENT_STATUSES: Final = (
    "operational",
    "degraded_performance",
    "partial_outage",
    "major_outage",
    "under_maintenance",
)
ACTIVE_MAINTENANCE_STATUSES: Final = frozenset({"in_progress", "verifying"})


class FeedModel(BaseModel):
    """Base of every feed object: immutable, unknown keys ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    @field_validator("*", mode="after")
    @classmethod
    def _naive_time_is_utc(cls, value: object) -> object:
        # Statuspage always writes an offset; a timestamp without one (a proxy, a hand-made
        # page) is read as UTC instead of becoming a naive datetime that raises TypeError
        # when compared with every other timestamp.
        if isinstance(value, datetime) and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Page(FeedModel):
    id: str
    name: str
    url: str
    time_zone: str | None = None
    updated_at: datetime


class Status(FeedModel):
    indicator: str
    description: str


class Component(FeedModel):
    id: str
    name: str
    status: str
    position: int | None = None
    group: bool = False
    group_id: str | None = None
    only_show_if_degraded: bool = False
    updated_at: datetime | None = None

    @property
    def is_operational(self) -> bool:
        return self.status == "operational"

    @property
    def is_known_status(self) -> bool:
        return self.status in KNOWN_COMPONENT_STATUSES


class AffectedComponent(FeedModel):
    code: str
    name: str
    old_status: str | None = None
    new_status: str | None = None


class IncidentUpdate(FeedModel):
    id: str
    status: str
    body: str = ""
    created_at: datetime
    updated_at: datetime | None = None
    display_at: datetime | None = None
    affected_components: tuple[AffectedComponent, ...] | None = None

    @field_validator("body", mode="before")
    @classmethod
    def _none_body_is_empty(cls, value: object) -> object:
        return "" if value is None else value

    @property
    def shown_at(self) -> datetime:
        return self.display_at or self.created_at


class Incident(FeedModel):
    """An incident, or (with ``scheduled_for``) a scheduled maintenance: Statuspage gives both
    the same shape."""

    id: str
    name: str
    status: str
    impact: str = "none"
    shortlink: str | None = None
    created_at: datetime
    updated_at: datetime | None = None
    started_at: datetime | None = None
    resolved_at: datetime | None = None
    monitoring_at: datetime | None = None
    incident_updates: tuple[IncidentUpdate, ...] = ()
    components: tuple[Component, ...] = ()
    scheduled_for: datetime | None = None
    scheduled_until: datetime | None = None

    @field_validator("incident_updates", "components", mode="before")
    @classmethod
    def _null_list_is_empty(cls, value: object) -> object:
        return () if value is None else value

    @property
    def is_open(self) -> bool:
        """Open unless the feed says it is closed: an unknown status (``triaging``) is open."""
        return self.status not in CLOSED_INCIDENT_STATUSES

    @property
    def began_at(self) -> datetime:
        return self.started_at or self.created_at

    def updates_oldest_first(self) -> tuple[IncidentUpdate, ...]:
        return tuple(sorted(self.incident_updates, key=lambda u: (u.created_at, u.id)))

    @property
    def latest_update(self) -> IncidentUpdate | None:
        ordered = self.updates_oldest_first()
        return ordered[-1] if ordered else None

    @property
    def component_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.components if not c.group)

    @property
    def component_ids(self) -> frozenset[str]:
        """Every component the incident has touched (listed, or named by an update)."""
        ids = {c.id for c in self.components}
        for update in self.incident_updates:
            ids.update(a.code for a in update.affected_components or ())
        return frozenset(ids)


class Summary(FeedModel):
    """``/api/v2/summary.json``."""

    page: Page
    status: Status
    components: tuple[Component, ...]
    incidents: tuple[Incident, ...]
    scheduled_maintenances: tuple[Incident, ...] = Field(default=())


class IncidentList(FeedModel):
    """``/api/v2/incidents.json``: the most recent incidents, newest first."""

    page: Page
    incidents: tuple[Incident, ...]


class MaintenanceList(FeedModel):
    """``/api/v2/scheduled-maintenances.json``: recent maintenances in every state."""

    page: Page
    scheduled_maintenances: tuple[Incident, ...]

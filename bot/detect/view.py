"""The one in-memory picture of the page that answers read: replaced whole after each poll.

Commands and ``/api/status`` read only a ``StatusView``; nothing on the request path fetches.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.detect.client_reports import ClientReports
from bot.detect.community import CommunityReport
from bot.detect.events import EarlyWarning
from bot.statuspage.models import ACTIVE_MAINTENANCE_STATUSES, Component, Incident
from bot.statuspage.snapshot import Snapshot

OUTAGE_IMPACTS = frozenset({"major", "critical"})
OUTAGE_COMPONENT_STATUSES = frozenset({"major_outage"})
PROBLEM_COMPONENT_STATUSES = frozenset({"degraded_performance", "partial_outage", "major_outage"})


class Verdict(StrEnum):
    OPERATIONAL = "operational"
    DEGRADED = "degraded"
    OUTAGE = "outage"
    UNKNOWN = "unknown"

    @property
    def exit_code(self) -> int:
        return {"operational": 0, "degraded": 1, "outage": 2, "unknown": 3}[self.value]


@dataclass(frozen=True)
class StatusView:
    """``snapshot`` is the last good state (``None`` before the first good read); ``readable``
    is False once the feed is lost (or, for a one-shot check, when its one read failed)."""

    source: str
    snapshot: Snapshot | None
    readable: bool
    last_error: str | None = None
    consecutive_failures: int = 0
    early_warning: EarlyWarning | None = None
    """An open early warning that concerns whoever is asking (set per answer)."""
    api_unreachable: bool = False
    """The probe cannot reach the API either: with the page unreadable, it is our network."""
    client_reports: ClientReports | None = None
    """Developers' clients' reports of the last 10 minutes; None when the bot takes none."""
    community: tuple[CommunityReport, ...] = ()
    """One report per community source watched (none with ``COMMUNITY=off``)."""

    @property
    def checked_at(self) -> datetime | None:
        return self.snapshot.fetched_at if self.snapshot else None

    @property
    def open_incidents(self) -> tuple[Incident, ...]:
        return self.snapshot.open_incidents if self.snapshot else ()

    @property
    def components(self) -> tuple[Component, ...]:
        return self.snapshot.leaf_components if self.snapshot else ()

    @property
    def problem_components(self) -> tuple[Component, ...]:
        """Components whose status is a problem, unknown statuses included."""
        return tuple(
            c
            for c in self.components
            if c.status in PROBLEM_COMPONENT_STATUSES or not c.is_known_status
        )

    @property
    def maintenances(self) -> tuple[Incident, ...]:
        return tuple(m for m in self.snapshot.maintenances if m.is_open) if self.snapshot else ()

    @property
    def active_maintenances(self) -> tuple[Incident, ...]:
        return tuple(m for m in self.maintenances if m.status in ACTIVE_MAINTENANCE_STATUSES)

    @property
    def elevated_community(self) -> tuple[CommunityReport, ...]:
        return tuple(r for r in self.community if r.elevated)

    @property
    def has_known_problem(self) -> bool:
        """An incident is open or a component reports a problem."""
        return bool(self.open_incidents or self.problem_components)

    @property
    def verdict(self) -> Verdict:
        if not self.readable or self.snapshot is None:
            return Verdict.UNKNOWN
        indicator = self.snapshot.status.indicator
        if (
            indicator in OUTAGE_IMPACTS
            or any(i.impact in OUTAGE_IMPACTS for i in self.open_incidents)
            or any(c.status in OUTAGE_COMPONENT_STATUSES for c in self.components)
        ):
            return Verdict.OUTAGE
        if (
            indicator != "none"
            or self.has_known_problem
            or self.active_maintenances
            or any(c.status == "under_maintenance" for c in self.components)
        ):
            return Verdict.DEGRADED
        return Verdict.OPERATIONAL

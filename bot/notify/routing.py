"""Which subscribed channels get which notice. Pure.

Routing takes ``compose``'s output (each event with its notices) and never changes a notice:
the dependency runs one way, routing -> compose.

Chat channels get incidents, maintenance and feed notices (the contract's alert list); the
console gets everything, component changes and scheduled maintenance included. A channel
that watches only some components gets an incident when it touches one of them (or names
no component at all: then nobody can tell, and it is sent).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.detect.events import (
    Event,
    IncidentResolved,
    IncidentStarted,
    IncidentUpdated,
    MaintenanceCompleted,
    MaintenanceScheduled,
    MaintenanceStarted,
    WarningCleared,
    WarningConfirmed,
    WarningRaised,
)
from bot.detect.view import StatusView
from bot.notify.compose import Composed, notices_for
from bot.notify.deliveries import Delivery, Subscription
from bot.notify.notices import NoticeKind
from bot.notify.teams import Teams
from bot.statuspage.models import Incident

CONSOLE = "console"
CHAT_KINDS = frozenset(
    {
        NoticeKind.INCIDENT_STARTED,
        NoticeKind.INCIDENT_UPDATED,
        NoticeKind.INCIDENT_RESOLVED,
        NoticeKind.MAINTENANCE_STARTED,
        NoticeKind.MAINTENANCE_COMPLETED,
        NoticeKind.FEED_LOST,
        NoticeKind.FEED_RESTORED,
        NoticeKind.EARLY_WARNING,
        NoticeKind.EARLY_WARNING_CLEARED,
        NoticeKind.EARLY_WARNING_CONFIRMED,
    }
)
"""What chat channels get; the console (``watch``) gets everything."""


def deliveries(
    composed: Iterable[Composed],
    subscriptions: Sequence[Subscription],
    default_components: frozenset[str] = frozenset(),
    teams: Teams | None = None,
) -> list[Delivery]:
    """Each composed notice for each subscription that wants it. ``default_components`` (ids,
    from ``COMPONENTS``) stand in for a subscription that names none; ``teams`` knows the team
    of a channel whose target names none."""
    out: list[Delivery] = []
    for event, planned in ((c.event, c.planned) for c in composed):
        touched = _components_of(event)
        scope = _team_scope(event)
        for sub in subscriptions:
            if not _wants(sub, touched, default_components):
                continue
            if (
                scope is not None
                and sub.target.platform != CONSOLE
                and scope != team_scope(sub, teams)
            ):
                continue
            for p in planned:
                if sub.target.platform == CONSOLE or p.notice.kind in CHAT_KINDS:
                    out.append(Delivery(event.id, p.action, sub.target, p.notice))
    return out


def catch_up(
    view: StatusView, subscription: Subscription, default_components: frozenset[str] = frozenset()
) -> list[Delivery]:
    """What a channel that just subscribed is told: each open incident once, with its latest
    update, and each maintenance in progress. Never history."""
    events: list[Event] = [IncidentStarted(i, i.latest_update) for i in view.open_incidents]
    events += [MaintenanceStarted(m) for m in view.active_maintenances]
    return deliveries(notices_for(events, view.source), [subscription], default_components)


def team_scope(subscription: Subscription, teams: Teams | None = None) -> str:
    """The early-warning scope of a channel's team: ``team:slack:T123``."""
    target = subscription.target
    workspace = teams.workspace_of(target) if teams else target.workspace or ""
    return f"team:{target.platform}:{workspace}"


def _team_scope(event: Event) -> str | None:
    """A warning raised by one team's reports goes to that team's channels only."""
    if isinstance(event, WarningRaised | WarningCleared | WarningConfirmed):
        scope = event.warning.scope
        return scope if scope.startswith("team:") else None
    return None


def _components_of(event: Event) -> frozenset[str] | None:
    """Component ids an event is about; None when it is about the whole page."""
    incident: Incident | None = None
    match event:
        case IncidentStarted() | IncidentUpdated() | IncidentResolved():
            incident = event.incident
        case MaintenanceScheduled() | MaintenanceStarted() | MaintenanceCompleted():
            incident = event.maintenance
        case _:
            return None
    ids = incident_component_ids(incident)
    return ids or None


def incident_component_ids(incident: Incident) -> frozenset[str]:
    """Every component the incident has touched, for channels that watch only some."""
    ids = {c.id for c in incident.components}
    for update in incident.incident_updates:
        ids.update(a.code for a in update.affected_components or ())
    return frozenset(ids)


def _wants(sub: Subscription, touched: frozenset[str] | None, default: frozenset[str]) -> bool:
    wanted = frozenset(sub.components) or default
    return not wanted or touched is None or bool(touched & wanted)

"""Which subscribed channels get which notice. Pure.

Routing takes ``compose``'s output (each event with its notices) and never changes a notice:
the dependency runs one way, routing -> compose.

Chat channels get incidents, maintenance and feed notices (the contract's alert list); the
console gets everything, component changes and scheduled maintenance included. A channel
that watches only some components gets an incident when it touches one of them (or names
no component at all: then nobody can tell, and it is sent).

Each channel's ``alerts`` preferences apply here, before anything is queued: maintenance and
early warnings off drop those notices; updates off drops an incident's thread updates (its
start, resolution and the root's edits stay); an impact threshold skips an incident until it
reaches it. A skipped incident that crosses the threshold is announced then, with its story so
far (``Composed.late_start``), and from then on like any other: ``announced`` says which
channels already have (or have queued) an incident's thread, so one that crossed earlier keeps
getting its updates and resolution even if the impact is lowered again. A channel in its
quiet hours gets its notices held (``Delivery.held``, until the hours end: ``digest`` then
tells them in one message), but a critical incident's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime

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
from bot.notify.notices import Action, NoticeKind, Planned
from bot.notify.teams import Teams
from bot.preferences import IMPACT_RANK, Preferences
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


MAINTENANCE_KINDS = frozenset(
    {
        NoticeKind.MAINTENANCE_SCHEDULED,
        NoticeKind.MAINTENANCE_STARTED,
        NoticeKind.MAINTENANCE_COMPLETED,
    }
)
WARNING_KINDS = frozenset(
    {
        NoticeKind.EARLY_WARNING,
        NoticeKind.EARLY_WARNING_CLEARED,
        NoticeKind.EARLY_WARNING_CONFIRMED,
    }
)
Announced = frozenset[tuple[str, str]]
"""(target key, thread key) pairs whose thread root is posted or queued."""


def deliveries(
    composed: Iterable[Composed],
    subscriptions: Sequence[Subscription],
    default_components: frozenset[str] = frozenset(),
    teams: Teams | None = None,
    announced: Announced = frozenset(),
    now: datetime | None = None,
) -> list[Delivery]:
    """Each composed notice for each subscription that wants it. ``default_components`` (ids,
    from ``COMPONENTS``) stand in for a subscription that names none; ``teams`` knows the team
    of a channel whose target names none; ``announced`` is read only for channels with an
    impact threshold. With ``now``, a channel in its quiet hours gets its notices held for the
    digest at their end, but a critical incident's."""
    out: list[Delivery] = []
    started = set(announced)
    for c in composed:
        event = c.event
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
            quiet = sub.preferences.quiet
            until = quiet.end_after(now) if quiet and now and not _breaks_through(event) else None
            for p in _for_channel(c, sub, started):
                if sub.target.platform == CONSOLE or p.notice.kind in CHAT_KINDS:
                    delivery = Delivery(event.id, p.action, sub.target, p.notice)
                    if until is not None:
                        delivery = replace(delivery, not_before=until, held=True)
                    out.append(delivery)
    return out


def _breaks_through(event: Event) -> bool:
    """A critical incident is told at once, quiet hours or not."""
    incident = _incident_of(event)
    return incident is not None and incident.impact == "critical"


def _for_channel(c: Composed, sub: Subscription, started: set[tuple[str, str]]) -> list[Planned]:
    """``c``'s notices as this channel's preferences want them. ``started`` is updated with
    the incident threads this channel gets a root for."""
    prefs = sub.preferences
    planned = [p for p in c.planned if _kind_wanted(p.notice.kind, prefs)]
    incident = _incident_of(c.event)
    if incident is None:
        return planned
    thread = (sub.target.key, f"incident:{incident.id}")
    if prefs.min_rank > 0 and thread not in started:
        if IMPACT_RANK.get(incident.impact, 0) < prefs.min_rank:
            return []  # below this channel's threshold, and never announced here
        if c.late_start is not None:  # crossed it now: the story so far, then what follows
            planned = _after_late_start(c.late_start, planned)
    elif prefs.min_rank > 0 and c.late_start is not None:
        # The root here may be a story (it crossed): an edit keeps telling it.
        planned = [_story_edit(c.late_start, p) if p.action is Action.EDIT else p for p in planned]
    if any(p.action is Action.POST for p in planned):
        started.add(thread)
    return planned


def incident_threads(
    composed: Iterable[Composed], subscriptions: Sequence[Subscription]
) -> frozenset[str]:
    """The incident threads whose ``announced`` state routing needs: those of later events,
    when some channel has an impact threshold (else none: nothing to look up)."""
    if not any(s.preferences.min_rank > 0 for s in subscriptions):
        return frozenset()
    return frozenset(
        f"incident:{c.event.incident.id}"
        for c in composed
        if isinstance(c.event, IncidentUpdated | IncidentResolved)
    )


def _after_late_start(late_start: Planned, planned: list[Planned]) -> list[Planned]:
    """The story so far, then the resolution if that is what came; the update itself is in
    the story, and an edit of the root closes the story's root, not the first update's."""
    out = [late_start]
    for p in planned:
        if p.notice.kind is NoticeKind.INCIDENT_RESOLVED:
            out.append(p)
        elif p.action is Action.EDIT and p.notice.ended_at is not None:
            out.append(_story_edit(late_start, p))
    return out


def _story_edit(late_start: Planned, edit: Planned) -> Planned:
    """An edit of the incident's root, telling the story so far (closed if ``edit`` is)."""
    story = late_start.notice
    if edit.notice.ended_at is not None:
        story = story.closed(edit.notice.ended_at, edit.notice.status)
    return Planned(Action.EDIT, story)


def _kind_wanted(kind: NoticeKind, prefs: Preferences) -> bool:
    if kind in MAINTENANCE_KINDS:
        return prefs.maintenance
    if kind in WARNING_KINDS:
        return prefs.warnings
    if kind is NoticeKind.INCIDENT_UPDATED:
        return prefs.updates
    return True


def _incident_of(event: Event) -> Incident | None:
    if isinstance(event, IncidentStarted | IncidentUpdated | IncidentResolved):
        return event.incident
    return None


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
    ids = incident.component_ids
    return ids or None


def _wants(sub: Subscription, touched: frozenset[str] | None, default: frozenset[str]) -> bool:
    wanted = frozenset(sub.components) or default
    return not wanted or touched is None or bool(touched & wanted)

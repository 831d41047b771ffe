"""From a domain event to the notices it causes, and how each is delivered. Pure.

An incident's start is a thread root; its updates are replies; its resolution is a reply
also shown in the channel, plus an edit of the root to say it is resolved and how long it
lasted. Maintenances and the feed's own outages follow the same pattern.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import assert_never

from bot.detect.events import (
    ComponentChanged,
    EarlyWarning,
    Event,
    FeedLost,
    FeedRestored,
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
from bot.notify.notices import Action, Notice, NoticeKind, Planned, Severity
from bot.statuspage.models import Incident, IncidentUpdate

FEED_THREAD = "feed"

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


def plan(event: Event, source: str) -> list[Planned]:
    match event:
        case IncidentStarted(incident=incident, update=update):
            return [Planned(Action.POST, incident_root(incident, update))]
        case IncidentUpdated(incident=incident, update=update, reopened=reopened):
            notice = _incident_notice(NoticeKind.INCIDENT_UPDATED, incident, update)
            if not reopened:
                return [Planned(Action.REPLY, notice)]
            return [
                Planned(Action.BROADCAST, notice),
                Planned(Action.EDIT, incident_root(incident, _first_update(incident))),
            ]
        case IncidentResolved(incident=incident, update=update):
            root = incident_root(incident, _first_update(incident))
            ended = incident.resolved_at or (update.created_at if update else incident.updated_at)
            ended = ended or incident.created_at
            return [
                Planned(
                    Action.BROADCAST,
                    _incident_notice(NoticeKind.INCIDENT_RESOLVED, incident, update),
                ),
                Planned(Action.EDIT, root.closed(ended, incident.status)),
            ]
        case ComponentChanged(component=component, old_status=old):
            return [
                Planned(
                    Action.POST,
                    Notice(
                        kind=NoticeKind.COMPONENT_CHANGED,
                        title=component.name,
                        severity=_component_severity(component.status),
                        status=component.status,
                        text=f"{_words(old)} → {_words(component.status)}",
                        at=component.updated_at or _epoch(),
                        components=(component.name,),
                        url=source,
                    ),
                )
            ]
        case MaintenanceScheduled(maintenance=m):
            return [Planned(Action.POST, _maintenance_notice(NoticeKind.MAINTENANCE_SCHEDULED, m))]
        case MaintenanceStarted(maintenance=m):
            return [Planned(Action.POST, maintenance_root(m))]
        case MaintenanceCompleted(maintenance=m):
            ended = m.resolved_at or m.updated_at or m.created_at
            return [
                Planned(Action.BROADCAST, _maintenance_notice(NoticeKind.MAINTENANCE_COMPLETED, m)),
                Planned(Action.EDIT, maintenance_root(m).closed(ended, "completed")),
            ]
        case FeedLost(since=since, failures=failures, error=error):
            return [Planned(Action.POST, feed_lost_root(since, failures, error, source))]
        case FeedRestored(since=since, restored_at=restored_at):
            restored = Notice(
                kind=NoticeKind.FEED_RESTORED,
                title="The status page is readable again",
                severity=Severity.RESOLVED,
                status="restored",
                text="I can read the status page again; alerts resume.",
                at=restored_at,
                url=source,
                started_at=since,
                ended_at=restored_at,
                thread_key=FEED_THREAD,
            )
            root = feed_lost_root(since, 0, "", source).closed(restored_at, "restored")
            return [Planned(Action.BROADCAST, restored), Planned(Action.EDIT, root)]
        case WarningRaised(warning=warning):
            return [Planned(Action.POST, warning_root(warning, source))]
        case WarningCleared(warning=warning):
            cleared = _warning_notice(
                NoticeKind.EARLY_WARNING_CLEARED,
                warning,
                "Cleared: the errors stopped before the status page posted anything.",
                source,
            )
            return [
                Planned(Action.REPLY, cleared),
                Planned(
                    Action.EDIT, warning_root(warning, source).closed(_closed(warning), "cleared")
                ),
            ]
        case WarningConfirmed(warning=warning, incident=incident):
            lead = warning.lead_minutes or 0
            confirmed = replace(
                _warning_notice(
                    NoticeKind.EARLY_WARNING_CONFIRMED,
                    warning,
                    f'Confirmed: the status page now reports "{incident.name}", '
                    f"{lead} min after this warning. Follow it there.",
                    incident.shortlink or source,
                ),
                early_warning_minutes=lead,
            )
            root = warning_root(warning, source).closed(_closed(warning), "confirmed")
            return [Planned(Action.REPLY, confirmed), Planned(Action.EDIT, root)]
        case _:
            assert_never(event)


def incident_root(incident: Incident, update: IncidentUpdate | None) -> Notice:
    return _incident_notice(NoticeKind.INCIDENT_STARTED, incident, update)


def maintenance_root(m: Incident) -> Notice:
    return _maintenance_notice(NoticeKind.MAINTENANCE_STARTED, m)


def feed_lost_root(since: datetime, failures: int, error: str, source: str) -> Notice:
    detail = f" ({failures} polls in a row: {error})" if failures else ""
    return Notice(
        kind=NoticeKind.FEED_LOST,
        title="Can't read the status page",
        severity=Severity.UNKNOWN,
        status="unreachable",
        text=(
            f"The status page has not answered properly since "
            f"{since.astimezone(UTC):%H:%M} UTC{detail}. "
            "I keep the last known state and will say when it is back."
        ),
        at=since,
        url=source,
        started_at=since,
        thread_key=FEED_THREAD,
    )


def warning_root(warning: EarlyWarning, source: str) -> Notice:
    return _warning_notice(
        NoticeKind.EARLY_WARNING,
        warning,
        f"{warning.detail} It is not your setup: don't reinstall or change keys. "
        "I'll say here when it clears or when the status page confirms it.",
        source,
    )


def _warning_notice(kind: NoticeKind, warning: EarlyWarning, text: str, url: str) -> Notice:
    return Notice(
        kind=kind,
        title="Unconfirmed: elevated errors, not yet on the status page",
        severity=Severity.UNKNOWN if kind is NoticeKind.EARLY_WARNING else Severity.RESOLVED,
        status="unconfirmed" if kind is NoticeKind.EARLY_WARNING else kind.value.rsplit("_", 1)[1],
        text=text,
        at=warning.closed_at or warning.opened_at,
        url=url,
        started_at=warning.opened_at,
        ended_at=None if kind is NoticeKind.EARLY_WARNING else warning.closed_at,
        thread_key=f"warning:{warning.id}",
    )


def _closed(warning: EarlyWarning) -> datetime:
    return warning.closed_at or warning.opened_at


def incident_component_ids(incident: Incident) -> frozenset[str]:
    """Every component the incident has touched, for channels that watch only some."""
    ids = {c.id for c in incident.components}
    for update in incident.incident_updates:
        ids.update(a.code for a in update.affected_components or ())
    return frozenset(ids)


def _incident_notice(kind: NoticeKind, incident: Incident, update: IncidentUpdate | None) -> Notice:
    names = incident.component_names or _affected_names(incident)
    return Notice(
        kind=kind,
        title=incident.name,
        severity=Severity.RESOLVED
        if kind is NoticeKind.INCIDENT_RESOLVED
        else Severity.from_impact(incident.impact),
        status=update.status if update else incident.status,
        text=update.body if update else "",
        at=update.shown_at if update else incident.created_at,
        components=names,
        url=incident.shortlink,
        started_at=incident.began_at,
        ended_at=incident.resolved_at if kind is NoticeKind.INCIDENT_RESOLVED else None,
        thread_key=f"incident:{incident.id}",
    )


def _maintenance_notice(kind: NoticeKind, m: Incident) -> Notice:
    update = m.latest_update
    window = ""
    if m.scheduled_for and m.scheduled_until:
        start, end = m.scheduled_for.astimezone(UTC), m.scheduled_until.astimezone(UTC)
        window = f"Scheduled {start:%Y-%m-%d %H:%M}–{end:%H:%M} UTC. "
    completed = kind is NoticeKind.MAINTENANCE_COMPLETED
    return Notice(
        kind=kind,
        title=m.name,
        severity=Severity.RESOLVED if completed else Severity.MAINTENANCE,
        status=m.status,
        text=(window if not completed else "") + (update.body if update else ""),
        at=update.shown_at if update else m.created_at,
        components=m.component_names or _affected_names(m),
        url=m.shortlink,
        started_at=m.scheduled_for or m.began_at,
        ended_at=(m.resolved_at or m.updated_at) if completed else None,
        thread_key=f"maintenance:{m.id}",
    )


def _affected_names(incident: Incident) -> tuple[str, ...]:
    names: dict[str, None] = {}
    for update in incident.updates_oldest_first():
        for a in update.affected_components or ():
            names[a.name] = None
    return tuple(names)


def _first_update(incident: Incident) -> IncidentUpdate | None:
    ordered = incident.updates_oldest_first()
    return ordered[0] if ordered else None


def _component_severity(status: str) -> Severity:
    return {
        "operational": Severity.RESOLVED,
        "degraded_performance": Severity.MINOR,
        "partial_outage": Severity.MINOR,
        "major_outage": Severity.MAJOR,
        "under_maintenance": Severity.MAINTENANCE,
    }.get(status, Severity.UNKNOWN)


def _words(status: str) -> str:
    return status.replace("_", " ")


def _epoch() -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC)

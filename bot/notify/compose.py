"""From a domain event to the notices it causes, and how each is delivered. Pure.

An incident's start is a thread root; its updates are replies; its resolution is a reply
also shown in the channel, plus an edit of the root to say it is resolved and how long it
lasted. Maintenances, the feed's own outages and early warnings (``warning_notices``) follow
the same pattern.

Everything a notice says is decided here, from inputs: how many minutes an early warning
came before an incident (``notices_for`` reads it from the same poll's confirmation) and
whether the notices are a test (the demo, the ``test`` word). Nobody patches a notice later.
Who gets which notice is ``routing``'s, which takes this module's output.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import assert_never

from bot.detect.events import (
    ComponentChanged,
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
from bot.notify import back_again, story, warning_notices
from bot.notify.notices import Action, Notice, NoticeKind, Planned, Severity
from bot.statuspage.models import Incident, IncidentUpdate

FEED_THREAD = "feed"


@dataclass(frozen=True)
class Composed:
    """An event and the notices it causes, in delivery order.

    ``late_start`` is, for a later event of an incident (an update, its resolution), the start
    notice with the story so far: what a channel gets that skipped the incident until now (it
    was below the channel's impact) and sees it cross.
    """

    event: Event
    planned: tuple[Planned, ...]
    late_start: Planned | None = None


def notices_for(
    events: Iterable[Event],
    source: str,
    *,
    is_test: bool = False,
    recent: Sequence[Incident] = (),
) -> list[Composed]:
    """Every event's notices. An incident that an early warning of the same poll foresaw
    says, in its start notice, how many minutes earlier the bot saw it; one on components
    whose incident among ``recent`` (the feed's, resolved or not) ended within the hour says
    it is back (``back_again``)."""
    events = list(events)
    leads = {
        e.incident.id: e.warning.lead_minutes for e in events if isinstance(e, WarningConfirmed)
    }
    composed = []
    for event in events:
        lead = leads.get(event.incident.id) if isinstance(event, IncidentStarted) else None
        planned = plan(event, source, early_warning_minutes=lead, is_test=is_test)
        earlier = back_again.earlier_for(event, recent)
        if earlier is not None:
            planned = [
                Planned(p.action, replace(p.notice, earlier=earlier))
                if p.action is Action.POST
                else p
                for p in planned
            ]
        composed.append(Composed(event, tuple(planned), _late_start(event, is_test)))
    return composed


def _late_start(event: Event, is_test: bool) -> Planned | None:
    if not isinstance(event, IncidentUpdated | IncidentResolved):
        return None
    incident = event.incident
    root = incident_root(incident, incident.latest_update, is_test=is_test)
    return Planned(Action.POST, story.with_story(root, incident))


def plan(
    event: Event, source: str, *, early_warning_minutes: int | None = None, is_test: bool = False
) -> list[Planned]:
    """``event``'s notices; ``early_warning_minutes`` goes on an incident's start notice."""
    match event:
        case IncidentStarted(incident=incident, update=update):
            root = incident_root(incident, update, early_warning_minutes, is_test=is_test)
            return [Planned(Action.POST, root)]
        case IncidentUpdated(incident=incident, update=update, reopened=reopened):
            notice = _incident_notice(NoticeKind.INCIDENT_UPDATED, incident, update, is_test)
            if not reopened:
                return [Planned(Action.REPLY, notice)]
            root = incident_root(incident, _first_update(incident), is_test=is_test)
            return [Planned(Action.BROADCAST, notice), Planned(Action.EDIT, root)]
        case IncidentResolved(incident=incident, update=update):
            root = incident_root(incident, _first_update(incident), is_test=is_test)
            ended = incident.resolved_at or (update.created_at if update else incident.updated_at)
            ended = ended or incident.created_at
            return [
                Planned(
                    Action.BROADCAST,
                    _incident_notice(NoticeKind.INCIDENT_RESOLVED, incident, update, is_test),
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
                        is_test=is_test,
                    ),
                )
            ]
        case MaintenanceScheduled(maintenance=m):
            scheduled = _maintenance_notice(NoticeKind.MAINTENANCE_SCHEDULED, m, is_test)
            return [Planned(Action.POST, scheduled)]
        case MaintenanceStarted(maintenance=m):
            return [Planned(Action.POST, maintenance_root(m, is_test=is_test))]
        case MaintenanceCompleted(maintenance=m):
            ended = m.resolved_at or m.updated_at or m.created_at
            completed = _maintenance_notice(NoticeKind.MAINTENANCE_COMPLETED, m, is_test)
            root = maintenance_root(m, is_test=is_test).closed(ended, "completed")
            return [Planned(Action.BROADCAST, completed), Planned(Action.EDIT, root)]
        case FeedLost(since=since, failures=failures, error=error):
            lost = feed_lost_root(since, failures, error, source, is_test=is_test)
            return [Planned(Action.POST, lost)]
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
                is_test=is_test,
            )
            root = feed_lost_root(since, 0, "", source, is_test=is_test)
            root = root.closed(restored_at, "restored")
            return [Planned(Action.BROADCAST, restored), Planned(Action.EDIT, root)]
        case WarningRaised() | WarningCleared() | WarningConfirmed():
            return warning_notices.plan(event, source, is_test=is_test)
        case _:
            assert_never(event)


def incident_root(
    incident: Incident,
    update: IncidentUpdate | None,
    early_warning_minutes: int | None = None,
    *,
    is_test: bool = False,
) -> Notice:
    return _incident_notice(
        NoticeKind.INCIDENT_STARTED, incident, update, is_test, early_warning_minutes
    )


def maintenance_root(m: Incident, *, is_test: bool = False) -> Notice:
    return _maintenance_notice(NoticeKind.MAINTENANCE_STARTED, m, is_test)


def feed_lost_root(
    since: datetime, failures: int, error: str, source: str, *, is_test: bool = False
) -> Notice:
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
        is_test=is_test,
    )


def _incident_notice(
    kind: NoticeKind,
    incident: Incident,
    update: IncidentUpdate | None,
    is_test: bool,
    early_warning_minutes: int | None = None,
) -> Notice:
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
        early_warning_minutes=early_warning_minutes,
        is_test=is_test,
    )


def _maintenance_notice(kind: NoticeKind, m: Incident, is_test: bool) -> Notice:
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
        status=_words(m.status),  # "in progress", never the feed's "in_progress"
        text=(window if not completed else "") + (update.body if update else ""),
        at=update.shown_at if update else m.created_at,
        components=m.component_names or _affected_names(m),
        url=m.shortlink,
        started_at=m.scheduled_for or m.began_at,
        ended_at=(m.resolved_at or m.updated_at) if completed else None,
        thread_key=f"maintenance:{m.id}",
        is_test=is_test,
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

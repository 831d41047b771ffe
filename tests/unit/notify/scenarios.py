"""Events of the scripted scenarios, and subscriptions, shared by the notify tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.detect.changes import detect
from bot.detect.events import (
    EarlyWarning,
    Event,
    IncidentStarted,
    WarningCleared,
    WarningConfirmed,
    WarningRaised,
)
from bot.notify.deliveries import Subscription
from bot.notify.ports import Target
from bot.statuspage.snapshot import Snapshot, build_snapshot, needs_history
from tests.unit.helpers import (
    NOW,
    incident_list,
    maintenance_list,
    scenario_steps,
    summary_of,
)

INCIDENT = "6j2silbjfwi0"
MAINTENANCE = "bhzvj7e2mbrt"
CONSOLE = Target("console", "stdout")
SLACK = Target("slack", "C0123", "T0001")
DISCORD = Target("discord", "998877")


def sub(target: Target, *components: str, n: int = 1) -> Subscription:
    return Subscription(n, target, tuple(components), "chat", "U1")


def scenario_events(name: str) -> list[list[Event]]:
    previous: Snapshot | None = None
    out: list[list[Event]] = []
    for n, step in enumerate(scenario_steps(name)):
        current_summary = summary_of(step["summary"])
        _, lost_m = needs_history(previous, current_summary)
        current = build_snapshot(
            previous,
            current_summary,
            incident_list(step.get("incidents")),
            maintenance_list(step.get("scheduled_maintenances") if lost_m else None),
            NOW + timedelta(minutes=n),
        )
        out.append(detect(previous, current))
        previous = current
    return out


def first(events: list[Event], kind: type) -> Event:
    return next(e for e in events if isinstance(e, kind))


def all_events(steps: list[list[Event]]) -> list[Event]:
    return [e for events in steps for e in events]


def warning_events(incident_steps: list[list[Event]]) -> list[Event]:
    """An early warning's whole life: raised, then cleared; another raised, then confirmed."""
    started = next(e for e in all_events(incident_steps) if isinstance(e, IncidentStarted))
    first = EarlyWarning("probe", NOW, "The API answered 529, 529, 529 to 3 probes in a row.")
    second = EarlyWarning("probe", NOW + timedelta(minutes=40), first.detail)
    return [
        WarningRaised(first),
        WarningCleared(replace(first, closed_at=NOW + timedelta(minutes=5))),
        WarningRaised(second),
        WarningConfirmed(
            replace(second, closed_at=NOW + timedelta(minutes=48), lead_minutes=8), started.incident
        ),
    ]

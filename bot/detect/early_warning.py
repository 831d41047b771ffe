"""Early warning: knowing before the status page posts. Pure: handed the signals and ``now``.

Signals can say "the API is failing" minutes before an incident is posted: a team's members'
``report``s, a cheap probe of the API, and a burst of posts about errors in a community source.
A warning is raised per scope (``probe`` and ``community:<source>`` for everyone,
``team:<platform>:<workspace>`` for one team's reports) when its signal is up and the page
shows nothing (and no warning for everyone is open already), and then ends exactly one way:
cleared (the signal went away) or confirmed (the page posted an incident). A scope opens at
most one warning per ``FLAP_GUARD``, so a flapping signal cannot make noise.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Final

from bot.detect.events import (
    EarlyWarning,
    WarningCleared,
    WarningConfirmed,
    WarningEvent,
    WarningRaised,
)
from bot.statuspage.models import Incident

PROBE_SCOPE: Final = "probe"
FLAP_GUARD: Final = timedelta(minutes=30)
KEEP_PAST: Final = 50


@dataclass(frozen=True)
class Signal:
    """One scope's evidence right now: ``detail`` is what the notice says (never who)."""

    scope: str
    detail: str
    links: tuple[tuple[str, str], ...] = ()
    """(title, url) of what the signal rests on (a community source's posts)."""


def for_everyone(scope: str) -> bool:
    """``probe`` and ``community:...`` warnings go to every channel; ``team:...`` to one team."""
    return not scope.startswith("team:")


@dataclass(frozen=True)
class WarningState:
    open: dict[str, EarlyWarning] = field(default_factory=dict)
    last_opened: dict[str, datetime] = field(default_factory=dict)
    past: tuple[EarlyWarning, ...] = ()
    last_problem_at: datetime | None = None
    """When the page last showed a problem: reports from before it are about that, not news."""

    def for_scopes(self, *scopes: str) -> EarlyWarning | None:
        """The open warning that concerns someone in these scopes, if any."""
        return next((self.open[s] for s in scopes if s in self.open), None)

    def for_team(self, team: str) -> EarlyWarning | None:
        """The open warning that concerns a member of ``team``: one for everyone, or the
        team's own."""
        return self.for_scopes(*(s for s in self.open if for_everyone(s)), team)

    def to_json(self) -> dict[str, Any]:
        return {
            "open": [w.to_json() for w in self.open.values()],
            "last_opened": {k: v.isoformat() for k, v in self.last_opened.items()},
            "past": [w.to_json() for w in self.past],
            "last_problem_at": self.last_problem_at.isoformat() if self.last_problem_at else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> WarningState:
        opened = [EarlyWarning.from_json(w) for w in data.get("open", [])]
        problem = data.get("last_problem_at")
        return cls(
            open={w.scope: w for w in opened},
            last_opened={
                k: datetime.fromisoformat(v) for k, v in data.get("last_opened", {}).items()
            },
            past=tuple(EarlyWarning.from_json(w) for w in data.get("past", [])),
            last_problem_at=datetime.fromisoformat(problem) if problem else None,
        )


def step(
    state: WarningState,
    signals: list[Signal],
    incidents: tuple[Incident, ...],
    page_has_problem: bool,
    now: datetime,
) -> tuple[WarningState, list[WarningEvent]]:
    """Advance every scope: confirm when the page posts an incident (the earliest open one),
    clear when the signal is gone, raise when a signal is up, the page shows nothing, and the
    flap guard allows it."""
    events: list[WarningEvent] = []
    open_now = dict(state.open)
    last_opened = dict(state.last_opened)
    past = list(state.past)
    up = {s.scope: s for s in signals}
    confirming = min((i for i in incidents if i.is_open), key=lambda i: i.created_at, default=None)
    for scope, warning in state.open.items():
        if confirming is not None:
            closed = replace(
                warning,
                closed_at=now,
                confirmed_by=confirming.id,
                lead_minutes=_lead_minutes(warning, now),
            )
            events.append(WarningConfirmed(closed, confirming))
        elif page_has_problem:
            continue  # components show it but no incident yet: wait for the incident
        elif scope not in up:
            closed = replace(warning, closed_at=now)
            events.append(WarningCleared(closed))
        else:
            continue
        del open_now[scope]
        past.append(closed)
    if not page_has_problem:
        for scope, signal in up.items():
            if scope in open_now:
                continue
            if any(for_everyone(s) for s in open_now):
                continue  # everyone already has a warning open: one is enough
            last = last_opened.get(scope)
            if last is not None and now - last < FLAP_GUARD:
                continue
            warning = EarlyWarning(scope, now, signal.detail, links=signal.links)
            open_now[scope] = warning
            last_opened[scope] = now
            events.append(WarningRaised(warning))
    problem_at = now if page_has_problem else state.last_problem_at
    new = WarningState(open_now, last_opened, tuple(past[-KEEP_PAST:]), problem_at)
    return new, events


def _lead_minutes(warning: EarlyWarning, now: datetime) -> int:
    """From the warning to the moment this bot saw the incident (its own clock both times:
    the page's ``created_at`` may come from a clock that is not ours)."""
    return max(0, round((now - warning.opened_at).total_seconds() / 60))

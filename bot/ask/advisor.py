"""The advisor: from what the page says and what the user sees, to advice. Pure.

``kind`` is decided in the contract's order (the first that fits); the wording comes from
``bot.ask.playbook``. Nothing here reads the clock: ``now`` is handed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.ask.community import elevated_sentence
from bot.ask.playbook import CHAT, LOCAL_CHECK_AFTER_MINUTES, PLAYBOOK, AdviceKind, Phrasing
from bot.ask.symptoms import Symptom, SymptomClass
from bot.detect.view import StatusView, Verdict
from bot.statuspage.models import Incident
from bot.wording.durations import age_text

__all__ = ["Advice", "AdviceKind", "Verdict", "advise"]

USERS_OWN = frozenset({AdviceKind.RATE_LIMIT, AdviceKind.CREDENTIALS, AdviceKind.BAD_REQUEST})
"""Advice about the user's own error: other people's server errors are beside the point."""


@dataclass(frozen=True)
class Advice:
    kind: AdviceKind
    code: str | None
    since_minutes: int | None
    team_reports: int
    summary: str
    steps: tuple[str, ...]
    avoid: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind.value,
            "code": self.code,
            "since_minutes": self.since_minutes,
            "team_reports": self.team_reports,
            "summary": self.summary,
            "steps": list(self.steps),
            "avoid": list(self.avoid),
        }


def choose_kind(
    view: StatusView, symptom: Symptom | None, minutes: int | None, reports: int
) -> AdviceKind:
    """The contract's table, row by row, first match wins."""
    kind = symptom.kind if symptom else None
    if kind is SymptomClass.RATE_LIMIT:
        return AdviceKind.RATE_LIMIT
    if kind is SymptomClass.CREDENTIALS:
        return AdviceKind.CREDENTIALS
    if kind is SymptomClass.BAD_REQUEST:
        return AdviceKind.BAD_REQUEST
    if not view.readable or view.snapshot is None:
        return AdviceKind.FEED_UNKNOWN
    if view.has_known_problem:
        return AdviceKind.KNOWN_INCIDENT
    if view.active_maintenances:
        return AdviceKind.MAINTENANCE
    if symptom is None:
        return AdviceKind.ALL_CLEAR
    if (
        minutes is None
        or minutes < LOCAL_CHECK_AFTER_MINUTES
        or reports > 0
        or _clients_reporting(view) > 0
        or view.early_warning is not None
        or view.elevated_community
    ):
        return AdviceKind.WAIT
    return AdviceKind.LOCAL_CHECK


def advise(
    view: StatusView,
    symptom: Symptom | None,
    minutes: int | None,
    reports: int,
    now: datetime,
    phrasing: Phrasing = CHAT,
) -> Advice:
    """``phrasing``: commands in the advice as the user types them where they read it
    (``report 503`` in a chat, ``is-claude-down report 503`` in a terminal)."""
    kind = choose_kind(view, symptom, minutes, reports)
    play = PLAYBOOK[kind]
    values = _placeholders(view, symptom, minutes, reports, now)
    values["report"] = phrasing.report.format(code=values["code_or_word"]).replace(" `", "`")
    values["ask_example"] = phrasing.ask_example
    summary = play.summary.format_map(values)
    if view.client_reports and view.client_reports.people and kind not in USERS_OWN:
        summary += f" {view.client_reports.sentence()}."
    return Advice(
        kind=kind,
        code=symptom.label if symptom else None,
        since_minutes=minutes,
        team_reports=reports,
        summary=" ".join(summary.split()),
        steps=tuple(step.format_map(values) for step in play.steps),
        avoid=play.avoid,
    )


def _clients_reporting(view: StatusView) -> int:
    """People whose Claude Code (or ``report``) hit a server error in the last 10 minutes."""
    return view.client_reports.people if view.client_reports else 0


def _placeholders(
    view: StatusView, symptom: Symptom | None, minutes: int | None, reports: int, now: datetime
) -> dict[str, str]:
    label = symptom.label if symptom else "the error"
    values = {
        "code": f"HTTP {symptom.label}" if symptom and symptom.code else label,
        "code_or_word": symptom.label if symptom else "",
        "source": view.source,
        "minutes": str(minutes) if minutes is not None else "?",
        "reports": _reports_text(reports, view.early_warning is not None) + _community_text(view),
        "network": _network_text(view),
        "server_side": _server_side(symptom),
        "last_known": _last_known(view, now),
        "problem": _problem(view, now),
        "link": _link(view),
        "maintenance": "",
        "until": "its scheduled end",
    }
    if view.active_maintenances:
        m = view.active_maintenances[0]
        values["maintenance"] = m.name
        if m.scheduled_until:
            values["until"] = m.scheduled_until.astimezone(UTC).strftime("%H:%M UTC")
    return values


def _network_text(view: StatusView) -> str:
    if view.api_unreachable:
        return "The API does not answer from here either: check your network, proxy and VPN."
    return ""


def _server_side(symptom: Symptom | None) -> str:
    """What a server-side code means when the page cannot say more: the waiting advice holds."""
    if symptom is None or symptom.kind is not SymptomClass.SERVER:
        return ""
    if symptom.label.isdigit():
        what = f"HTTP {symptom.label}"
    elif symptom.code:
        what = f"{symptom.label.capitalize()} (HTTP {symptom.code})"
    else:
        what = f"A {symptom.label}"
    return (
        f"{what} is a server-side error, not your key or your request: wait 2–5 minutes and "
        "retry before you change anything."
    )


def _reports_text(reports: int, warned: bool) -> str:
    if warned:
        return "Others see it too (an early warning is open): it is not your setup."
    if reports <= 0:
        return ""
    who = "1 teammate" if reports == 1 else f"{reports} teammates"
    return f"{who} reported it in the last 30 min: it is not just you."


def _community_text(view: StatusView) -> str:
    """Cites the elevated community sources: others see it too."""
    elevated = view.elevated_community
    if not elevated:
        return ""
    cited = "; ".join(elevated_sentence(r) for r in elevated)
    return f" {cited}: others see it too."


def _last_known(view: StatusView, now: datetime) -> str:
    if view.snapshot is None:
        return "I have not read it successfully yet."
    status = view.snapshot.status.description
    return f"Last known ({age_text(view.snapshot.fetched_at, now)}): {status}."


def _problem(view: StatusView, now: datetime) -> str:
    incidents = view.open_incidents
    if incidents:
        first = _newest(incidents)
        more = f" and {len(incidents) - 1} more" if len(incidents) > 1 else ""
        return (
            f'the status page has an open incident, "{first.name}" '
            f"({first.status}, began {age_text(first.began_at, now)}){more}"
        )
    parts = ", ".join(f"{c.name} {c.status.replace('_', ' ')}" for c in view.problem_components)
    return f"the status page reports {parts}"


def _link(view: StatusView) -> str:
    """The link of the incident the summary names (the newest), else of any other."""
    incidents = view.open_incidents
    if not incidents:
        return view.source
    named = _newest(incidents)
    for incident in (named, *incidents):
        if incident.shortlink:
            return incident.shortlink
    return view.source


def _newest(incidents: tuple[Incident, ...]) -> Incident:
    return max(incidents, key=lambda i: i.began_at)

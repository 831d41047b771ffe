"""Notices and answers as terminal text (`watch`, `status`): colour on a terminal unless
``NO_COLOR`` is set (https://no-color.org), plain otherwise.

Feed text is untrusted here too: every field goes through ``bot.cli.plain_text`` (whole escape
sequences removed, then ``bot.wording.text.clean``) before anything is printed. The first line of
``status`` stays the bare verdict word (``DEGRADED:``) that scripts and the README read.
"""

from __future__ import annotations

import os
from datetime import UTC
from typing import TextIO

from bot.ask.answers import StatusAnswer
from bot.cli.plain_text import clean, one_line
from bot.notify.notices import Notice, NoticeKind, Severity
from bot.wording.durations import age_text, duration_text
from bot.wording.labels import status_label
from bot.wording.signals import back_again, seen_early

COLOURS = {
    Severity.NONE: "36",
    Severity.MINOR: "33",
    Severity.MAJOR: "31",
    Severity.CRITICAL: "1;31",
    Severity.MAINTENANCE: "34",
    Severity.RESOLVED: "32",
    Severity.UNKNOWN: "35",
}
CLOSING_KINDS = frozenset(
    {NoticeKind.INCIDENT_RESOLVED, NoticeKind.FEED_RESTORED, NoticeKind.MAINTENANCE_COMPLETED}
)
VERDICT_COLOURS = {"operational": "32", "degraded": "33", "outage": "1;31", "unknown": "35"}
LABELS = {
    NoticeKind.INCIDENT_STARTED: "INCIDENT",
    NoticeKind.INCIDENT_UPDATED: "UPDATE",
    NoticeKind.INCIDENT_RESOLVED: "RESOLVED",
    NoticeKind.COMPONENT_CHANGED: "COMPONENT",
    NoticeKind.MAINTENANCE_SCHEDULED: "MAINTENANCE SCHEDULED",
    NoticeKind.MAINTENANCE_STARTED: "MAINTENANCE",
    NoticeKind.MAINTENANCE_COMPLETED: "MAINTENANCE DONE",
    NoticeKind.FEED_LOST: "FEED LOST",
    NoticeKind.FEED_RESTORED: "FEED BACK",
    NoticeKind.EARLY_WARNING: "EARLY WARNING",
    NoticeKind.EARLY_WARNING_CLEARED: "CLEARED",
    NoticeKind.EARLY_WARNING_CONFIRMED: "CONFIRMED",
}


def wants_colour(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when ``NO_COLOR`` is set to anything."""
    return stream.isatty() and not os.environ.get("NO_COLOR")


def paint(text: str, code: str, colour: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if colour else text


def notice_text(notice: Notice, *, colour: bool, edited: bool = False) -> str:
    label = LABELS[notice.kind]
    if edited:
        label = f"{label} (now {one_line(notice.status, 40)})"
    when = notice.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    test = "[TEST] " if notice.is_test else ""
    head = f"{test}{paint(label, COLOURS[notice.severity], colour)} {one_line(notice.title, 200)}"
    lines = [f"{when}  {head}"]
    details = _details(notice, edited)
    if details:
        lines.append("    " + " · ".join(details))
    if notice.text and not edited:
        lines += ["    " + line for line in clean(notice.text).splitlines() if line.strip()]
    lines += [f"    • {one_line(x.title, 200)} {one_line(x.url, 300)}" for x in notice.links]
    if notice.url:
        lines.append("    " + one_line(notice.url, 300))
    return "\n".join(lines)


def _details(notice: Notice, edited: bool) -> list[str]:
    if notice.kind is NoticeKind.COMPONENT_CHANGED:
        return []  # the text says it all: "operational → partial outage"
    details = [one_line(notice.status, 40)] if notice.status and not edited else []
    if notice.components:
        details.append(", ".join(one_line(c, 100) for c in notice.components))
    if notice.duration_minutes is not None and (edited or notice.kind in CLOSING_KINDS):
        details.append(f"lasted {duration_text(notice.duration_minutes)}")
    if notice.early_warning_minutes:
        details.append(seen_early(notice.early_warning_minutes))
    if notice.earlier is not None:
        details.append(back_again(notice.earlier.minutes, notice.earlier.title))
    return details


def status_text(answer: StatusAnswer, *, colour: bool) -> str:
    """The state of the page, then the advice."""
    advice = answer.advice
    lines = [state_text(answer, colour=colour), "", one_line(advice.summary, 600)]
    lines += [f"  {n}. {one_line(step, 300)}" for n, step in enumerate(advice.steps, 1)]
    lines += [f"  ✗ {one_line(item, 300)}" for item in advice.avoid]
    return "\n".join(lines)


def state_text(answer: StatusAnswer, *, colour: bool) -> str:
    """The verdict, open incidents, affected components and maintenances: no advice."""
    verdict = answer.verdict.value
    headline = paint(verdict.upper(), VERDICT_COLOURS[verdict], colour)
    lines = [f"{headline}: {one_line(answer.description, 200)}"]
    if answer.checked_at:
        lines[0] += f" (checked {age_text(answer.checked_at, answer.now)})"
    for incident in answer.incidents:
        lines.append(
            f"  • {one_line(incident.name, 200)} [{one_line(incident.impact, 40)}, "
            f"{one_line(incident.status, 40)}, "
            f"began {age_text(incident.started_at, answer.now)}]"
        )
        if incident.latest_update:
            lines.append(f"    latest: {one_line(incident.latest_update, 400)}")
        if incident.components:
            lines.append(f"    affects: {', '.join(one_line(c, 100) for c in incident.components)}")
        if incident.url:
            lines.append(f"    {one_line(incident.url, 300)}")
    for component in answer.affected_components:
        status = one_line(status_label(component.status), 40)
        lines.append(f"  ! {one_line(component.name, 100)}: {status}")
    for m in answer.maintenances:
        lines.append(f"  ⚙ {one_line(m.name, 200)} [{one_line(m.status, 40).replace('_', ' ')}]")
    for c in answer.community:
        lines.append(f"  {'▲' if c.elevated else '·'} {one_line(c.text, 200)}")
        lines += [f"      {one_line(p.title, 200)}  {one_line(p.url, 300)}" for p in c.links]
    return "\n".join(lines)

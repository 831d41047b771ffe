"""Notices and answers as terminal text (`watch`, `status`): colour on a terminal, plain otherwise.

Feed text is untrusted here too: control characters (escape sequences that could rewrite the
terminal) are removed before anything is printed.
"""

from __future__ import annotations

from datetime import UTC

from bot.advisor import age_text
from bot.answers import StatusAnswer
from bot.notices import Notice, NoticeKind, Severity

MAX_TEXT = 2000
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
}


def clean(text: str, limit: int = MAX_TEXT) -> str:
    """Printable text only (newlines kept), ``<br />`` as a newline, cut cleanly at ``limit``."""
    text = text.replace("<br />", "\n").replace("<br>", "\n")
    text = "".join(ch for ch in text if ch == "\n" or ch.isprintable())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def paint(text: str, code: str, colour: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if colour else text


def notice_text(notice: Notice, *, colour: bool, edited: bool = False) -> str:
    label = LABELS[notice.kind]
    if edited:
        label = f"{label} (now {notice.status})"
    when = notice.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    test = "[TEST] " if notice.is_test else ""
    head = f"{test}{paint(label, COLOURS[notice.severity], colour)} {clean(notice.title, 200)}"
    lines = [f"{when}  {head}"]
    details = _details(notice, edited)
    if details:
        lines.append("    " + " · ".join(details))
    if notice.text and not edited:
        lines += ["    " + line for line in clean(notice.text).splitlines() if line.strip()]
    if notice.url:
        lines.append("    " + clean(notice.url, 300))
    return "\n".join(lines)


def _details(notice: Notice, edited: bool) -> list[str]:
    if notice.kind is NoticeKind.COMPONENT_CHANGED:
        return []  # the text says it all: "operational → partial outage"
    details = [notice.status] if notice.status and not edited else []
    if notice.components:
        details.append(", ".join(clean(c, 100) for c in notice.components))
    if notice.duration_minutes is not None and (edited or notice.kind in CLOSING_KINDS):
        details.append(f"lasted {notice.duration_minutes} min")
    if notice.early_warning_minutes:
        details.append(f"seen early: {notice.early_warning_minutes} min before the status page")
    return details


def status_text(answer: StatusAnswer, *, colour: bool) -> str:
    verdict = answer.verdict.value
    headline = paint(verdict.upper(), VERDICT_COLOURS[verdict], colour)
    lines = [f"{headline}: {clean(answer.description, 200)}"]
    if answer.checked_at:
        lines[0] += f" (checked {age_text(answer.checked_at, answer.now)})"
    for incident in answer.incidents:
        lines.append(
            f"  • {clean(incident.name, 200)} [{incident.impact}, {incident.status}, "
            f"began {age_text(incident.started_at, answer.now)}]"
        )
        if incident.latest_update:
            lines.append(f"    latest: {clean(incident.latest_update, 400)}")
        if incident.components:
            lines.append(f"    affects: {', '.join(clean(c, 100) for c in incident.components)}")
        if incident.url:
            lines.append(f"    {clean(incident.url, 300)}")
    for component in answer.affected_components:
        lines.append(f"  ! {clean(component.name, 100)}: {component.status.replace('_', ' ')}")
    for m in answer.maintenances:
        lines.append(f"  ⚙ {clean(m.name, 200)} [{m.status}]")
    advice = answer.advice
    lines += ["", clean(advice.summary, 600)]
    lines += [f"  {n}. {clean(step, 300)}" for n, step in enumerate(advice.steps, 1)]
    lines += [f"  ✗ {clean(item, 300)}" for item in advice.avoid]
    return "\n".join(lines)

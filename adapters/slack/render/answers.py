"""Answers to ``/is-claude-down`` and mentions as Block Kit, with a plain-text fallback. Pure.

The verdict comes first, then what is going on, then what to do: the order a developer who
just got a 529 reads in five seconds.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final, assert_never

from adapters.slack.render import blocks as b
from adapters.slack.render import mrkdwn as m
from adapters.slack.render.notices import EMOJI
from bot.ask.advisor import Advice, age_text
from bot.ask.answers import (
    Answer,
    HelpAnswer,
    HistoryAnswer,
    IncidentLine,
    MaintenanceLine,
    PastIncident,
    PastWarning,
    StatusAnswer,
    TextAnswer,
)
from bot.detect.view import Verdict
from bot.notify.notices import Severity
from bot.wording import duration_text

SHARE_ACTION: Final = "share_answer"
MAX_INCIDENTS: Final = 5
MAX_COMPONENTS: Final = 15
MAX_MAINTENANCES: Final = 3
MAX_PAST: Final = 40
MAX_BARS: Final = 20
UPDATE_MAX: Final = 700

VERDICT: Final[dict[Verdict, tuple[str, str]]] = {
    Verdict.OPERATIONAL: ("🟢", "No, Claude is up"),
    Verdict.DEGRADED: ("🟡", "Claude is degraded"),
    Verdict.OUTAGE: ("🔴", "Yes, Claude is having an outage"),
    Verdict.UNKNOWN: ("❔", "Unknown: I can't read the status page"),
}

SQUARE: Final[dict[str, str]] = {
    "none": "🟩",
    "minor": "🟨",
    "major": "🟧",
    "critical": "🟥",
    "maintenance": "🟦",
}
NO_DATA: Final = "⬜"


def answer_message(
    answer: Answer, *, share: str | None = None, shared_by: str | None = None
) -> dict[str, Any]:
    """``text`` + ``blocks`` for ``answer``.

    ``share`` is the command's words: when given (and the answer is worth sharing), a button
    lets the asker post it in the channel. ``shared_by`` is the user id of who shared it.
    """
    match answer:
        case StatusAnswer():
            text, body = _status(answer)
        case HistoryAnswer():
            text, body = _history(answer)
        case TextAnswer():
            text, body = _text(answer)
            share = None
        case HelpAnswer():
            text, body = _help(answer)
            share = None
        case _:
            assert_never(answer)
    who = m.mention(shared_by)
    if who:
        body.append(b.context(f"Shared by {who}"))
    if share:
        body.append(b.button("📣 Share in channel", SHARE_ACTION, share))
    return {"text": b.cut(text, b.FALLBACK_MAX), "blocks": b.capped(body, "…and more")}


def note_message(note: str) -> dict[str, Any]:
    """A public line in the channel (who subscribed it), from the core's words."""
    line = m.body(note, b.SECTION_MAX)
    return {"text": line, "blocks": [b.section(line)]}


def _status(a: StatusAnswer) -> tuple[str, list[b.Block]]:
    emoji, verdict = VERDICT[a.verdict]
    description = m.inline(a.description, 200)
    headline = f"{emoji} *{verdict}*" + (f" · {description}" if description else "")
    out: list[b.Block] = [b.section(headline)]
    for incident in a.incidents[:MAX_INCIDENTS]:
        out.extend(_incident(incident, a.now))
    if len(a.incidents) > MAX_INCIDENTS:
        more = len(a.incidents) - MAX_INCIDENTS
        out.append(b.context(f"…and {more} more on {m.link(a.source, m.host(a.source))}"))
    affected = a.affected_components
    if affected:
        shown = affected[:MAX_COMPONENTS]
        lines = [f"• {m.inline(c.name, 200)}: {m.words(c.status)}" for c in shown]
        if len(affected) > MAX_COMPONENTS:
            lines.append(f"…and {len(affected) - MAX_COMPONENTS} more")
        out.extend(b.sections(lines, "*Affected components*"))
    for maintenance in a.maintenances[:MAX_MAINTENANCES]:
        out.append(b.section(_maintenance(maintenance)))
    out.append(b.divider())
    out.append(b.section(_advice(a.advice)))
    checked = f"checked {age_text(a.checked_at, a.now)}" if a.checked_at else "not read yet"
    out.append(b.context(f"Source: {m.link(a.source, m.host(a.source))} · {checked}"))
    fallback = f"{emoji} {verdict}" + (f": {description}" if description else "")
    if a.incidents:
        fallback += f" · {m.inline(a.incidents[0].name, 300)}"
    return fallback, out


def _incident(i: IncidentLine, now: datetime) -> list[b.Block]:
    emoji = EMOJI.get(Severity.from_impact(i.impact), EMOJI[Severity.UNKNOWN])
    began = f"began {age_text(i.started_at, now)}"
    facts = [f"{m.words(i.impact)} impact", m.words(i.status), began]
    head = f"{emoji} *{m.link(i.url, i.name, 500)}*\n" + " · ".join(facts)
    if i.components:
        head += "\nAffects: " + ", ".join(m.inline(c, 200) for c in i.components[:MAX_COMPONENTS])
    out = [b.section(head)]
    if i.latest_update:
        age = f"Latest, {age_text(i.latest_update_at, now)}:" if i.latest_update_at else "Latest:"
        out.append(b.context(age, m.body(i.latest_update, UPDATE_MAX)))
    return out


def _maintenance(mt: MaintenanceLine) -> str:
    window = ""
    if mt.scheduled_for and mt.scheduled_until:
        window = f" · {m.when(mt.scheduled_for)} → {m.when(mt.scheduled_until, '{time}')}"
    return f"🔵 *Maintenance:* {m.link(mt.url, mt.name)} · {m.words(mt.status)}{window}"


def _advice(advice: Advice) -> str:
    code = m.inline(advice.code, 40) if advice.code else ""
    heading = f"*What to do about {code}*" if code else "*What to do*"
    since = f" (seen for {advice.since_minutes} min)" if advice.since_minutes is not None else ""
    lines = [heading + since, m.linked(advice.summary)]
    lines += [f"{n}. {m.linked(step, 600)}" for n, step in enumerate(advice.steps, 1)]
    lines += [f"🚫 {m.linked(avoid, 600)}" for avoid in advice.avoid]
    return "\n".join(lines)


def _history(h: HistoryAnswer) -> tuple[str, list[b.Block]]:
    days = len(h.days)
    out: list[b.Block] = [b.section(f"📅 *The last {days} days*")]
    bars = [
        "".join(SQUARE.get(day, NO_DATA) for day in bar.days) + f"  {m.inline(bar.name, 120)}"
        for bar in h.bars[:MAX_BARS]
    ]
    out.extend(b.sections(bars))
    if h.days:
        span = f"{h.days[0]:%a %d %b} → {h.days[-1]:%a %d %b}"
        legend = "🟩 none 🟨 minor 🟧 major 🟥 critical 🟦 maintenance"
        out.append(b.context(span, legend))
    if h.incidents:
        lines = [_past(i) for i in h.incidents[:MAX_PAST]]
        if len(h.incidents) > MAX_PAST:
            lines.append(f"…and {len(h.incidents) - MAX_PAST} more")
        out.extend(b.sections(lines, "*Incidents*"))
    else:
        out.append(b.section(f"No incidents in the last {days} days."))
    if h.warnings:
        lines = [_warning(w) for w in h.warnings[:MAX_PAST]]
        out.extend(b.sections(lines, "*Early warnings*"))
    out.append(b.context(f"Source: {m.link(h.source, m.host(h.source))}"))
    return f"The last {days} days: {len(h.incidents)} incidents", out


def _past(i: PastIncident) -> str:
    emoji = EMOJI.get(Severity.from_impact(i.impact), EMOJI[Severity.UNKNOWN])
    lasted = duration_text(i.duration_minutes) if i.duration_minutes is not None else "ongoing"
    name = m.link(i.url, i.name, 300)
    return f"{emoji} {name} · {m.words(i.impact)} · {m.when(i.started_at)} · {lasted}"


def _warning(w: PastWarning) -> str:
    when = m.when(w.opened_at)
    if w.confirmed_incident is not None:
        name = m.inline(w.confirmed_incident, 200)
        return f"⏱️ {when} · confirmed by {name}, {w.lead_minutes or 0} min early"
    if w.closed_at is None:
        return f"⚠️ {when} · still open"
    return f"✅ {when} · cleared without an incident"


def _text(t: TextAnswer) -> tuple[str, list[b.Block]]:
    line = ("✅ " if t.ok else "⚠️ ") + m.body(t.text, b.SECTION_MAX - 10)
    return line, [b.section(line)]


def _help(h: HelpAnswer) -> tuple[str, list[b.Block]]:
    out: list[b.Block] = []
    if h.unknown:
        out.append(b.section(f"🤔 I didn't understand “{m.inline(h.unknown, 200)}”."))
    lines = [f"• *{m.inline(word, 120)}*: {m.inline(meaning, 300)}" for word, meaning in h.words]
    out.extend(b.sections(lines, "Type `/is-claude-down` and then, or mention me with:"))
    return "Type /is-claude-down with: " + ", ".join(m.inline(w, 60) for w, _ in h.words), out

"""Answers to ``/is-claude-down`` and mentions as Block Kit, with a plain-text fallback. Pure.

The verdict comes first, then what is going on, then what to do: the order a developer who
just got a 529 reads in five seconds.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final, assert_never

from adapters.slack.render import blocks as b
from adapters.slack.render import limits
from adapters.slack.render import markup as m
from bot.ask.advisor import Advice
from bot.ask.answers import (
    AlertsAnswer,
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
from bot.ask.community import CommunityLine
from bot.notify.notices import Severity
from bot.wording.answers import advice_heading
from bot.wording.durations import age_text, duration_text
from bot.wording.labels import (
    HISTORY_LEGEND,
    headline,
    history_bar,
    impact_label,
    last_days,
    severity_emoji,
)
from bot.wording.signals import warning_outcome
from bot.wording.text import and_more

SHARE_ACTION: Final = "share_answer"
MAX_INCIDENTS: Final = 5
MAX_COMPONENTS: Final = 15
MAX_MAINTENANCES: Final = 3
MAX_PAST: Final = 40
MAX_BARS: Final = 20
UPDATE_MAX: Final = 700


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
        case AlertsAnswer():
            text, body = _alerts(answer)
            share = None
        case _:
            assert_never(answer)
    who = m.mention(shared_by)
    if who:
        body.append(b.context(f"Shared by {who}"))
    if share:
        body.append(b.button("📣 Share in channel", SHARE_ACTION, share))
    return {"text": limits.cut(text, limits.FALLBACK_MAX), "blocks": b.capped(body, "… and more")}


def note_message(note: str) -> dict[str, Any]:
    """A public line in the channel (who subscribed it), from the core's words."""
    line = m.body(note, limits.SECTION_MAX)
    return {"text": line, "blocks": [b.section(line)]}


def _status(a: StatusAnswer) -> tuple[str, list[b.Block]]:
    emoji, verdict = headline(a.verdict)
    description = m.inline(a.description, 200)
    first = f"{emoji} *{verdict}*" + (f" · {description}" if description else "")
    out: list[b.Block] = [b.section(first)]
    for incident in a.incidents[:MAX_INCIDENTS]:
        out.extend(_incident(incident, a.now))
    if len(a.incidents) > MAX_INCIDENTS:
        more = len(a.incidents) - MAX_INCIDENTS
        out.append(b.context(f"{and_more(more)} on {m.link(a.source, m.host(a.source))}"))
    affected = a.affected_components
    if affected:
        shown = affected[:MAX_COMPONENTS]
        lines = [f"• {m.inline(c.name, 200)}: {m.words(c.status)}" for c in shown]
        if len(affected) > MAX_COMPONENTS:
            lines.append(and_more(len(affected) - MAX_COMPONENTS))
        out.extend(b.sections(lines, "*Affected components*"))
    for maintenance in a.maintenances[:MAX_MAINTENANCES]:
        out.append(b.section(_maintenance(maintenance)))
    if a.community:
        out.extend(b.sections([_community(c) for c in a.community], "*Community reports*"))
    out.append(b.divider())
    out.append(b.section(_advice(a.advice)))
    checked = f"checked {age_text(a.checked_at, a.now)}" if a.checked_at else "not read yet"
    out.append(b.context(f"Source: {m.link(a.source, m.host(a.source))} · {checked}"))
    fallback = f"{emoji} {verdict}" + (f": {description}" if description else "")
    if a.incidents:
        fallback += f" · {m.inline(a.incidents[0].name, 300)}"
    return fallback, out


def _incident(i: IncidentLine, now: datetime) -> list[b.Block]:
    emoji = severity_emoji(Severity.from_impact(i.impact))
    began = f"began {age_text(i.started_at, now)}"
    facts = [m.inline(impact_label(i.impact), 100), m.words(i.status), began]
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
    emoji = severity_emoji(Severity.MAINTENANCE)
    return f"{emoji} *Maintenance:* {m.link(mt.url, mt.name)} · {m.words(mt.status)}{window}"


def _community(line: CommunityLine) -> str:
    mark = "🔶" if line.elevated else "▫️"
    rows = [f"{mark} {m.inline(line.text, 300)}"]
    rows += [f"      • {m.link(post.url, post.title, 200)}" for post in line.links]
    return "\n".join(rows)


def _advice(advice: Advice) -> str:
    heading = f"*{m.inline(advice_heading(advice.code and advice.code[:40]), 80)}*"
    since = f" (seen for {advice.since_minutes} min)" if advice.since_minutes is not None else ""
    lines = [heading + since, m.linked(advice.summary)]
    lines += [f"{n}. {m.linked(step, 600)}" for n, step in enumerate(advice.steps, 1)]
    lines += [f"🚫 {m.linked(avoid, 600)}" for avoid in advice.avoid]
    return "\n".join(lines)


def _history(h: HistoryAnswer) -> tuple[str, list[b.Block]]:
    days = len(h.days)
    out: list[b.Block] = [b.section(f"📅 *{last_days(days)}*")]
    bars = [f"{history_bar(bar.days)}  {m.inline(bar.name, 120)}" for bar in h.bars[:MAX_BARS]]
    out.extend(b.sections(bars))
    if h.days:
        span = f"{h.days[0]:%a %d %b} → {h.days[-1]:%a %d %b}"
        out.append(b.context(span, HISTORY_LEGEND))
    if h.incidents:
        lines = [_past(i) for i in h.incidents[:MAX_PAST]]
        if len(h.incidents) > MAX_PAST:
            lines.append(and_more(len(h.incidents) - MAX_PAST))
        out.extend(b.sections(lines, "*Incidents*"))
    else:
        out.append(b.section(f"No incidents in {last_days(days).lower()}."))
    if h.warnings:
        lines = [_warning(w) for w in h.warnings[:MAX_PAST]]
        out.extend(b.sections(lines, "*Early warnings*"))
    out.append(b.context(f"Source: {m.link(h.source, m.host(h.source))}"))
    return f"{last_days(days)}: {len(h.incidents)} incidents", out


def _past(i: PastIncident) -> str:
    emoji = severity_emoji(Severity.from_impact(i.impact))
    lasted = duration_text(i.duration_minutes) if i.duration_minutes is not None else "ongoing"
    name = m.link(i.url, i.name, 300)
    return f"{emoji} {name} · {m.words(i.impact)} · {m.when(i.started_at)} · {lasted}"


def _warning(w: PastWarning) -> str:
    name = w.confirmed_incident
    emoji, outcome = warning_outcome(name and name[:200], w.lead_minutes, w.closed_at is not None)
    return f"{emoji} {m.when(w.opened_at)} · {m.inline(outcome, 300)}"


def _text(t: TextAnswer) -> tuple[str, list[b.Block]]:
    line = ("✅ " if t.ok else "⚠️ ") + m.body(t.text, limits.SECTION_MAX - 10)
    return line, [b.section(line)]


def _alerts(a: AlertsAnswer) -> tuple[str, list[b.Block]]:
    heading = m.inline(a.heading, 200)
    fields = [
        b.text(f"*{m.inline(name, 60)}*\n{m.inline(value, 200)}") for name, value in a.settings
    ]
    out: list[b.Block] = [b.section(f"🔔 *{heading}*"), {"type": "section", "fields": fields}]
    out.append(b.context("Change with `/is-claude-down alerts impact major`, `… updates off` …"))
    text = heading + ": " + "; ".join(f"{n}: {v}" for n, v in a.settings)
    return m.inline(text, limits.FALLBACK_MAX), out


def _help(h: HelpAnswer) -> tuple[str, list[b.Block]]:
    out: list[b.Block] = []
    if h.unknown:
        out.append(b.section(f"🤔 I didn't understand “{m.inline(h.unknown, 200)}”."))
    lines = [f"• *{m.inline(word, 120)}*: {m.inline(meaning, 300)}" for word, meaning in h.words]
    out.extend(b.sections(lines, "Type `/is-claude-down` and then, or mention me with:"))
    return "Type /is-claude-down with: " + ", ".join(m.inline(w, 60) for w, _ in h.words), out

"""Answers to ``/is-claude-down`` and mentions as Discord messages (embeds). Pure.

The verdict comes first, then what is going on, then what to do: the order a developer who
just got a 529 reads in five seconds.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from adapters.discord.render import limits
from adapters.discord.render.markup import (
    Message,
    escape,
    label,
    masked_link,
    safe_url,
    stamp,
    words,
)
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
from bot.detect.view import Verdict
from bot.notify.notices import Severity
from bot.wording.answers import advice_heading
from bot.wording.durations import duration_text
from bot.wording.labels import (
    HISTORY_LEGEND,
    headline_text,
    history_bar,
    impact_label,
    last_days,
    severity_emoji,
)
from bot.wording.signals import warning_outcome
from bot.wording.text import and_more

VERDICT_COLOUR: Final = {
    Verdict.OPERATIONAL: 0x2ECC71,
    Verdict.DEGRADED: 0xF1C40F,
    Verdict.OUTAGE: 0xE74C3C,
    Verdict.UNKNOWN: 0x7F8C8D,
}
MAX_INCIDENTS: Final = 5
UPDATE_EXCERPT: Final = 600


def answer_message(answer: Answer) -> Message:
    match answer:
        case StatusAnswer():
            return _status(answer)
        case HistoryAnswer():
            return _history(answer)
        case TextAnswer():
            return _text(answer)
        case HelpAnswer():
            return _help(answer)
        case AlertsAnswer():
            return _alerts(answer)


def _status(answer: StatusAnswer) -> Message:
    colour = VERDICT_COLOUR[answer.verdict]
    head: list[str] = [f"**{escape(answer.description)}**"] if answer.description else []
    if answer.checked_at is not None:
        head.append(f"Checked {stamp(answer.checked_at)} on {escape(answer.source)}")
    else:
        head.append(f"I have not read {escape(answer.source)} yet.")
    fields = [_incident_field(i, answer.now) for i in answer.incidents[:MAX_INCIDENTS]]
    if len(answer.incidents) > MAX_INCIDENTS:
        more = len(answer.incidents) - MAX_INCIDENTS
        fields.append({"name": and_more(more), "value": escape(answer.source)})
    affected = answer.affected_components
    if affected:
        lines = [f"{escape(c.name)}: {words(c.status)}" for c in affected]
        fields.append({"name": "Affected components", "value": "\n".join(lines)})
    if answer.maintenances:
        lines = [_maintenance_line(m) for m in answer.maintenances]
        fields.append({"name": "Maintenance", "value": "\n".join(lines)})
    if answer.community:
        lines = [_community_lines(c) for c in answer.community]
        fields.append({"name": "Community reports", "value": _join_within(lines, None)})
    status: dict[str, Any] = {
        "title": headline_text(answer.verdict),
        "description": "\n".join(head),
        "color": colour,
        "fields": fields,
    }
    url = safe_url(answer.source)
    if url:
        status["url"] = url
    return Message(embeds=tuple(limits.fit([status, _advice(answer, colour)])))


def _incident_field(incident: IncidentLine, now: datetime) -> dict[str, Any]:
    impact = Severity.from_impact(incident.impact)
    name = f"{severity_emoji(impact)} {escape(incident.name)}"
    meta = (
        f"{words(incident.status)} · {label(impact_label(incident.impact))}"
        f" · began {stamp(incident.started_at)}"
    )
    lines = [meta]
    if incident.latest_update:
        update = limits.cut(escape(incident.latest_update.strip()), UPDATE_EXCERPT)
        when = f" ({stamp(incident.latest_update_at)})" if incident.latest_update_at else ""
        lines.append(f"Latest{when}: {update}")
    if incident.components:
        lines.append("Affects: " + ", ".join(escape(c) for c in incident.components))
    url = safe_url(incident.url)
    if url:
        lines.append(url)
    return {"name": limits.cut(name, limits.FIELD_NAME), "value": _join_within(lines, url)}


def _join_within(lines: list[str], keep_last: str | None) -> str:
    """Lines joined within a field's limit; the link, when last, is kept whole."""
    if keep_last is None:
        return limits.cut("\n".join(lines), limits.FIELD_VALUE)
    body = limits.cut("\n".join(lines[:-1]), limits.FIELD_VALUE - len(keep_last) - 1)
    return f"{body}\n{keep_last}"


def _community_lines(line: CommunityLine) -> str:
    mark = "🔶" if line.elevated else "▫️"
    rows = [f"{mark} {escape(line.text)}"]
    rows += [f"   • {masked_link(post.title, post.url)}" for post in line.links]
    return "\n".join(rows)


def _maintenance_line(m: MaintenanceLine) -> str:
    window = ""
    if m.scheduled_for and m.scheduled_until:
        window = f" · {stamp(m.scheduled_for, 'f')} – {stamp(m.scheduled_until, 't')}"
    return f"{severity_emoji(Severity.MAINTENANCE)} {escape(m.name)} ({words(m.status)}){window}"


def _advice(answer: StatusAnswer, colour: int) -> dict[str, Any]:
    advice = answer.advice
    title = escape(advice_heading(advice.code))
    lines = [escape(advice.summary, keep_code=True)]
    lines += [f"{n}. {escape(step, keep_code=True)}" for n, step in enumerate(advice.steps, 1)]
    lines += [f"🚫 {escape(avoid, keep_code=True)}" for avoid in advice.avoid]
    embed: dict[str, Any] = {"title": title, "description": "\n".join(lines), "color": colour}
    if advice.team_reports:
        who = "1 teammate" if advice.team_reports == 1 else f"{advice.team_reports} teammates"
        embed["footer"] = {"text": f"{who} reported problems in the last 30 min"}
    return embed


def _history(answer: HistoryAnswer) -> Message:
    days = answer.days
    span = f"{days[0]:%b %d} → {days[-1]:%b %d}" if days else ""
    bars = [f"{history_bar(bar.days)}  {escape(bar.name)}" for bar in answer.bars]
    shown = [*bars, "", HISTORY_LEGEND] if bars else ["No components on the page."]
    summary: dict[str, Any] = {
        "title": f"📊 {last_days(len(days))}" + (f" ({span})" if span else ""),
        "description": "\n".join(shown),
        "color": 0x3498DB,
    }
    lines = [_past_line(i) for i in answer.incidents]
    incidents: dict[str, Any] = {
        "title": f"Incidents ({len(answer.incidents)})",
        "description": _lines_within(lines, limits.DESCRIPTION) if lines else "None. 🎉",
        "color": 0x3498DB,
    }
    url = safe_url(answer.source)
    if url:
        incidents["url"] = url
    embeds = [summary, incidents]
    if answer.warnings:
        embeds.append(
            {
                "title": f"Early warnings ({len(answer.warnings)})",
                "description": _lines_within(
                    [_warning_line(w) for w in answer.warnings], limits.DESCRIPTION
                ),
                "color": 0x7F8C8D,
            }
        )
    return Message(embeds=tuple(limits.fit(embeds)))


def _warning_line(warning: PastWarning) -> str:
    confirmed_by = warning.confirmed_incident
    emoji, outcome = warning_outcome(
        confirmed_by and confirmed_by[:200], warning.lead_minutes, warning.closed_at is not None
    )
    return f"{emoji} {stamp(warning.opened_at, 'f')} · {escape(outcome)}"


def _past_line(incident: PastIncident) -> str:
    impact = Severity.from_impact(incident.impact)
    minutes = incident.duration_minutes
    duration = duration_text(minutes) if minutes is not None else "ongoing"
    name = limits.cut(escape(incident.name), 200)
    url = safe_url(incident.url)
    link = f" · {url}" if url else ""
    when = stamp(incident.started_at, "d")
    return f"{severity_emoji(impact)} {when} **{name}** · {duration}{link}"


def _lines_within(lines: list[str], limit: int) -> str:
    """As many whole lines as fit, then "… and N more"."""
    kept: list[str] = []
    used = 0
    for index, line in enumerate(lines):
        more = and_more(len(lines) - index)
        if used + len(line) + 1 + len(more) + 1 > limit:
            kept.append(more)
            break
        kept.append(line)
        used += len(line) + 1
    return "\n".join(kept)


def _text(answer: TextAnswer) -> Message:
    prefix = "" if answer.ok else "🚫 "
    return Message(
        content=limits.cut(prefix + escape(answer.text), limits.CONTENT), ephemeral=not answer.ok
    )


def _alerts(answer: AlertsAnswer) -> Message:
    embed = {
        "title": escape(limits.cut(answer.heading, 200)),
        "color": 0x3498DB,
        "fields": [
            {"name": escape(name), "value": escape(value), "inline": True}
            for name, value in answer.settings
        ],
        "footer": {"text": "Change with /is-claude-down alerts"},
    }
    return Message(embeds=tuple(limits.fit([embed])))


def _help(answer: HelpAnswer) -> Message:
    intro = "Use `/is-claude-down` or mention me with these words, e.g. `@is-claude-down 529 12m`."
    if answer.unknown:
        intro = f"I did not understand “{escape(limits.cut(answer.unknown, 200))}”.\n" + intro
    embed = {
        "title": "What I understand",
        "description": intro,
        "color": 0x3498DB,
        "fields": [{"name": escape(w), "value": escape(m)} for w, m in answer.words],
    }
    return Message(embeds=tuple(limits.fit([embed])), ephemeral=answer.unknown is not None)

"""Notices and answers as Discord messages (embeds as JSON dicts). Pure: no IO.

All escaping lives here. Text from the feed (names, update bodies, component names) and
from users is untrusted: ``escape`` makes it inert markdown that cannot mention anyone, hide
a link behind other words, or reorder what is shown; every message also goes out with no
allowed mentions (``delivery``, ``listeners``), so even a missed escape cannot ping.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from discord.utils import escape_mentions

from adapters.discord import limits
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
from bot.notify.notices import Notice, NoticeKind, Severity
from bot.wording import duration_text

FOOTER: Final = "is-claude-down"

SEVERITY_COLOUR: Final = {
    Severity.NONE: 0x95A5A6,
    Severity.MINOR: 0xF1C40F,
    Severity.MAJOR: 0xE67E22,
    Severity.CRITICAL: 0xE74C3C,
    Severity.MAINTENANCE: 0x3498DB,
    Severity.RESOLVED: 0x2ECC71,
    Severity.UNKNOWN: 0x7F8C8D,
}
SEVERITY_EMOJI: Final = {
    Severity.NONE: "⚪",
    Severity.MINOR: "🟡",
    Severity.MAJOR: "🟠",
    Severity.CRITICAL: "🔴",
    Severity.MAINTENANCE: "🔧",
    Severity.RESOLVED: "✅",
    Severity.UNKNOWN: "❔",
}
VERDICT_COLOUR: Final = {
    Verdict.OPERATIONAL: 0x2ECC71,
    Verdict.DEGRADED: 0xF1C40F,
    Verdict.OUTAGE: 0xE74C3C,
    Verdict.UNKNOWN: 0x7F8C8D,
}
VERDICT_HEADLINE: Final = {
    Verdict.OPERATIONAL: "🟢 Claude is up",
    Verdict.DEGRADED: "🟡 Claude is degraded",
    Verdict.OUTAGE: "🔴 Claude is down",
    Verdict.UNKNOWN: "❔ Claude's status is unknown",
}
DAY_SQUARE: Final = {
    "none": "🟩",
    "minor": "🟨",
    "major": "🟧",
    "critical": "🟥",
    "maintenance": "🟦",
}
KIND_LABEL: Final = {
    NoticeKind.INCIDENT_STARTED: "Incident",
    NoticeKind.INCIDENT_UPDATED: "Update",
    NoticeKind.INCIDENT_RESOLVED: "Resolved",
    NoticeKind.COMPONENT_CHANGED: "Component",
    NoticeKind.MAINTENANCE_SCHEDULED: "Maintenance scheduled",
    NoticeKind.MAINTENANCE_STARTED: "Maintenance",
    NoticeKind.MAINTENANCE_COMPLETED: "Maintenance completed",
}
"""Feed notices carry our own title ("Can't read the status page") and need no label."""
INCIDENT_KINDS: Final = frozenset(
    {NoticeKind.INCIDENT_STARTED, NoticeKind.INCIDENT_UPDATED, NoticeKind.INCIDENT_RESOLVED}
)
MAX_INCIDENTS: Final = 5
UPDATE_EXCERPT: Final = 600
NOTICE_TEXT: Final = 3000

# Characters that change how text is shown without being seen: bidirectional overrides and
# isolates (they can make "exe.txt" read "txt.exe"), invisible joiners used to dodge filters,
# and control characters. Zero-width (non-)joiners stay: emoji and some scripts need them.
_INVISIBLE = re.compile("[\u00ad\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_NEWLINES = re.compile("\r\n|[\r\u2028\u2029\x0b\x0c\x85]")
_URL = re.compile(r"https?://[^\s<>\[\]()|*`\\\"']+")
_MARKDOWN = re.compile(r"([\\*_~|`\[\]<>])")
_LINE_START = re.compile(r"^(\s*)([#-])", re.MULTILINE)
_NUMBERED = re.compile(r"^(\s*\d+)\.", re.MULTILINE)
_CODE_SPAN = re.compile(r"`[^`\n]{1,200}`")
_SAFE_URL = re.compile(r"https?://[^\s<>\[\]()|*`\\\"']{1,2000}")


@dataclass(frozen=True)
class Message:
    """What to send: ``content`` and embeds as Discord's JSON. ``ephemeral`` only applies to
    an interaction response (only the user who asked sees it)."""

    content: str | None = None
    embeds: tuple[dict[str, Any], ...] = ()
    ephemeral: bool = False


def clean(text: str) -> str:
    """Newlines made plain and invisible or control characters removed."""
    text = _NEWLINES.sub("\n", text)
    return _CONTROL.sub("", _INVISIBLE.sub("", text))


def escape(text: str, *, keep_code: bool = False) -> str:
    """``text`` shown literally in Discord markdown.

    Every markdown character is backslash-escaped (Discord hides the backslash), except in
    bare URLs, which stay clickable; ``@everyone``, ``@here`` and ``@id`` get a zero-width
    space. ``discord.utils.escape_markdown`` alone is not enough: it escapes only the first
    of several masked links in a line, so ``[a](x) [Claude status](https://evil)`` would
    still show a disguised link. ``keep_code`` keeps our own `code spans` (the playbook's).
    """
    text = clean(text)
    if keep_code:
        parts = _split(text, _CODE_SPAN)
        return "".join(p if is_code else _escape_plain(p) for p, is_code in parts)
    return _escape_plain(text)


def _escape_plain(text: str) -> str:
    out = []
    for part, is_url in _split(text, _URL):
        if is_url:
            out.append(part)
            continue
        part = _MARKDOWN.sub(r"\\\1", part)
        part = _LINE_START.sub(r"\1\\\2", part)
        out.append(_NUMBERED.sub(r"\1\\.", part))
    return escape_mentions("".join(out))


def _split(text: str, pattern: re.Pattern[str]) -> list[tuple[str, bool]]:
    parts: list[tuple[str, bool]] = []
    last = 0
    for match in pattern.finditer(text):
        parts.append((text[last : match.start()], False))
        parts.append((match.group(0), True))
        last = match.end()
    parts.append((text[last:], False))
    return [p for p in parts if p[0]]


def safe_url(url: str | None) -> str | None:
    """``url`` when it is a plain http(s) URL Discord accepts as a link, else None: a
    ``javascript:`` or malformed link from the feed would get the whole message rejected."""
    if url and _SAFE_URL.fullmatch(url):
        return url
    return None


def stamp(when: datetime, style: str = "R") -> str:
    """Discord's timestamp markup: every reader sees it in their own time zone."""
    return f"<t:{int(when.timestamp())}:{style}>"


def words(status: str) -> str:
    """``partial_outage`` -> ``Partial outage``."""
    text = clean(status).replace("_", " ").strip()
    return escape(text[:1].upper() + text[1:])


# Notices ---------------------------------------------------------------------------------


def notice_message(notice: Notice) -> Message:
    """A notice as one embed. A thread root whose ``ended_at`` is set is its closed form
    ("Resolved after 47 min"), used to edit the start message."""
    closed = notice.is_root and notice.ended_at is not None
    severity = Severity.RESOLVED if closed else notice.severity
    label = KIND_LABEL.get(notice.kind)
    if closed:
        label = _status_word(notice.status)
    title = escape(notice.title)
    if label:
        title = f"{label}: {title}"
    title = f"{SEVERITY_EMOJI[severity]} {title}"
    if notice.is_test:
        title = f"[TEST] {title}"

    lines: list[str] = []
    minutes = notice.duration_minutes
    if minutes is not None and (closed or notice.kind is NoticeKind.INCIDENT_RESOLVED):
        lines.append(f"**{_status_word(notice.status)} after {duration_text(minutes)}.**")
    if notice.early_warning_minutes:
        lines.append(
            f"⏱️ Seen early: the early warning fired {notice.early_warning_minutes} min before "
            "the status page posted it."
        )
    if notice.text.strip():
        lines.append(limits.cut(escape(notice.text.strip()), NOTICE_TEXT))

    fields = [{"name": "Status", "value": words(notice.status) or "—", "inline": True}]
    if notice.kind in INCIDENT_KINDS and not closed and severity is not Severity.RESOLVED:
        fields.append({"name": "Impact", "value": words(notice.severity.value), "inline": True})
    if notice.started_at is not None:
        fields.append({"name": "Started", "value": stamp(notice.started_at, "f"), "inline": True})
    if notice.ended_at is not None:
        fields.append({"name": "Ended", "value": stamp(notice.ended_at, "f"), "inline": True})
    if notice.components:
        names = ", ".join(escape(c) for c in notice.components)
        fields.append({"name": "Components", "value": names, "inline": False})

    footer = FOOTER + (" · test alert, not a real incident" if notice.is_test else "")
    embed: dict[str, Any] = {
        "title": title,
        "color": SEVERITY_COLOUR[severity],
        "fields": fields,
        "footer": {"text": footer},
        "timestamp": _iso(notice.at),
    }
    if lines:
        embed["description"] = "\n\n".join(lines)
    url = safe_url(notice.url)
    if url:
        embed["url"] = url
    return Message(embeds=tuple(limits.fit([embed])))


def _status_word(status: str) -> str:
    return words(status) or "Closed"


# Answers ---------------------------------------------------------------------------------


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
        fields.append({"name": f"… and {more} more", "value": escape(answer.source)})
    affected = answer.affected_components
    if affected:
        lines = [f"{escape(c.name)}: {words(c.status)}" for c in affected]
        fields.append({"name": "Affected components", "value": "\n".join(lines)})
    if answer.maintenances:
        lines = [_maintenance_line(m) for m in answer.maintenances]
        fields.append({"name": "Maintenance", "value": "\n".join(lines)})
    status: dict[str, Any] = {
        "title": VERDICT_HEADLINE[answer.verdict],
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
    name = f"{SEVERITY_EMOJI[impact]} {escape(incident.name)}"
    meta = (
        f"{words(incident.status)} · {words(incident.impact)} impact"
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


def _maintenance_line(m: MaintenanceLine) -> str:
    window = ""
    if m.scheduled_for and m.scheduled_until:
        window = f" · {stamp(m.scheduled_for, 'f')} – {stamp(m.scheduled_until, 't')}"
    return f"{SEVERITY_EMOJI[Severity.MAINTENANCE]} {escape(m.name)} ({words(m.status)}){window}"


def _advice(answer: StatusAnswer, colour: int) -> dict[str, Any]:
    advice = answer.advice
    title = "What to do" + (f" about {escape(advice.code)}" if advice.code else "")
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
    bars = [
        "".join(DAY_SQUARE.get(day, "⬜") for day in bar.days) + "  " + escape(bar.name)
        for bar in answer.bars
    ]
    legend = "🟩 quiet · 🟨 minor · 🟧 major · 🟥 critical · 🟦 maintenance"
    summary: dict[str, Any] = {
        "title": f"📊 The last {len(days)} days" + (f" ({span})" if span else ""),
        "description": "\n".join([*bars, "", legend]) if bars else "No components on the page.",
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
    when = stamp(warning.opened_at, "f")
    if warning.confirmed_incident is not None:
        name = limits.cut(escape(warning.confirmed_incident), 200)
        return f"⏱️ {when} · confirmed by **{name}**, {warning.lead_minutes or 0} min early"
    if warning.closed_at is None:
        return f"⚠️ {when} · still open"
    return f"✅ {when} · cleared without an incident"


def _past_line(incident: PastIncident) -> str:
    impact = Severity.from_impact(incident.impact)
    minutes = incident.duration_minutes
    duration = duration_text(minutes) if minutes is not None else "ongoing"
    name = limits.cut(escape(incident.name), 200)
    url = safe_url(incident.url)
    link = f" · {url}" if url else ""
    when = stamp(incident.started_at, "d")
    return f"{SEVERITY_EMOJI[impact]} {when} **{name}** · {duration}{link}"


def _lines_within(lines: list[str], limit: int) -> str:
    """As many whole lines as fit, then "… and N more"."""
    kept: list[str] = []
    used = 0
    for index, line in enumerate(lines):
        tail = len(f"\n… and {len(lines) - index} more")
        if used + len(line) + 1 + tail > limit:
            kept.append(f"… and {len(lines) - index} more")
            break
        kept.append(line)
        used += len(line) + 1
    return "\n".join(kept)


def _text(answer: TextAnswer) -> Message:
    prefix = "" if answer.ok else "🚫 "
    return Message(
        content=limits.cut(prefix + escape(answer.text), limits.CONTENT), ephemeral=not answer.ok
    )


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


def _iso(when: datetime) -> str:
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat()

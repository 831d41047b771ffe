"""Notices as Slack messages: a title line, then an attachment in the impact's colour. Pure.

The title line is the message text (shown, and used for notifications); the attachment holds
the update text, status, components, times and link. Every notice carries its title, so a
reply posted as a root when its thread is gone still says what it is about.
"""

from __future__ import annotations

from typing import Any, Final

from adapters.slack.render import blocks as b
from adapters.slack.render import limits
from adapters.slack.render import markup as m
from bot.notify.notices import Earlier, Notice, Severity
from bot.wording.labels import (
    TEST_EMOJI,
    TEST_NOTE,
    TEST_WORD,
    closed_label,
    notice_label,
    severity_emoji,
)
from bot.wording.signals import EARLY_EMOJI, back_again, seen_early

BODY_MAX: Final = 2900

COLOR: Final[dict[Severity, str]] = {
    Severity.CRITICAL: "#c0392b",
    Severity.MAJOR: "#e67e22",
    Severity.MINOR: "#f1c40f",
    Severity.NONE: "#95a5a6",
    Severity.MAINTENANCE: "#3498db",
    Severity.RESOLVED: "#2ecc71",
    Severity.UNKNOWN: "#7f8c8d",
}


def notice_message(notice: Notice) -> dict[str, Any]:
    """``chat.postMessage`` / ``chat.update`` arguments for ``notice``."""
    title = title_line(notice)
    return {
        "text": limits.cut(title, limits.FALLBACK_MAX),
        "attachments": [
            {
                "color": COLOR.get(notice.severity, COLOR[Severity.UNKNOWN]),
                "fallback": limits.cut(title, limits.FALLBACK_MAX),
                "blocks": b.capped(_details(notice), "…"),
            }
        ],
    }


def title_line(notice: Notice) -> str:
    name = m.inline(notice.title, 500) or "Claude status"
    test = f"{TEST_EMOJI} *{TEST_WORD}* · " if notice.is_test else ""
    ended = notice.ended_at is not None
    closed = closed_label(notice.kind, notice.duration_minutes) if ended else None
    if closed is not None:
        return f"{test}{severity_emoji(Severity.RESOLVED)} *{closed}:* {name}"
    label = notice_label(notice.kind, notice.severity)
    return f"{test}{severity_emoji(notice.severity)} *{label}:* {name}"


def _back_again(earlier: Earlier) -> str:
    """ "Back 12 minutes after … was resolved", linking this channel's earlier notice (else
    the earlier incident on the status page)."""
    line = f"🔁 {m.escape(back_again(earlier.minutes, earlier.title))}"
    root = earlier.root or {}
    link = None
    if root.get("channel") and root.get("id"):
        link = m.safe_url(
            f"https://slack.com/archives/{root['channel']}/p{str(root['id']).replace('.', '')}"
        )
    link = link or m.safe_url(earlier.url)
    return f"{line} <{link}|The earlier notice>" if link else line


def _details(notice: Notice) -> list[b.Block]:
    out: list[b.Block] = []
    if notice.text.strip():
        out.append(b.section(m.body(notice.text, BODY_MAX)))
    if notice.links:
        out.append(b.section("\n".join(f"• {m.link(x.url, x.title, 200)}" for x in notice.links)))
    facts = [f"*Status:* {m.words(notice.status)}"] if notice.status.strip() else []
    if notice.components:
        names = ", ".join(m.inline(c, 200) for c in notice.components[:20])
        more = f" and {len(notice.components) - 20} more" if len(notice.components) > 20 else ""
        facts.append(f"*Affects:* {names}{more}")
    if notice.started_at is not None:
        span = m.when(notice.started_at)
        if notice.ended_at is not None:
            span += f" → {m.when(notice.ended_at, '{time}')}"
        facts.append(span)
    if facts:
        out.append(b.context(*facts))
    if notice.early_warning_minutes is not None:
        out.append(b.context(f"{EARLY_EMOJI} {m.escape(seen_early(notice.early_warning_minutes))}"))
    if notice.earlier is not None:
        out.append(b.context(_back_again(notice.earlier)))
    if notice.is_test:
        out.append(b.context(f"{TEST_EMOJI} {TEST_NOTE}"))
    url = m.safe_url(notice.url)
    if url:
        out.append(b.context(f"<{url}|Open on the status page>"))
    if not out:
        out.append(b.context(m.when(notice.at)))
    return out

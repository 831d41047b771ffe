"""Notices as Discord messages: one embed in the impact's colour. Pure."""

from __future__ import annotations

from typing import Any, Final

from adapters.discord.render import limits
from adapters.discord.render.markup import (
    Message,
    escape,
    iso,
    masked_link,
    safe_url,
    stamp,
    words,
)
from bot.notify.notices import Earlier, Notice, NoticeKind, Severity
from bot.wording.durations import ended_after
from bot.wording.labels import (
    TEST_EMOJI,
    TEST_NOTE,
    TEST_WORD,
    closed_label,
    notice_label,
    severity_emoji,
)
from bot.wording.signals import EARLY_EMOJI, back_again, seen_early

FOOTER: Final = "is-claude-down"
NOTICE_TEXT: Final = 3000

SEVERITY_COLOUR: Final = {
    Severity.NONE: 0x95A5A6,
    Severity.MINOR: 0xF1C40F,
    Severity.MAJOR: 0xE67E22,
    Severity.CRITICAL: 0xE74C3C,
    Severity.MAINTENANCE: 0x3498DB,
    Severity.RESOLVED: 0x2ECC71,
    Severity.UNKNOWN: 0x7F8C8D,
}
INCIDENT_KINDS: Final = frozenset(
    {NoticeKind.INCIDENT_STARTED, NoticeKind.INCIDENT_UPDATED, NoticeKind.INCIDENT_RESOLVED}
)


def _back_again(earlier: Earlier) -> str:
    """ "Back 12 minutes after … was resolved", linking this channel's earlier notice (else
    the earlier incident on the status page)."""
    line = f"🔁 {escape(back_again(earlier.minutes, earlier.title))}"
    root = earlier.root or {}
    link = None
    if root.get("channel") and root.get("id"):
        guild = earlier.workspace or "@me"
        link = safe_url(f"https://discord.com/channels/{guild}/{root['channel']}/{root['id']}")
    link = link or safe_url(earlier.url)
    return f"{line} [The earlier notice]({link})" if link else line


def notice_message(notice: Notice) -> Message:
    """A notice as one embed. A thread root whose ``ended_at`` is set is its closed form
    ("Resolved after 47 min: ..."), used to edit the start message."""
    closed = notice.is_root and notice.ended_at is not None
    severity = Severity.RESOLVED if closed else notice.severity
    label = closed_label(notice.kind, notice.duration_minutes) if closed else None
    label = label or notice_label(notice.kind, notice.severity)
    title = f"{severity_emoji(severity)} {label}: {escape(notice.title)}"
    if notice.is_test:
        title = f"{TEST_EMOJI} {TEST_WORD} · {title}"

    lines: list[str] = []
    minutes = notice.duration_minutes
    if minutes is not None and notice.kind is NoticeKind.INCIDENT_RESOLVED:
        lines.append(f"**{words(notice.status) or 'Resolved'} {ended_after(minutes)}.**")
    if notice.early_warning_minutes:
        lines.append(f"{EARLY_EMOJI} {escape(seen_early(notice.early_warning_minutes))}")
    if notice.earlier is not None:
        lines.append(_back_again(notice.earlier))
    if notice.is_test:
        lines.append(f"{TEST_EMOJI} {TEST_NOTE}")
    if notice.text.strip():
        lines.append(limits.cut(escape(notice.text.strip()), NOTICE_TEXT))
    if notice.links:
        lines.append("\n".join(f"• {masked_link(x.title, x.url)}" for x in notice.links))

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

    embed: dict[str, Any] = {
        "title": title,
        "color": SEVERITY_COLOUR[severity],
        "fields": fields,
        "footer": {"text": FOOTER},
        "timestamp": iso(notice.at),
    }
    if lines:
        embed["description"] = "\n\n".join(lines)
    url = safe_url(notice.url)
    if url:
        embed["url"] = url
    return Message(embeds=tuple(limits.fit([embed])))

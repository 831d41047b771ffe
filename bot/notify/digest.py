"""The digest at the end of a channel's quiet hours: what was held, told once. Pure.

Each thread (an incident, a maintenance, the feed, an early warning) is one line, however many
notices it had meanwhile: its title and what happened to it ("Incident, 2 updates, Resolved").
An incident still open gets its start notice with the story so far right after the digest, so
its thread goes on from then as usual.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.notify.compose import incident_root
from bot.notify.deliveries import Delivery
from bot.notify.notices import Action, Notice, NoticeKind, Severity
from bot.notify.ports import Target
from bot.notify.story import with_story
from bot.statuspage.models import Incident
from bot.wording.labels import NOTICE_LABEL
from bot.wording.text import and_more, one_line

MAX_LINES = 20
_RANK = {Severity.MINOR: 1, Severity.MAJOR: 2, Severity.CRITICAL: 3}


def digests(
    held: Sequence[Delivery], open_incidents: Sequence[Incident], now: datetime
) -> list[Delivery]:
    """For each channel with held deliveries (in the order they were queued): one digest,
    then a story start notice for each of its incidents still open."""
    by_target: dict[Target, list[Delivery]] = {}
    for d in held:
        by_target.setdefault(d.target, []).append(d)
    still_open = {f"incident:{i.id}": i for i in open_incidents}
    out: list[Delivery] = []
    for target, rows in by_target.items():
        threads: dict[str, list[Notice]] = {}
        for d in rows:
            threads.setdefault(d.notice.thread_key or d.event_id, []).append(d.notice)
        tag = f"digest:{now.isoformat()}"
        out.append(Delivery(tag, Action.POST, target, _digest_notice(threads, still_open, now)))
        for key in threads:
            incident = still_open.get(key)
            if incident is not None:
                root = incident_root(incident, incident.latest_update)
                notice = with_story(root, incident)
                out.append(Delivery(f"{tag}:{key}", Action.POST, target, notice))
    return out


def _digest_notice(
    threads: dict[str, list[Notice]], still_open: dict[str, Incident], now: datetime
) -> Notice:
    lines = [_line(notices, key in still_open) for key, notices in threads.items()]
    if len(lines) > MAX_LINES:
        lines = [*lines[:MAX_LINES], and_more(len(lines) - MAX_LINES)]
    worst = max(
        (n.severity for notices in threads.values() for n in notices),
        key=lambda s: _RANK.get(s, 0),
    )
    return Notice(
        kind=NoticeKind.DIGEST,
        title=f"{len(threads)} thing{'s' if len(threads) != 1 else ''} happened",
        severity=worst if worst in _RANK else Severity.NONE,
        status="",
        text="\n".join(lines),
        at=now,
    )


def _line(notices: list[Notice], open_now: bool) -> str:
    """``• Elevated errors: Major incident, 2 × Update, Resolved``."""
    steps: dict[str, int] = {}
    for n in notices:
        if n.kind is NoticeKind.INCIDENT_STARTED and n.ended_at is not None:
            continue  # the root's edit: the resolution says it
        label = NOTICE_LABEL.get(n.kind.value, "Notice")
        steps[label] = steps.get(label, 0) + 1
    told = ", ".join(f"{count} × {label}" if count > 1 else label for label, count in steps.items())
    tail = " (still open: its thread follows)" if open_now else ""
    return f"• {one_line(notices[0].title)}: {told}{tail}"

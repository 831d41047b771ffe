"""An incident's story so far, as one start notice. Pure.

A channel that wants only major incidents skips a minor one; when the feed raises it to major,
the channel's first notice must tell what it missed: this start notice carries every update so
far, oldest first, and the incident's thread goes on from it as usual.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC
from typing import Final

from bot.notify.notices import Notice
from bot.statuspage.models import Incident
from bot.wording.labels import status_label

MAX_STORY_UPDATES: Final = 8
"""The latest updates told in full; older ones are counted (renderers cut long text too)."""


def story_text(incident: Incident) -> str:
    """``09:12 UTC · Investigating: …`` per update, oldest first."""
    updates = incident.updates_oldest_first()
    lines = [
        f"{u.shown_at.astimezone(UTC):%H:%M} UTC · {status_label(u.status).capitalize()}: {u.body}"
        for u in updates[-MAX_STORY_UPDATES:]
    ]
    if len(updates) > MAX_STORY_UPDATES:
        lines.insert(0, f"({len(updates) - MAX_STORY_UPDATES} earlier updates)")
    return "\n".join(lines)


def with_story(root: Notice, incident: Incident) -> Notice:
    """``root`` (an incident's start notice) telling the story so far instead of one update."""
    told = story_text(incident)
    return replace(root, text=told) if told else root

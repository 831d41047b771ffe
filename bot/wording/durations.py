"""How long something lasted and how long ago it was, in the words every renderer shows."""

from __future__ import annotations

from datetime import datetime


def duration_text(minutes: int) -> str:
    """How long something lasted: ``47 min``, ``2 h 5 min``, ``3 days 4 h``."""
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    days, hours = divmod(hours, 24)
    unit = "day" if days == 1 else "days"
    return f"{days} {unit} {hours} h" if hours else f"{days} {unit}"


def ended_after(minutes: int) -> str:
    """``after 47 min``, or ``within a minute`` for what ended as soon as it began."""
    return "within a minute" if minutes == 0 else f"after {duration_text(minutes)}"


def age_text(then: datetime, now: datetime) -> str:
    """How long ago: ``"just now"``, ``"12 min ago"``, ``"3 h ago"``, ``"2 days ago"``; never
    negative (a clock a little behind the feed's says "just now")."""
    seconds = max(0.0, (now - then).total_seconds())
    if seconds < 90:
        return "just now"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} min ago"
    if seconds < 36 * 3600:
        return f"{round(seconds / 3600)} h ago"
    return f"{round(seconds / 86400)} days ago"

"""The labels a user reads before the details: the verdict headline, a feed's statuses and
impacts, what a notice is, and the squares of a component's history.

Keys are the string values of the core's enums (``Verdict``, ``Severity``, ``NoticeKind``), so
this module imports nothing of the core and any module may use it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from bot.wording.durations import ended_after
from bot.wording.text import capitalised, one_line

# --- the verdict ------------------------------------------------------------------------

HEADLINE: Final[Mapping[str, tuple[str, str]]] = {
    "operational": ("🟢", "No, Claude is up"),
    "degraded": ("🟡", "Claude is degraded"),
    "outage": ("🔴", "Yes, Claude is having an outage"),
    "unknown": ("❔", "Unknown: I can't read the status page"),
}
"""The answer to "is Claude down?" by verdict: its emoji and its words, the question answered
first (yes or no) so that it reads at a glance."""


def headline(verdict: str) -> tuple[str, str]:
    """The emoji and the words of a ``Verdict`` (``verdict.value``), for renderers that mark up
    the words (Slack bolds them)."""
    return HEADLINE.get(verdict, HEADLINE["unknown"])


def headline_text(verdict: str) -> str:
    """``"🟢 No, Claude is up"``."""
    emoji, words = headline(verdict)
    return f"{emoji} {words}"


# --- impact and status ------------------------------------------------------------------

SEVERITY_EMOJI: Final[Mapping[str, str]] = {
    "none": "⚪",
    "minor": "🟡",
    "major": "🟠",
    "critical": "🔴",
    "maintenance": "🔧",
    "resolved": "✅",
    "unknown": "❔",
}
"""By ``Severity`` (an incident's impact, or ours: maintenance, resolved, unknown)."""


def severity_emoji(severity: str) -> str:
    return SEVERITY_EMOJI.get(severity, SEVERITY_EMOJI["unknown"])


def status_label(status: str) -> str:
    """A feed's status or impact in words: ``partial_outage`` → ``partial outage``."""
    return one_line(status.replace("_", " "))


def impact_label(impact: str) -> str:
    """``major`` → ``major impact``."""
    return f"{status_label(impact)} impact"


# --- notices ----------------------------------------------------------------------------

NOTICE_LABEL: Final[Mapping[str, str]] = {
    "incident_started": "Incident",
    "incident_updated": "Update",
    "incident_resolved": "Resolved",
    "component_changed": "Component status",
    "maintenance_scheduled": "Maintenance scheduled",
    "maintenance_started": "Maintenance started",
    "maintenance_completed": "Maintenance completed",
    "feed_lost": "Status page unreachable",
    "feed_restored": "Status page back",
    "early_warning": "Early warning, not confirmed by the status page",
    "early_warning_cleared": "Early warning cleared",
    "early_warning_confirmed": "Confirmed by the status page",
    "digest": "While it was quiet here",
}
"""What a notice is, before its title, by ``NoticeKind``: every notice says what it is about on
its own, also when it stands as a root because its thread is gone."""
CLOSED_VERB: Final[Mapping[str, str]] = {
    "incident_started": "Resolved",
    "maintenance_started": "Completed",
    "feed_lost": "Readable again",
    "early_warning": "Cleared",
}
"""The label of a thread root edited once its thread ended, by the root's ``NoticeKind``."""
_IMPACTS: Final = frozenset({"minor", "major", "critical"})
TEST_EMOJI: Final = "🧪"
TEST_WORD: Final = "TEST"
"""Before the label of a test notice (``🧪 TEST``): a test is never mistaken for an incident."""
TEST_NOTE: Final = "This is a test notice: nothing is wrong."


def notice_label(kind: str, severity: str) -> str:
    """``Major incident``, ``Update``, ``Maintenance started``; ``Notice`` for a kind a newer
    core added."""
    if kind == "incident_started" and severity in _IMPACTS:
        return f"{capitalised(severity)} incident"
    return NOTICE_LABEL.get(kind, "Notice")


def closed_label(kind: str, minutes: int | None) -> str | None:
    """A closed thread root's label: ``Resolved after 47 min``; None for a kind never closed."""
    verb = CLOSED_VERB.get(kind)
    if verb is None or minutes is None:
        return verb
    return f"{verb} {ended_after(minutes)}"


# --- history ----------------------------------------------------------------------------

DAY_SQUARE: Final[Mapping[str, str]] = {
    "none": "🟩",
    "minor": "🟨",
    "major": "🟧",
    "critical": "🟥",
    "maintenance": "🟦",
}
"""A day of a component's history bar, by the worst impact of that day."""
NO_DATA: Final = "⬜"
HISTORY_LEGEND: Final = "🟩 quiet · 🟨 minor · 🟧 major · 🟥 critical · 🟦 maintenance"


def history_bar(days: tuple[str, ...] | list[str]) -> str:
    """``🟩🟩🟨🟩🟩🟩🟩``: one square a day, oldest first."""
    return "".join(DAY_SQUARE.get(day, NO_DATA) for day in days)


def last_days(count: int) -> str:
    return f"The last {count} days"

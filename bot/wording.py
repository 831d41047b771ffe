"""The words every renderer shares (Slack, Discord, the terminal), written once. Pure.

What a user reads should not depend on where they read it: the verdict headline, how long
something lasted, how old something is, the early-warning lines, the labels of a feed's
statuses and impacts, and how untrusted text is cleaned before it is shown. Renderers add
their own markup (bold, timestamps, colours) and escape for their platform; the words and the
cleaning come from here.

Everything here is plain text in, plain text out: values from the feed go in raw (cleaned
here), and each renderer escapes the sentence it gets back. Keys are the string values of the
core's enums (``Verdict``, ``Severity``), so this module imports nothing of the core and any
module may use it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Final

# --- cleaning untrusted text ------------------------------------------------------------

# Characters that change how text is shown without being seen: the soft hyphen, bidirectional
# marks, embeddings, overrides and isolates (they can make "exe.txt" read "txt.exe"), the
# zero-width space, word joiner and invisible operators used to dodge filters ("ev\u200beryone"),
# the byte-order mark, interlinear annotations and the tag characters that smuggle hidden
# text. The zero-width joiner and non-joiner stay: emoji sequences (👩\u200d💻) and some scripts
# (Persian, the Indic ones) need them, and neither can form markup.
_INVISIBLE: Final = (
    "\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"
    "\ufeff\ufff9-\ufffb\U000e0000-\U000e007f"
)
_CONTROL: Final = "\x00-\x08\x0b-\x1f\x7f-\x9f"
"""C0 controls but tab and the line breaks, DEL, and the C1 controls (``\\x9b`` starts a
terminal escape sequence as surely as ``\\x1b[``)."""

_LINE_BREAKS = re.compile(r"\r\n|[\r\u2028\u2029\x0b\x0c\x85]|<br\s*/?>", re.IGNORECASE)
_HIDDEN = re.compile(f"[{_INVISIBLE}{_CONTROL}]")
_BLANK_RUNS = re.compile(r"\n{3,}")


def clean(text: str) -> str:
    """Untrusted text (the feed's, a community post's, a user's) made plain: every line break
    (``\\r\\n``, ``\\u2028``, ``<br />`` ...) a ``\\n``, tabs as spaces, no invisible, reordering
    or control characters, and at most one blank line in a row. It escapes nothing: each
    renderer escapes for its own markup after this."""
    text = _LINE_BREAKS.sub("\n", text).replace("\t", " ")
    return _BLANK_RUNS.sub("\n\n", _HIDDEN.sub("", text))


def one_line(text: str) -> str:
    """``clean`` text on one line, runs of white space as one space: for a name or a status
    shown inside our own sentence, where a newline could fake a line of ours."""
    return " ".join(clean(text).split())


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


def capitalised(text: str) -> str:
    """The first letter upper-cased, the rest as it is: a label that starts a line or a field."""
    return text[:1].upper() + text[1:]


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


# --- time -------------------------------------------------------------------------------


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


# --- early warnings ---------------------------------------------------------------------

EARLY_EMOJI: Final = "⏱️"


def seen_early(minutes: int) -> str:
    """The line on an incident's notice when the early warning saw it first."""
    return (
        f"Seen early: the early warning fired {duration_text(minutes)} "
        "before the status page posted it."
    )


def clients_failing(people: int, codes: tuple[str, ...], claude_code_only: bool) -> str:
    """What clients' reports say in every answer and in their early warning: ``3 people's
    Claude Code hit 529 in the last 10 minutes`` (``codes`` most seen first)."""
    who = "1 person" if people == 1 else f"{people} people"
    what = " or ".join(one_line(code) for code in codes) if codes else "server errors"
    if claude_code_only:
        return f"{who}'s Claude Code hit {what} in the last 10 minutes"
    return f"{who} hit {what} in the last 10 minutes"


def warning_outcome(
    confirmed_by: str | None, lead_minutes: int | None, closed: bool
) -> tuple[str, str]:
    """How a past early warning ended, as its emoji and its words: confirmed by an incident
    (``confirmed_by`` is its raw name) and how early, still open, or cleared."""
    if confirmed_by is not None:
        return EARLY_EMOJI, f"confirmed by {one_line(confirmed_by)}, {lead_minutes or 0} min early"
    if not closed:
        return "⚠️", "still open"
    return "✅", "cleared without an incident"


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


# --- answers ----------------------------------------------------------------------------


def advice_heading(code: str | None) -> str:
    """``What to do about 503``; ``code`` is raw (cleaned here)."""
    return f"What to do about {one_line(code)}" if code else "What to do"


def and_more(count: int) -> str:
    """The line that stands for what a list left out."""
    return f"… and {count} more"


# --- channel preferences ------------------------------------------------------------------


def alert_settings(
    impact: str, updates: bool, maintenance: bool, warnings: bool, quiet: str | None
) -> list[tuple[str, str]]:
    """A channel's ``alerts`` settings as (setting, value) lines, the same on every platform."""
    level = "every incident" if impact == "any" else f"{impact} impact and above"
    on = {True: "on", False: "off"}
    return [
        ("Incidents", level),
        ("Thread updates", on[updates] if updates else "off (start and resolution only)"),
        ("Maintenance", on[maintenance]),
        ("Early warnings", on[warnings]),
        ("Quiet hours", f"{quiet} (critical incidents break through)" if quiet else "none"),
    ]


def alerts_heading(subscribed: bool, changed_by: str | None) -> str:
    """The first line of the ``alerts`` answer; ``changed_by`` is raw (cleaned here)."""
    if changed_by:
        return f"Alert settings changed by {one_line(changed_by)}"
    return "Alert settings" if subscribed else "Alert settings (this channel is not subscribed)"


def back_again(minutes: int, earlier: str) -> str:
    """The line on a notice about components whose last incident ended within the hour."""
    return f"Back {minutes} minutes after “{one_line(earlier)}” was resolved."


# --- community reports ------------------------------------------------------------------

TITLE_SHOWN: Final = 120
"""The most of a community post's title that is ever shown."""


def community_sentence(label: str, posts: int, usual: float) -> str:
    """``r/ClaudeAI: 9 posts about errors in 30 min (usually 1)``."""
    noun = "post" if posts == 1 else "posts"
    return f"{label}: {posts} {noun} about errors in 30 min (usually {usual:g})"


def short_title(text: str, limit: int = TITLE_SHOWN) -> str:
    """An untrusted title (a community post's) as ``one_line`` text of at most ``limit``
    characters: a 5,000-character title cannot fill a message."""
    line = one_line(text)
    if len(line) <= limit:
        return line or "(no title)"
    return line[: limit - 1].rstrip() + "…"

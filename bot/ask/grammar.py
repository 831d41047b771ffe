"""What a user asks, as a typed ``Command``. The grammar lives here once, for every platform.
Pure.

Text (a Slack slash command, a mention) goes through ``parse``: anything a user types parses
to *some* command; words we do not understand become ``Help`` with what was not understood,
never an error. A platform whose commands carry typed options (Discord's application commands)
builds the command from them with ``ask_about``, ``report_of`` and ``subscribe_to``, so typed
values are never spelled back into words to be parsed again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from bot.ask.symptoms import Symptom, SymptomError, parse_symptom
from bot.preferences import (
    PreferenceChange,
    PreferenceError,
    impact_change,
    quiet_change,
    switch_change,
)

MAX_INPUT_CHARS: Final = 500
MAX_MINUTES: Final = 60 * 24 * 30

QUESTION_WORDS: Final = frozenset(
    {
        "down",
        "up",
        "status",
        "working",
        "work",
        "broken",
        "outage",
        "ok",
        "okay",
        "claude",
        "is",
        "it",
        "anthropic",
        "api",
        "what",
        "whats",
        "how",
        "now",
        "check",
        "state",
    }
)

# Every unit a user may write is listed, so "12 days" or "30 seconds" is never read as minutes.
_DURATION = re.compile(
    r"^(?:for\s+)?(\d{1,6})\s*"
    r"(s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days)?$"
)
_SECONDS_PER_UNIT: Final = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Ask:
    """The status, with advice for ``symptom`` when given."""

    symptom: Symptom | None = None
    minutes: int | None = None


@dataclass(frozen=True)
class Subscribe:
    components: tuple[str, ...] = ()


@dataclass(frozen=True)
class Unsubscribe:
    pass


@dataclass(frozen=True)
class Report:
    symptom: Symptom | None = None


@dataclass(frozen=True)
class History:
    pass


@dataclass(frozen=True)
class Test:
    pass


@dataclass(frozen=True)
class Alerts:
    """Show this channel's alert preferences (no ``changes``), or change them."""

    changes: tuple[PreferenceChange, ...] = ()


@dataclass(frozen=True)
class AlertsRefused:
    """``alerts`` words that name no preference: ``reason`` is the refusal to show."""

    reason: str


@dataclass(frozen=True)
class Help:
    unknown: str | None = None


Command = Ask | Subscribe | Unsubscribe | Report | History | Test | Alerts | AlertsRefused | Help
FromMemory = Ask | History | AlertsRefused | Help
"""The commands answered from memory alone: what a burst of questions during an outage asks."""
ToDatabase = Subscribe | Unsubscribe | Report | Test | Alerts
"""The commands that read or change the database (subscriptions, reports, preferences)."""

HELP_WORDS: Final[tuple[tuple[str, str], ...]] = (
    ("(nothing) or a question", "is Claude down? The verdict, incidents, and what to do"),
    (
        "503, 529, overloaded, 429, 401, timeout … [12m]",
        "advice for the error you see, and for how long",
    ),
    (
        "subscribe [COMPONENT …]",
        "post incident alerts in this channel (all components, or those named, comma-separated)",
    ),
    ("unsubscribe", "stop alerts in this channel"),
    ("report [CODE]", "tell your team you see errors now"),
    ("history", "incidents of the last 7 days, and a bar per component"),
    ("test", "post a sample alert here, to check the bot can post"),
    ("alerts", "this channel's alert settings"),
    ("alerts impact major|minor|any", "only incidents of at least that impact"),
    ("alerts updates on|off", "thread updates, or only start and resolution"),
    ("alerts maintenance on|off", "maintenance notices"),
    ("alerts warnings on|off", "early warnings"),
    (
        "alerts quiet 22:00-08:00 Europe/Berlin | off",
        "hold notices in those hours, then one digest; critical incidents break through",
    ),
    ("help", "these words"),
)


def parse(text: str) -> Command:
    cleaned = _clean(text)
    words = cleaned.split()
    if not words:
        return Ask()
    head, rest = words[0].lower(), words[1:]
    if head in ("help", "-h", "--help", "?help", "commands"):
        return Help()
    if head in ("subscribe", "sub"):
        return Subscribe(_component_names(" ".join(rest)))
    if head in ("unsubscribe", "unsub", "stop"):
        return Unsubscribe() if not rest else Help(unknown=cleaned)
    if head == "report":
        return _report(rest, cleaned)
    if head == "history":
        return History() if not rest else Help(unknown=cleaned)
    if head == "test":
        return Test() if not rest else Help(unknown=cleaned)
    if head == "alerts":
        return _alerts(rest)
    if head == "status" and not rest:
        return Ask()
    return _ask(words, cleaned)


def ask_about(code: str | None = None, minutes: int | None = None) -> Ask:
    """The status, with advice for ``code`` (an error or symptom; its first word that names
    one) seen for ``minutes``. A code that names nothing gives the plain status, as the words
    ``status <code>`` do; minutes without a code mean nothing."""
    for word in _clean(code or "").split():
        try:
            symptom = parse_symptom(word)
        except SymptomError:
            continue
        return Ask(symptom, min(minutes, MAX_MINUTES) if minutes is not None else None)
    return Ask()


def report_of(code: str | None = None) -> Report | Help:
    """A report of ``code`` (or of errors unnamed); a code that names nothing is not understood,
    as the words ``report <code>`` are not."""
    words = _clean(code or "").split()
    if not words:
        return Report()
    try:
        return Report(parse_symptom(words[0]))
    except SymptomError:
        return Help(unknown=" ".join(["report", *words]))


def subscribe_to(components: str | None = None) -> Subscribe:
    """A subscription to the comma-separated ``components`` (all of them when empty)."""
    return Subscribe(_component_names(" ".join(_clean(components or "").split())))


def alerts_of(
    impact: str | None = None,
    updates: str | None = None,
    maintenance: str | None = None,
    warnings: str | None = None,
    quiet: str | None = None,
) -> Alerts | AlertsRefused:
    """``alerts`` from typed options (each one given is a change; none shows the settings)."""
    try:
        changes: list[PreferenceChange] = []
        if impact is not None:
            changes.append(impact_change(impact))
        for switch, value in (
            ("updates", updates),
            ("maintenance", maintenance),
            ("warnings", warnings),
        ):
            if value is not None:
                changes.append(switch_change(switch, value))
        if quiet is not None:
            changes.append(quiet_change(_clean(quiet)))
    except PreferenceError as error:
        return AlertsRefused(str(error))
    return Alerts(tuple(changes))


def _alerts(rest: list[str]) -> Alerts | AlertsRefused:
    if not rest:
        return Alerts()
    setting, values = rest[0].lower(), rest[1:]
    if setting == "quiet":
        return alerts_of(quiet=" ".join(values))
    if setting == "impact" and len(values) == 1:
        return alerts_of(impact=values[0])
    if setting in ("updates", "maintenance", "warnings") and len(values) == 1:
        return alerts_of(**{setting: values[0]})
    return AlertsRefused(
        "I did not understand that: say `alerts`, `alerts impact major|minor|any`, "
        "`alerts updates|maintenance|warnings on|off`, or "
        "`alerts quiet 22:00-08:00 Europe/Berlin` (`alerts quiet off`)."
    )


def _clean(text: str) -> str:
    # Bound the work and drop control characters; mentions are stripped by the adapter.
    text = text[:MAX_INPUT_CHARS]
    return "".join(ch if ch.isprintable() else " " for ch in text).strip()


def _report(rest: list[str], cleaned: str) -> Command:
    if not rest:
        return Report()
    try:
        return Report(parse_symptom(rest[0]))
    except SymptomError:
        return Help(unknown=cleaned)


def _ask(words: list[str], cleaned: str) -> Command:
    for index, word in enumerate(words):
        try:
            symptom = parse_symptom(word)
        except SymptomError:
            continue
        return Ask(symptom, _minutes(words[index + 1 :]))
    if any(w.lower().strip("?!.,'\"") in QUESTION_WORDS for w in words) or cleaned.endswith("?"):
        return Ask()
    return Help(unknown=cleaned)


def _minutes(after: list[str]) -> int | None:
    """``12m``, ``12 min``, ``for 12 minutes``, ``2h`` (also ``30s``, ``2 days``) right after
    the code."""
    for width in (3, 2, 1):
        if len(after) < width:
            continue
        match = _DURATION.match(" ".join(after[:width]).lower())
        if match:
            if match.group(2) is None and len(after) > width and after[width][:1].isalpha():
                return None  # "12 weeks", "12 times": a bare number followed by a word
            amount = int(match.group(1))
            unit = match.group(2) or "m"
            minutes = amount * _SECONDS_PER_UNIT[unit[0]] // 60
            return min(minutes, MAX_MINUTES)
    return None


def _component_names(text: str) -> tuple[str, ...]:
    """Comma-separated names, or else the whole text as one name (component names have
    spaces: "Claude Code"); resolved against the page by the core."""
    if not text.strip():
        return ()
    parts = text.split(",") if "," in text else [text]
    return tuple(p.strip().strip("\"'") for p in parts if p.strip().strip("\"'"))

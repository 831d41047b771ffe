"""A channel's alert preferences (the ``alerts`` words) and the changes to them. Pure.

A ``Preferences`` value says which notices a channel wants: incidents from which impact on,
whether thread updates, maintenance and early warnings, and the quiet hours. Changes are
values too (``SetImpact``, ``SetSwitch``, ``SetQuiet``), built by the grammar and applied by
the core; anything that cannot be one (an unknown impact, a time that is no time, a zone
``zoneinfo`` does not know) raises ``PreferenceError`` with the sentence the user reads.

It sits beside ``wording`` rather than in a room: the grammar (``ask``) builds the changes and
routing (``notify``) applies the result, and neither room may import the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from typing import Any, Final, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

IMPACT_RANK: Final = {"none": 0, "minor": 1, "major": 2, "critical": 3}
"""The feed's incident impacts, lowest first."""
IMPACT_CHOICES: Final = ("any", "minor", "major")
"""What ``alerts impact`` accepts; ``any`` is every incident (``none`` included)."""
SWITCHES: Final = ("updates", "maintenance", "warnings")
Switch = Literal["updates", "maintenance", "warnings"]

_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")


class PreferenceError(ValueError):
    """Words that name no preference; the message is the refusal the user reads."""


@dataclass(frozen=True)
class QuietHours:
    """Hold notices from ``start`` to ``end`` (wall clock in ``zone``; may span midnight)."""

    start: time
    end: time
    zone: str

    @property
    def label(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M} {self.zone}"

    def end_after(self, now: datetime) -> datetime | None:
        """When the quiet hours ``now`` falls in end (aware, in the zone); None outside them.
        The wall clock decides, so a night across a daylight-saving change ends at 08:00."""
        zone = ZoneInfo(self.zone)
        local = now.astimezone(zone)
        today, clock = local.date(), local.time().replace(tzinfo=None)
        if self.start < self.end:
            inside = self.start <= clock < self.end
            end_day = today
        else:  # across midnight: 22:00-08:00
            inside = clock >= self.start or clock < self.end
            end_day = today + timedelta(days=1) if clock >= self.start else today
        if not inside:
            return None
        return datetime.combine(end_day, self.end, tzinfo=zone)


@dataclass(frozen=True)
class Preferences:
    """Everything on by default: a channel that never said ``alerts`` gets every notice."""

    impact: str = "any"
    updates: bool = True
    maintenance: bool = True
    warnings: bool = True
    quiet: QuietHours | None = None

    @property
    def min_rank(self) -> int:
        """Incidents below this impact rank are not announced (0: every incident)."""
        return IMPACT_RANK.get(self.impact, 0)

    def to_json(self) -> dict[str, Any]:
        return {
            "impact": self.impact,
            "updates": self.updates,
            "maintenance": self.maintenance,
            "warnings": self.warnings,
            "quiet": (
                [f"{self.quiet.start:%H:%M}", f"{self.quiet.end:%H:%M}", self.quiet.zone]
                if self.quiet
                else None
            ),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Preferences:
        if not data:
            return cls()
        quiet = data.get("quiet")
        return cls(
            impact=str(data.get("impact", "any")),
            updates=bool(data.get("updates", True)),
            maintenance=bool(data.get("maintenance", True)),
            warnings=bool(data.get("warnings", True)),
            quiet=quiet_hours(f"{quiet[0]}-{quiet[1]}", quiet[2]) if quiet else None,
        )


@dataclass(frozen=True)
class SetImpact:
    impact: str


@dataclass(frozen=True)
class SetSwitch:
    switch: Switch
    on: bool


@dataclass(frozen=True)
class SetQuiet:
    quiet: QuietHours | None
    """``None``: no quiet hours."""


PreferenceChange = SetImpact | SetSwitch | SetQuiet


def applied(preferences: Preferences, changes: tuple[PreferenceChange, ...]) -> Preferences:
    for change in changes:
        match change:
            case SetImpact(impact=impact):
                preferences = replace(preferences, impact=impact)
            case SetSwitch(switch="updates", on=on):
                preferences = replace(preferences, updates=on)
            case SetSwitch(switch="maintenance", on=on):
                preferences = replace(preferences, maintenance=on)
            case SetSwitch(switch="warnings", on=on):
                preferences = replace(preferences, warnings=on)
            case SetQuiet(quiet=quiet):
                preferences = replace(preferences, quiet=quiet)
    return preferences


def impact_change(word: str) -> SetImpact:
    level = word.strip().lower()
    if level not in IMPACT_CHOICES:
        raise PreferenceError(
            f"“{word}” is not an impact I know: say `alerts impact major`, `minor` or `any`."
        )
    return SetImpact(level)


def switch_change(switch: str, word: str) -> SetSwitch:
    value = word.strip().lower()
    if switch not in SWITCHES:
        raise PreferenceError(f"“{switch}” is not an alert setting I know.")
    if value not in ("on", "off"):
        raise PreferenceError(f"Say `alerts {switch} on` or `alerts {switch} off`.")
    on = value == "on"
    match switch:
        case "updates":
            return SetSwitch("updates", on)
        case "maintenance":
            return SetSwitch("maintenance", on)
        case _:
            return SetSwitch("warnings", on)


def quiet_change(words: str) -> SetQuiet:
    """``22:00-08:00 Europe/Berlin`` or ``off``."""
    parts = words.split()
    if [p.lower() for p in parts] == ["off"]:
        return SetQuiet(None)
    if len(parts) != 2:
        raise PreferenceError(
            "Say the hours and the time zone, like `alerts quiet 22:00-08:00 Europe/Berlin`, "
            "or `alerts quiet off`."
        )
    return SetQuiet(quiet_hours(parts[0], parts[1]))


def quiet_hours(span: str, zone: str) -> QuietHours:
    start_text, dash, end_text = span.partition("-")
    if not dash:
        raise PreferenceError(f"“{span}” is not a span of hours: write it like `22:00-08:00`.")
    start, end = _clock_time(start_text), _clock_time(end_text)
    if start == end:
        raise PreferenceError("Quiet hours must end at another time than they start.")
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise PreferenceError(
            f"“{zone}” is not a time zone I know: use a name like `Europe/Berlin` or `UTC`."
        ) from None
    return QuietHours(start, end, zone)


def _clock_time(text: str) -> time:
    match = _CLOCK.match(text.strip())
    if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise PreferenceError(f"“{text}” is not a time of day: write it like `22:00`.")
    return time(int(match.group(1)), int(match.group(2)))

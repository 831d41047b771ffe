"""Platform-neutral answers to chat commands: what to say, not how it looks.

Adapters render these (Block Kit, embeds, terminal) and escape every string in them: names
and update bodies come from the feed, and ``TextAnswer`` may quote what a user typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.ask.advisor import Advice
from bot.ask.community import CommunityLine
from bot.detect.view import Verdict
from bot.preferences import Preferences
from bot.wording.answers import alert_settings, alerts_heading


@dataclass(frozen=True)
class IncidentLine:
    id: str
    name: str
    status: str
    impact: str
    started_at: datetime
    url: str | None
    latest_update: str | None
    latest_update_at: datetime | None
    components: tuple[str, ...]


@dataclass(frozen=True)
class ComponentLine:
    id: str
    name: str
    status: str


@dataclass(frozen=True)
class MaintenanceLine:
    id: str
    name: str
    status: str
    scheduled_for: datetime | None
    scheduled_until: datetime | None
    url: str | None


@dataclass(frozen=True)
class StatusAnswer:
    """The answer to "is Claude down?" and to a code or symptom.

    ``components`` lists every leaf component (adapters may show only the affected ones);
    ``checked_at`` is the time of the last good read of the feed, ``None`` when never read.
    """

    verdict: Verdict
    description: str
    checked_at: datetime | None
    now: datetime
    source: str
    incidents: tuple[IncidentLine, ...]
    components: tuple[ComponentLine, ...]
    maintenances: tuple[MaintenanceLine, ...]
    advice: Advice
    community: tuple[CommunityLine, ...] = ()
    """One line per community source watched; titles in its links are untrusted."""

    @property
    def affected_components(self) -> tuple[ComponentLine, ...]:
        return tuple(c for c in self.components if c.status != "operational")


@dataclass(frozen=True)
class PastIncident:
    id: str
    name: str
    impact: str
    started_at: datetime
    resolved_at: datetime | None
    url: str | None

    @property
    def duration_minutes(self) -> int | None:
        if self.resolved_at is None:
            return None
        return max(0, round((self.resolved_at - self.started_at).total_seconds() / 60))


@dataclass(frozen=True)
class ComponentBar:
    """One component's worst impact per day, oldest day first (``none`` when quiet)."""

    name: str
    days: tuple[str, ...]


@dataclass(frozen=True)
class PastWarning:
    """An early warning of the last days: confirmed by an incident (with its lead time) or
    cleared without one."""

    opened_at: datetime
    closed_at: datetime | None
    confirmed_incident: str | None
    lead_minutes: int | None


@dataclass(frozen=True)
class HistoryAnswer:
    days: tuple[date, ...]
    incidents: tuple[PastIncident, ...]
    bars: tuple[ComponentBar, ...]
    source: str
    warnings: tuple[PastWarning, ...] = ()


@dataclass(frozen=True)
class TextAnswer:
    """A short confirmation or refusal. ``channel_note``, when set, is also posted publicly in
    the channel (Slack says who subscribed a channel)."""

    text: str
    ok: bool = True
    channel_note: str | None = None


@dataclass(frozen=True)
class HelpAnswer:
    """The command words. ``unknown`` is what the user typed that was not understood."""

    words: tuple[tuple[str, str], ...]
    unknown: str | None = None


@dataclass(frozen=True)
class AlertsAnswer:
    """A channel's alert preferences (``alerts``). ``changed_by`` is who just changed them
    (then the channel is told too); ``subscribed`` says whether alerts come here at all."""

    preferences: Preferences
    subscribed: bool
    changed_by: str | None = None

    @property
    def channel_note(self) -> str | None:
        """Said in the channel when the settings changed, as a subscription change is."""
        if self.changed_by is None:
            return None
        return f"{self.changed_by} changed this channel's Claude status alert settings."

    @property
    def settings(self) -> list[tuple[str, str]]:
        """The settings as (setting, value) lines, in the words every platform shows."""
        p = self.preferences
        quiet = p.quiet.label if p.quiet else None
        return alert_settings(p.impact, p.updates, p.maintenance, p.warnings, quiet)

    @property
    def heading(self) -> str:
        return alerts_heading(self.subscribed, self.changed_by)


Answer = StatusAnswer | HistoryAnswer | TextAnswer | HelpAnswer | AlertsAnswer

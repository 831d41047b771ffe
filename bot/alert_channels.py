"""``ALERT_CHANNELS``: the static alert targets (``slack:C123``, ``slack:T1/C123``,
``discord:123``, ``discord-webhook:https://...``). A webhook URL is a secret: no error shows it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from bot.variables import ConfigError

TARGET_PLATFORMS: Final = ("slack", "discord", "discord-webhook")


@dataclass(frozen=True)
class AlertChannel:
    """One entry of ``ALERT_CHANNELS``: ``slack:C123``, ``slack:T1/C123``, ``discord:123``,
    ``discord-webhook:https://...``."""

    platform: str
    channel: str
    workspace: str | None = None

    def __repr__(self) -> str:
        # A discord-webhook "channel" is the webhook URL, a secret.
        channel = "<redacted>" if self.platform == "discord-webhook" else self.channel
        return f"AlertChannel({self.platform!r}, {channel!r}, {self.workspace!r})"


def _shown_entry(platform: str, rest: str) -> str:
    """An ALERT_CHANNELS entry as an error may show it: a URL in it may be a webhook's."""
    return f"{platform}:<redacted URL>" if "://" in rest else f"{platform}:{rest}"


def parse_alert_channels(raw: str) -> tuple[AlertChannel, ...]:
    channels: list[AlertChannel] = []
    for entry in (e.strip() for e in raw.split(",")):
        if not entry:
            continue
        platform, _, rest = entry.partition(":")
        platform = platform.strip().lower()
        rest = rest.strip()
        if platform not in TARGET_PLATFORMS or not rest:
            shown = _shown_entry(platform, rest) if rest else entry
            raise ConfigError(
                "ALERT_CHANNELS",
                f"{shown!r} is not slack:CHANNEL, slack:TEAM/CHANNEL, discord:CHANNEL "
                "or discord-webhook:URL",
            )
        if platform == "discord-webhook":
            if not rest.startswith(("https://", "http://")):
                raise ConfigError(
                    "ALERT_CHANNELS", "a discord-webhook: entry needs the webhook URL"
                )
            channels.append(AlertChannel(platform, rest))
        elif platform == "slack" and "/" in rest:
            team, _, channel = rest.partition("/")
            channels.append(AlertChannel(platform, channel, team))
        else:
            if platform == "discord" and not rest.isdigit():
                raise ConfigError(
                    "ALERT_CHANNELS",
                    f"discord channel ids are numbers, got {_shown_entry(platform, rest)!r}"
                    + (" (a webhook URL goes in discord-webhook:URL)" if "://" in rest else ""),
                )
            channels.append(AlertChannel(platform, rest))
    return tuple(channels)

"""Which chat team a channel belongs to when its target does not say: a static
``ALERT_CHANNELS`` entry such as ``slack:C123`` or ``discord:123`` names no workspace.

A team's early warning (its members' ``report``s) goes to that team's channels only, so without
this it never reached a static channel. The adapters know the answer and tell it here: a
single-workspace Slack app has one workspace (``auth.test``), a Discord channel has its guild.
"""

from __future__ import annotations

from bot.notify.ports import Target


class Teams:
    def __init__(self) -> None:
        self._platforms: dict[str, str] = {}
        self._channels: dict[tuple[str, str], str] = {}

    def learn(self, platform: str, workspace: str, channel: str | None = None) -> None:
        """``channel`` is in ``workspace``; without a channel, every channel of ``platform``
        that names no workspace is (the one workspace of a single-workspace install)."""
        if channel is None:
            self._platforms[platform] = workspace
        else:
            self._channels[(platform, channel)] = workspace

    def workspace_of(self, target: Target) -> str:
        """The target's own workspace, else the one learned for it, else ``""``."""
        if target.workspace:
            return target.workspace
        known = self._channels.get((target.platform, target.channel))
        return known or self._platforms.get(target.platform, "")

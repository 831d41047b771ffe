"""Discord: the gateway bot (``/is-claude-down``, ``@bot`` mentions, alerts as the bot) when
``DISCORD_BOT_TOKEN`` is set, and webhook-only alerts (``discord-webhook:URL``) without it.

``build`` is the ``discord`` entry point of ``is_claude_down.adapters``.
"""

from __future__ import annotations

from adapters.discord.adapter import DiscordAdapter
from bot.api import CoreAPI
from bot.settings import Settings

__all__ = ["DiscordAdapter", "build"]


def build(settings: Settings, core: CoreAPI) -> DiscordAdapter | None:
    """The adapter, or None when neither a bot token nor a webhook target is configured."""
    webhooks = any(ch.platform == "discord-webhook" for ch in settings.alert_channels)
    if settings.discord_bot_token is None and not webhooks:
        return None
    return DiscordAdapter(settings, core)

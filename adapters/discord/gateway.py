"""The gateway bot: discord.py's ``Client`` with the fewest intents, the command tree, and
``DISCORD_API_URL`` applied to REST and the gateway alike."""

from __future__ import annotations

import logging
from typing import Final

import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.discord.listeners import IsClaudeDown, Mentions
from bot.api import CoreAPI

log = logging.getLogger(__name__)

INTENTS: Final = discord.Intents.none()
INTENTS.guilds = True  # channels, roles and overwrites: who may manage a channel
INTENTS.guild_messages = True  # mentions of the bot (their text comes without message_content)

PERMISSIONS: Final = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,  # answers to mentions and alerts in threads
    embed_links=True,  # every answer and alert is an embed
    read_message_history=True,  # Discord requires it to reply to a message
)
SCOPES: Final = ("bot", "applications.commands")

# This bot never joins a voice channel: discord.py's warnings about the voice libraries
# (PyNaCl, davey) do not concern it.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False


def invite_url(application_id: int) -> str:
    """The link that adds the bot to a server with exactly the permissions it uses."""
    return discord.utils.oauth_url(application_id, permissions=PERMISSIONS, scopes=SCOPES)


def point_at(api_url: str) -> None:
    """Send discord.py's REST calls (bot, interactions, webhooks) to ``api_url``.

    discord.py has no per-client setting for this; ``Route.BASE`` is the one place every
    route is built from, the way rate-limit proxies (nirn-proxy, twilight-http-proxy) are
    put in front of it. It is process-wide, like the one bot a process runs.
    """
    Route.BASE = api_url.rstrip("/")


class DiscordBot(discord.Client):
    """Connects where ``GET /gateway/bot`` says (a plain ``Client`` would dial the fixed
    ``wss://gateway.discord.gg``), syncs ``/is-claude-down`` and logs the invite link."""

    def __init__(self, core: CoreAPI) -> None:
        super().__init__(
            intents=INTENTS,
            allowed_mentions=discord.AllowedMentions.none(),
            # Longer waits are handed back to the dispatcher as a retry-after instead.
            max_ratelimit_timeout=30.0,
        )
        self.tree = app_commands.CommandTree(self)
        self.tree.add_command(IsClaudeDown(core))
        self._mentions = Mentions(core, self)

    async def setup_hook(self) -> None:
        _, gateway, _ = await self.http.get_bot_gateway()
        # Read on every (re)connect, including after Discord invalidates the session.
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
        try:
            await self.tree.sync()
        except discord.HTTPException as error:
            log.warning("could not sync /is-claude-down: %s (code %s)", error.status, error.code)
        else:
            log.info("synced the /is-claude-down command")
        if self.application_id is not None:
            log.info("add the Discord bot to a server: %s", invite_url(self.application_id))

    async def on_message(self, message: discord.Message) -> None:
        await self._mentions.on_message(message)

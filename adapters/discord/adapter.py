"""The Discord adapter: logs the gateway bot in (``/is-claude-down``, ``@bot`` mentions, alerts
as the bot) when ``DISCORD_BOT_TOKEN`` is set, and offers the deliveries the dispatcher posts
alerts through: as the bot, and through webhooks (``discord-webhook:URL``), which need no bot."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Final

import aiohttp
import discord

from adapters.discord.delivery import BotDelivery, WebhookDelivery
from adapters.discord.gateway import DiscordBot, point_at
from bot.api import CoreAPI
from bot.notify.ports import ChatAdapter
from bot.settings import Secret, Settings

log = logging.getLogger(__name__)

LOGIN_WAIT_SECONDS: Final = 5.0
"""``start`` returns once logged in, or after this long while logging in keeps retrying."""
LOGIN_RETRY_SECONDS: Final = (2.0, 4.0, 8.0, 15.0, 30.0, 60.0)
"""Waits between login attempts while Discord cannot be reached; the last one repeats."""


class DiscordAdapter:
    name = "discord"

    def __init__(self, settings: Settings, core: CoreAPI) -> None:
        self._core = core
        self._static_channels = [
            ch.channel
            for ch in settings.alert_channels
            if ch.platform == "discord" and ch.workspace is None
        ]
        self._token: Secret | None = settings.discord_bot_token
        self._api_url = settings.discord_api_url
        self._logged_in = asyncio.Event()
        self._webhooks = WebhookDelivery()
        self.client: DiscordBot | None = DiscordBot(core) if self._token else None
        self._bot = BotDelivery(self.client, self._logged_in) if self.client else None
        self._task: asyncio.Task[None] | None = None
        self._may_connect = asyncio.Event()
        self._may_connect.set()

    def deliveries(self) -> Mapping[str, ChatAdapter]:
        found: dict[str, ChatAdapter] = {"discord-webhook": self._webhooks}
        if self._bot is not None:
            found["discord"] = self._bot
        return found

    def follow_poller(self) -> None:
        """Several replicas: only the poller holds the gateway session (one answer per
        mention); every replica still logs in, so each can deliver alerts over REST."""
        self._may_connect.clear()

    def became_poller(self) -> None:
        self._may_connect.set()

    async def start(self) -> None:
        """Log in and connect the gateway in the background; return once logged in (REST
        works, alerts can go out) or, while Discord is unreachable, after a while."""
        if self.client is None or self._token is None:
            return
        point_at(self._api_url)
        self._task = asyncio.create_task(self._run(self._token), name="discord gateway")
        self._task.add_done_callback(_report_end)
        waiting = asyncio.ensure_future(self._logged_in.wait())
        await asyncio.wait(
            {waiting, self._task}, timeout=LOGIN_WAIT_SECONDS, return_when=asyncio.FIRST_COMPLETED
        )
        waiting.cancel()

    async def stop(self) -> None:
        if self.client is not None:
            await self.client.close()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self._webhooks.close()

    async def _run(self, token: Secret) -> None:
        assert self.client is not None
        attempt = 0
        while not self.client.is_closed():
            try:
                await self.client.login(token.reveal())
                break
            except discord.LoginFailure:
                log.error("Discord refused DISCORD_BOT_TOKEN: the Discord bot stays off")
                return
            except (discord.HTTPException, aiohttp.ClientError, OSError, TimeoutError) as error:
                await _forget_session(self.client)
                delay = LOGIN_RETRY_SECONDS[min(attempt, len(LOGIN_RETRY_SECONDS) - 1)]
                attempt += 1
                log.warning(
                    "cannot reach Discord to log in (%s); retrying in %.0f s", _why(error), delay
                )
                await asyncio.sleep(delay)
        self._logged_in.set()
        await self._learn_guilds()
        await self._may_connect.wait()
        await self.client.connect(reconnect=True)

    async def _learn_guilds(self) -> None:
        """A static ``discord:CHANNEL`` names no guild: ask Discord which it is in, so that
        guild's early warnings (its members' reports) reach the channel too."""
        assert self.client is not None
        for channel_id in self._static_channels:
            try:
                channel = await self.client.fetch_channel(int(channel_id))
            except (discord.HTTPException, aiohttp.ClientError, OSError) as error:
                log.warning("cannot look up Discord channel %s: %s", channel_id, error)
                continue
            guild = getattr(channel, "guild", None)
            if guild is not None:
                self._core.learn_team("discord", str(guild.id), channel_id)


async def _forget_session(client: discord.Client) -> None:
    """Close the HTTP session a failed login opened (discord.py opens one per attempt and
    leaves it open), so the next attempt starts clean and asyncio reports no unclosed one."""
    await client.http.close()
    client.http.connector = discord.utils.MISSING  # closed with the session; a new one next


def _why(error: BaseException) -> str:
    if isinstance(error, discord.HTTPException):
        return f"HTTP {error.status}"
    text = str(error).strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _report_end(task: asyncio.Task[None]) -> None:
    if task.cancelled():
        return
    error = task.exception()
    if error is not None:
        log.error("the Discord gateway connection ended: %s", type(error).__name__, exc_info=error)

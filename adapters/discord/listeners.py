"""Inbound: the ``/is-claude-down`` application command and ``@bot words`` mentions.

Both hand the core a typed ``Command`` with who asked and where, and send the rendered answer
back. A subcommand's typed options build the command directly (``ask_about``, ``report_of``,
``subscribe_to``: the core's, so both platforms read a code the same way); a mention's text
goes to the core's grammar (``core.parse``). Nothing here reads words.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Final

import discord
from discord import app_commands

from adapters.discord.render import Message, answer_message
from bot.api import (
    MAX_MINUTES,
    ChatContext,
    Command,
    CoreAPI,
    Help,
    History,
    Test,
    Unsubscribe,
    alerts_of,
    ask_about,
    report_of,
    subscribe_to,
)
from bot.ask.answers import Answer

log = logging.getLogger(__name__)

COMMAND: Final = "is-claude-down"
NO_MENTIONS: Final = discord.AllowedMentions.none()
DEFER_AFTER_SECONDS: Final = 2.0
"""Discord drops an interaction not answered within 3 s; a slower answer is deferred first
("is thinking…") and sent as a follow-up."""
SORRY: Final = "Sorry, something went wrong on my side. Try again in a minute."
COMMON_CODES: Final = (
    "503",
    "529",
    "overloaded",
    "500",
    "502",
    "504",
    "429",
    "401",
    "403",
    "timeout",
)
MAX_CHOICES: Final = 25
IMPACT_CHOICES: Final = [
    app_commands.Choice(name="major and critical only", value="major"),
    app_commands.Choice(name="minor and above", value="minor"),
    app_commands.Choice(name="every incident", value="any"),
]
ON_OFF: Final = [
    app_commands.Choice(name="on", value="on"),
    app_commands.Choice(name="off", value="off"),
]


def context_for_interaction(interaction: discord.Interaction) -> ChatContext:
    user = interaction.user
    in_guild = interaction.guild_id is not None
    return ChatContext(
        platform="discord",
        channel=str(interaction.channel_id),
        user=str(user.id),
        workspace=str(interaction.guild_id) if in_guild else None,
        user_name=user.display_name,
        # Discord resolves the member's permissions in this channel (roles and overwrites).
        can_manage=not in_guild or interaction.permissions.manage_channels,
    )


def context_for_message(message: discord.Message) -> ChatContext:
    author = message.author
    channel = message.channel
    can_manage = False
    if isinstance(author, discord.Member) and not isinstance(
        channel, discord.DMChannel | discord.GroupChannel | discord.PartialMessageable
    ):
        can_manage = channel.permissions_for(author).manage_channels
    return ChatContext(
        platform="discord",
        channel=str(channel.id),
        user=str(author.id),
        workspace=str(message.guild.id) if message.guild else None,
        user_name=author.display_name,
        can_manage=can_manage,
    )


def words_after_mention(content: str, bot_id: int) -> str:
    """The message without the bot's mention (``<@id>`` or the older ``<@!id>``)."""
    return " ".join(re.sub(rf"<@!?{bot_id}>", " ", content).split())


class Mentions:
    """Answers ``@bot words`` as a reply. A mention carries the message's text even without
    the privileged message-content intent, so the bot never needs it."""

    def __init__(self, core: CoreAPI, client: discord.Client) -> None:
        self._core = core
        self._client = client

    async def on_message(self, message: discord.Message) -> None:
        me = self._client.user
        if me is None or message.author.bot or message.webhook_id is not None:
            return
        if me.id not in message.raw_mentions:  # not @everyone, not a role: only the bot
            return
        text = words_after_mention(message.content, me.id)
        try:
            answer = await self._core.answer(self._core.parse(text), context_for_message(message))
            rendered = answer_message(answer)
        except Exception:
            log.exception("answering a Discord mention failed")
            rendered = Message(content=SORRY)
        try:
            await message.channel.send(
                content=rendered.content,
                embeds=[discord.Embed.from_dict(e) for e in rendered.embeds],
                allowed_mentions=NO_MENTIONS,
                reference=message.to_reference(fail_if_not_exists=False),
                mention_author=False,
            )
        except discord.HTTPException as error:
            log.warning(
                "could not answer a mention in channel %s: %s %s",
                message.channel.id,
                error.status,
                error.code,
            )


class IsClaudeDown(app_commands.Group):
    """``/is-claude-down <word> …``: one subcommand per word of the contract."""

    def __init__(self, core: CoreAPI) -> None:
        super().__init__(
            name=COMMAND, description="Is Claude down? Status, advice and incident alerts"
        )
        self._core = core

    @app_commands.command(name="status", description="The verdict, incidents and what to do")
    @app_commands.describe(
        code="An error you see: 503, 529, overloaded, 429, 401, timeout …",
        minutes="For how many minutes you have seen it",
    )
    async def status(
        self,
        interaction: discord.Interaction,
        code: str | None = None,
        minutes: app_commands.Range[int, 1, MAX_MINUTES] | None = None,
    ) -> None:
        await self._answer(interaction, ask_about(code, minutes))

    @app_commands.command(name="subscribe", description="Post incident alerts in this channel")
    @app_commands.describe(components="Only these components, comma-separated (default: all)")
    async def subscribe(
        self, interaction: discord.Interaction, components: str | None = None
    ) -> None:
        await self._answer(interaction, subscribe_to(components))

    @app_commands.command(name="unsubscribe", description="Stop incident alerts in this channel")
    async def unsubscribe(self, interaction: discord.Interaction) -> None:
        await self._answer(interaction, Unsubscribe())

    @app_commands.command(name="report", description="Tell your team you see errors now")
    @app_commands.describe(code="The error you see: 503, 529, overloaded, timeout …")
    async def report(self, interaction: discord.Interaction, code: str | None = None) -> None:
        await self._answer(interaction, report_of(code))

    @app_commands.command(name="history", description="Incidents of the last 7 days")
    async def history(self, interaction: discord.Interaction) -> None:
        await self._answer(interaction, History())

    @app_commands.command(name="test", description="Post a sample alert here, to check I can post")
    async def test(self, interaction: discord.Interaction) -> None:
        await self._answer(interaction, Test())

    @app_commands.command(name="alerts", description="Show or change this channel's alerts")
    @app_commands.describe(
        impact="Only incidents of at least this impact",
        updates="Thread updates (off: only start and resolution)",
        maintenance="Maintenance notices",
        warnings="Early warnings",
        quiet="Hold notices in these hours, then one digest: 22:00-08:00 Europe/Berlin, or off",
    )
    @app_commands.choices(
        impact=IMPACT_CHOICES, updates=ON_OFF, maintenance=ON_OFF, warnings=ON_OFF
    )
    async def alerts(
        self,
        interaction: discord.Interaction,
        impact: app_commands.Choice[str] | None = None,
        updates: app_commands.Choice[str] | None = None,
        maintenance: app_commands.Choice[str] | None = None,
        warnings: app_commands.Choice[str] | None = None,
        quiet: str | None = None,
    ) -> None:
        def value(choice: app_commands.Choice[str] | None) -> str | None:
            return choice.value if choice is not None else None

        command = alerts_of(
            value(impact), value(updates), value(maintenance), value(warnings), quiet
        )
        await self._answer(interaction, command)

    @app_commands.command(name="help", description="What I understand")
    async def help(self, interaction: discord.Interaction) -> None:
        await self._answer(interaction, Help())

    @subscribe.autocomplete("components")
    async def _components(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """The page's component names; after a comma, completes the last name."""
        done, _, partial = current.rpartition(",")
        prefix = f"{done.strip()}, " if done.strip() else ""
        chosen = {p.strip().lower() for p in done.split(",") if p.strip()}
        needle = partial.strip().lower()
        choices = []
        for name in self._core.component_names():
            if name.lower() in chosen or needle not in name.lower():
                continue
            value = prefix + name
            if len(value) <= 100:
                choices.append(app_commands.Choice(name=value, value=value))
        return choices[:MAX_CHOICES]

    @status.autocomplete("code")
    @report.autocomplete("code")
    async def _codes(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        needle = current.strip().lower()
        return [app_commands.Choice(name=c, value=c) for c in COMMON_CODES if c.startswith(needle)]

    async def _answer(self, interaction: discord.Interaction, command: Command) -> None:
        """Answer at once when the core is quick, else defer and follow up."""
        ctx = context_for_interaction(interaction)
        task = asyncio.ensure_future(self._core.answer(command, ctx))
        done, _ = await asyncio.wait({task}, timeout=DEFER_AFTER_SECONDS)
        if not done:
            await interaction.response.defer(thinking=True)
        rendered = _rendered(await _settled(task))
        embeds = [discord.Embed.from_dict(e) for e in rendered.embeds]
        if interaction.response.is_done():
            await interaction.followup.send(
                content=rendered.content or discord.utils.MISSING,
                embeds=embeds,
                allowed_mentions=NO_MENTIONS,
            )
        else:
            await interaction.response.send_message(
                content=rendered.content,
                embeds=embeds,
                allowed_mentions=NO_MENTIONS,
                ephemeral=rendered.ephemeral,
            )


async def _settled(task: asyncio.Future[Answer]) -> Answer | None:
    try:
        return await task
    except Exception:
        log.exception("answering a Discord command failed")
        return None


def _rendered(answer: Answer | None) -> Message:
    if answer is None:
        return Message(content=SORRY, ephemeral=True)
    return answer_message(answer)

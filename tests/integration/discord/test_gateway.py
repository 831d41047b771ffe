"""Connecting: where, with which intents and compression, the command sync, the invite link,
reconnecting, and a token Discord refuses."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import discord.utils
import pytest

import adapters.discord.adapter as discord_adapter
from adapters.discord import DiscordAdapter, build
from bot.conversation import Core
from bot.notify.notices import Notice, NoticeKind, Severity
from bot.notify.ports import Target, TransientDeliveryError
from bot.settings import Secret, Settings
from fakes.discord_api import (
    ALERTS,
    APP_ID,
    EMBED_LINKS,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    SEND_MESSAGES_IN_THREADS,
    TOKEN,
    VIEW_CHANNEL,
    FakeDiscord,
)
from tests.integration.discord.conftest import discord_settings
from tests.integration.discord.messages import reply_to, text_of
from tests.integration.helpers import fresh_attempt

GUILDS, GUILD_MESSAGES, MESSAGE_CONTENT = 1 << 0, 1 << 9, 1 << 15
NOTICE = Notice(
    kind=NoticeKind.FEED_LOST,
    title="Can't read the status page",
    severity=Severity.UNKNOWN,
    status="unreachable",
    text="No answer.",
    at=datetime(2026, 11, 24, 18, 0, tzinfo=UTC),
)


async def test_connects_where_gateway_bot_says_with_the_fewest_intents(
    bot: DiscordAdapter, discord_fake: FakeDiscord
) -> None:
    session = await discord_fake.wait_connected()
    assert session.intents == GUILDS | GUILD_MESSAGES
    assert not session.intents & MESSAGE_CONTENT  # mentions carry their text without it
    assert session.compress == discord.utils._ActiveDecompressionContext.COMPRESSION_TYPE
    assert session.heartbeats >= 1
    assert discord_fake.calls_to("GET", "/gateway/bot")
    assert all(call.authorized for call in discord_fake.calls)


async def test_syncs_the_command_with_every_word(
    bot: DiscordAdapter, discord_fake: FakeDiscord
) -> None:
    (synced,) = discord_fake.calls_to("PUT", f"/applications/{APP_ID}/commands")
    (command,) = synced.body
    assert command["name"] == "is-claude-down"
    subcommands = {o["name"]: o for o in command["options"]}
    assert set(subcommands) == {
        "status",
        "subscribe",
        "unsubscribe",
        "report",
        "history",
        "test",
        "alerts",
        "help",
    }
    alerts = {o["name"]: o for o in subcommands["alerts"]["options"]}
    assert [c["value"] for c in alerts["impact"]["choices"]] == ["major", "minor", "any"]
    assert not any(o["required"] for o in alerts.values())
    options = {o["name"]: o for o in subcommands["status"]["options"]}
    assert options["code"]["autocomplete"] is True
    assert options["minutes"]["type"] == 4  # integer
    assert options["minutes"]["min_value"] == 1
    (report_code,) = subcommands["report"]["options"]
    assert report_code["autocomplete"] is True
    (components,) = subcommands["subscribe"]["options"]
    assert components["autocomplete"] is True
    assert components["required"] is False


async def test_logs_the_invite_link_with_exactly_the_permissions_used(
    discord_fake: FakeDiscord, core: Core, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    adapter = build(discord_settings(discord_fake), core)
    assert adapter is not None
    await adapter.start()
    try:
        await discord_fake.wait_connected()
    finally:
        await adapter.stop()
    (line,) = [r.getMessage() for r in caplog.records if "add the Discord bot" in r.getMessage()]
    query = parse_qs(urlsplit(line.split(": ", 1)[1]).query)
    assert query["client_id"] == [APP_ID]
    assert query["scope"] == ["bot applications.commands"]
    wanted = VIEW_CHANNEL | SEND_MESSAGES | SEND_MESSAGES_IN_THREADS | EMBED_LINKS
    assert query["permissions"] == [str(wanted | READ_MESSAGE_HISTORY)]
    assert all(TOKEN not in r.getMessage() for r in caplog.records)


async def test_resumes_after_the_gateway_drops_the_connection(
    bot: DiscordAdapter, discord_fake: FakeDiscord
) -> None:
    await discord_fake.drop_connection(4000)
    session = await discord_fake.wait_connected(2)
    assert session.resumed
    body = await reply_to(discord_fake, await discord_fake.mention("1300000000000000302", "help"))
    assert "What I understand" in text_of(body)


async def test_a_refused_token_leaves_the_bot_off_but_serve_running(
    discord_fake: FakeDiscord, core: Core, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(
        discord_bot_token=Secret("wrong-token"), discord_api_url=discord_fake.api_url
    )
    adapter = build(settings, core)
    assert adapter is not None
    await adapter.start()  # returns, does not raise
    try:
        assert any("refused DISCORD_BOT_TOKEN" in r.getMessage() for r in caplog.records)
        with pytest.raises(TransientDeliveryError):
            await adapter.deliveries()["discord"].post(
                Target("discord", ALERTS), NOTICE, fresh_attempt()
            )
        assert discord_fake.sessions == []
    finally:
        await adapter.stop()
    assert all("wrong-token" not in r.getMessage() for r in caplog.records)


async def test_start_returns_while_discord_is_unreachable_and_stop_ends_the_retries(
    core: Core, monkeypatch: pytest.MonkeyPatch, unused_tcp_port: int
) -> None:
    monkeypatch.setattr(discord_adapter, "LOGIN_WAIT_SECONDS", 0.3)
    settings = Settings(
        discord_bot_token=Secret(TOKEN), discord_api_url=f"http://127.0.0.1:{unused_tcp_port}/api"
    )
    adapter = build(settings, core)
    assert adapter is not None
    await adapter.start()
    assert adapter._task is not None
    assert not adapter._task.done()  # still trying in the background
    await adapter.stop()
    assert adapter._task.done()


def test_nothing_to_build_without_a_token_or_a_webhook(core: Core) -> None:
    assert build(Settings(), core) is None

"""``/is-claude-down test`` in Discord: a sample start notice, its resolution as a reply and
the edit of the start notice, all marked as a test, through the real outbox and dispatcher."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiohttp import web

from adapters.discord import DiscordAdapter, build
from bot.clock import utc_now
from bot.conversation import Core
from bot.dispatcher import Dispatcher
from bot.metrics import Metrics
from bot.notify.ports import ChatAdapter
from bot.poller import Poller
from bot.settings import Settings
from bot.store import Store
from fakes.discord_api import ALERTS, MEMBER, MOD, READ_ONLY, FakeDiscord
from tests.integration.discord.conftest import SOURCE, Page, discord_settings
from tests.integration.discord.messages import answer_to, text_of


@pytest.fixture
async def live(
    discord_fake: FakeDiscord, store: Store, poller: Poller, page: Page
) -> AsyncIterator[DiscordAdapter]:
    """The adapter with a running dispatcher six seconds ahead, so the sample's resolution
    (due five seconds after its start) goes out at once."""
    deliveries: dict[str, ChatAdapter] = {}
    dispatcher = Dispatcher(store, deliveries, lambda: utc_now() + timedelta(seconds=6), Metrics())
    core = Core(
        Settings(status_page_url=SOURCE),
        store,
        poller,
        web.Application(),
        utc_now,
        Metrics(),
        dispatcher.wake,
    )
    adapter = build(discord_settings(discord_fake), core)
    assert adapter is not None
    deliveries.update(adapter.deliveries())
    await adapter.start()
    await discord_fake.wait_connected()
    runner = asyncio.create_task(dispatcher.run())
    yield adapter
    runner.cancel()
    await dispatcher.close()
    await adapter.stop()


async def test_test_posts_a_start_then_replies_and_edits_it(
    live: DiscordAdapter, discord_fake: FakeDiscord
) -> None:
    answer = await answer_to(discord_fake, await discord_fake.slash(MOD, "test", channel_id=ALERTS))
    assert "Posted a test alert" in text_of(answer)
    messages = await discord_fake.wait_messages(ALERTS, 3)
    await asyncio.sleep(0.3)  # the edit follows the reply
    start, reply = alerts_in(discord_fake, ALERTS)[:2]
    assert len(messages) >= 2
    assert "test" in text_of(discord_fake.bodies[start["id"]][0]).lower()
    assert reply["message_reference"]["message_id"] == start["id"]
    assert "resolved" in text_of(discord_fake.bodies[reply["id"]][0]).lower()
    edits = discord_fake.bodies[start["id"]][1:]
    assert len(edits) == 1
    assert "resolved" in text_of(edits[0]).lower()


async def test_test_needs_manage_channels(live: DiscordAdapter, discord_fake: FakeDiscord) -> None:
    answer = await answer_to(
        discord_fake, await discord_fake.slash(MEMBER, "test", channel_id=ALERTS)
    )
    assert "Manage Channels" in text_of(answer)
    await asyncio.sleep(0.3)
    assert alerts_in(discord_fake, ALERTS) == []


async def test_test_runs_once_a_minute(live: DiscordAdapter, discord_fake: FakeDiscord) -> None:
    await answer_to(discord_fake, await discord_fake.slash(MOD, "test", channel_id=ALERTS))
    again = await answer_to(discord_fake, await discord_fake.slash(MOD, "test", channel_id=ALERTS))
    assert "less than a minute ago" in text_of(again)


async def test_test_says_what_to_do_where_the_bot_cannot_post(
    live: DiscordAdapter, discord_fake: FakeDiscord
) -> None:
    answer = await answer_to(
        discord_fake, await discord_fake.slash(MOD, "test", channel_id=READ_ONLY)
    )
    text = text_of(answer)
    assert "could not post here" in text
    assert "Send Messages" in text
    assert alerts_in(discord_fake, READ_ONLY) == []


def alerts_in(fake: FakeDiscord, channel: str) -> list[dict[str, object]]:
    """Messages in ``channel`` that are the sample alert (not the command's own answer)."""
    return [
        m
        for m in fake.channel_messages(channel)
        if "Elevated errors on the Claude API" in text_of(fake.bodies[m["id"]][0])
    ]

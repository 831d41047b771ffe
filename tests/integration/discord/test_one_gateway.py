"""With several replicas, only the poller holds the Discord gateway session (else every
mention would be answered once per replica); the others still deliver alerts over REST."""

from __future__ import annotations

import asyncio

from adapters.discord import build
from bot.conversation import Core
from bot.notify.ports import Target
from fakes.discord_api import ALERTS, FakeDiscord
from tests.integration.discord.conftest import discord_settings
from tests.integration.discord.messages import start_notice
from tests.integration.helpers import fresh_attempt


async def test_a_follower_delivers_over_rest_and_connects_only_as_poller(
    discord_fake: FakeDiscord, core: Core
) -> None:
    adapter = build(discord_settings(discord_fake), core)
    assert adapter is not None
    adapter.follow_poller()
    await adapter.start()
    try:
        ref = await adapter.deliveries()["discord"].post(
            Target("discord", ALERTS), start_notice(), fresh_attempt()
        )
        await asyncio.sleep(0.5)
        sessions_as_follower = len(discord_fake.sessions)
        adapter.became_poller()
        await discord_fake.wait_connected()
    finally:
        await adapter.stop()
    assert ref.id in discord_fake.messages
    assert sessions_as_follower == 0
    assert len(discord_fake.sessions) == 1

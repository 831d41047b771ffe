"""Three replicas on one PostgreSQL database fan out to Discord together: the bot's global
limit (50 requests per second, whoever sends) holds for all of them at once, counted where
Discord counts it, at the fake's door, even when the network is slow for a moment.

The first window's sends reach Discord ``LATE`` seconds late and the next window's on time:
a window counted from the grants lets the next sends go while the first are still on their
way (that window, with a 5 % margin, let 60 to 85 requests into one second here); counted
while in flight and until ``per`` after each answer, they wait for the first to arrive."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from adapters.discord import DiscordAdapter
from bot.clock import utc_now
from bot.dispatcher import Dispatcher
from bot.metrics import Metrics
from bot.notify.deliveries import Delivery
from bot.notify.notices import Action
from bot.notify.ports import Target
from bot.pacing import PLATFORM_PACE
from bot.store import Store
from fakes.discord_api import GUILD_ID, FakeDiscord
from tests.integration.discord.messages import start_notice

pytestmark = pytest.mark.postgres
CHANNELS = 150
"""Three windows' worth: each replica can claim 50 channels at once, more than the limit."""
LATE = 1.5
"""Seconds the first window's requests spend on their way in: more than ``per``, so a window
counted from the grants has moved on before they arrive."""


async def test_three_replicas_together_keep_to_discords_global_limit(
    postgres_url: str, bot: DiscordAdapter, discord_fake: FakeDiscord
) -> None:
    count, per = PLATFORM_PACE["discord"]
    channels = [str(1300000000000000500 + n) for n in range(CHANNELS)]
    for n, channel in enumerate(channels):
        discord_fake.add_channel(channel, f"alerts-{n}")
    discord_fake.delay("POST", r"/channels/\d+/messages", LATE, times=count)
    stores = [Store.open(postgres_url) for _ in range(3)]
    await stores[0].migrate()
    notice = start_notice()
    await stores[0].queue(
        [
            Delivery("incident:x:started", Action.POST, Target("discord", c, GUILD_ID), notice)
            for c in channels
        ],
        utc_now(),
    )
    metrics = [Metrics() for _ in stores]
    dispatchers = [
        Dispatcher(store, bot.deliveries(), utc_now, m, owner=f"replica{n}")
        for n, (store, m) in enumerate(zip(stores, metrics, strict=True))
    ]
    try:
        for dispatcher in dispatchers:  # each claims a window's worth of channels, then all go
            await dispatcher.start_due()
        await asyncio.gather(*(d.drain(timeout=30) for d in dispatchers))
    finally:
        for dispatcher, store in zip(dispatchers, stores, strict=True):
            await dispatcher.close()
            await store.close()

    posts = [c for c in discord_fake.calls if c.method == "POST" and c.path.endswith("/messages")]
    assert Counter(c.path.split("/")[2] for c in posts) == dict.fromkeys(channels, 1)
    arrivals = sorted(c.at for c in posts)
    busiest = max(sum(1 for t in arrivals if start <= t < start + per) for start in arrivals)
    assert busiest <= count, f"{busiest} requests reached Discord in one {per:g} s window"
    sent = [
        m.registry.get_sample_value(
            "icd_deliveries_total", {"platform": "discord", "outcome": "sent"}
        )
        or 0
        for m in metrics
    ]
    assert all(n > 0 for n in sent), sent  # every replica sent its share

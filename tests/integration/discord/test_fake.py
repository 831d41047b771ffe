"""The fake Discord itself: the checks the other tests rely on do catch what they claim to."""

from __future__ import annotations

from typing import Any

import aiohttp

from fakes.discord_api import ALERTS, MOD, TOKEN, FakeDiscord, Ping

AUTH = {"Authorization": f"Bot {TOKEN}"}


async def post(fake: FakeDiscord, body: dict[str, Any], headers: dict[str, str] = AUTH) -> Any:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{fake.api_url}/channels/{ALERTS}/messages", json=body, headers=headers) as r,
    ):
        return r.status, await r.json(content_type=None)


async def test_it_sees_who_a_message_would_ping(discord_fake: FakeDiscord) -> None:
    await post(discord_fake, {"content": f"@everyone look <@{MOD}>"})
    await post(discord_fake, {"content": "@here", "allowed_mentions": {"parse": []}})
    await post(discord_fake, {"embeds": [{"description": "@everyone"}]})  # embeds never ping
    kinds = [(p.kind, p.target) for p in discord_fake.pings]
    assert kinds == [("everyone", ""), ("user", MOD)]
    assert all(isinstance(p, Ping) for p in discord_fake.pings)


async def test_it_rejects_what_discord_rejects(discord_fake: FakeDiscord) -> None:
    too_long = await post(discord_fake, {"embeds": [{"description": "x" * 4097}]})
    assert too_long[0] == 400
    assert too_long[1]["code"] == 50035
    over_total = await post(discord_fake, {"embeds": [{"description": "x" * 4000}] * 2})
    assert over_total[0] == 400
    bad_link = await post(discord_fake, {"embeds": [{"title": "t", "url": "javascript:x"}]})
    assert bad_link[0] == 400
    unauthorized = await post(discord_fake, {"content": "hi"}, headers={})
    assert unauthorized[0] == 401
    assert discord_fake.channel_messages(ALERTS) == []

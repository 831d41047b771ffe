"""Alerts posted as the bot: post, reply, edit, and what Discord's errors become."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from adapters.discord import DiscordAdapter
from bot.notify.ports import (
    ChatAdapter,
    MessageRef,
    PermanentDeliveryError,
    Target,
    ThreadGoneError,
    TransientDeliveryError,
)
from fakes.discord_api import ALERTS, GUILD_ID, READ_ONLY, FakeDiscord
from tests.integration.discord.messages import start_notice, text_of, update_of
from tests.integration.helpers import fresh_attempt

CHANNEL = Target("discord", ALERTS, GUILD_ID)
MESSAGES = r"/channels/\d+/messages"
NO_MENTIONS: dict[str, Any] = {"parse": []}
NO_MENTIONS_IN_REPLY: dict[str, Any] = {"parse": [], "replied_user": False}


@pytest.fixture
def delivery(bot: DiscordAdapter) -> ChatAdapter:
    return bot.deliveries()["discord"]


def sent(fake: FakeDiscord, ref: MessageRef) -> list[dict[str, Any]]:
    return fake.bodies[ref.id]


async def test_post_reply_edit(delivery: ChatAdapter, discord_fake: FakeDiscord) -> None:
    root = start_notice()
    ref = await delivery.post(CHANNEL, root, fresh_attempt())
    assert ref.channel == ALERTS
    (body,) = sent(discord_fake, ref)
    assert body["allowed_mentions"] == NO_MENTIONS
    assert "incident: Elevated errors on the Claude API" in body["embeds"][0]["title"]
    assert body["embeds"][0]["url"] == "https://stspg.io/zcikqgvvd7e6"
    assert "message_reference" not in body

    reply = await delivery.reply(
        CHANNEL, ref, update_of(root, "We found it."), fresh_attempt(), broadcast=False
    )
    posted = discord_fake.messages[reply.id]
    assert posted["type"] == 19  # a reply
    assert posted["message_reference"]["message_id"] == ref.id
    reply_body = sent(discord_fake, reply)[0]
    assert reply_body["message_reference"]["fail_if_not_exists"] is True
    assert reply_body["allowed_mentions"] == NO_MENTIONS_IN_REPLY
    assert "We found it." in text_of(reply_body)

    assert root.started_at is not None
    closed = root.closed(root.started_at + timedelta(minutes=47), "resolved")
    await delivery.edit(CHANNEL, ref, closed)
    _, edit = sent(discord_fake, ref)
    assert edit["allowed_mentions"]["parse"] == []
    assert "Resolved after 47 min" in text_of(edit)
    assert edit["embeds"][0]["color"] == 0x2ECC71
    assert discord_fake.messages[ref.id]["edited_timestamp"] is not None
    assert discord_fake.pings == []


async def test_a_route_429_is_waited_out_by_discord_py(
    delivery: ChatAdapter, discord_fake: FakeDiscord
) -> None:
    discord_fake.rate_limit("POST", MESSAGES, retry_after=0.2, times=2)
    ref = await delivery.post(CHANNEL, start_notice(), fresh_attempt())
    statuses = [c.status for c in discord_fake.calls_to("POST", MESSAGES)]
    assert statuses == [429, 429, 200]
    assert len(discord_fake.channel_messages(ALERTS)) == 1
    assert ref.id in discord_fake.messages


async def test_a_global_429_is_waited_out_too(
    delivery: ChatAdapter, discord_fake: FakeDiscord
) -> None:
    discord_fake.rate_limit("POST", MESSAGES, retry_after=0.2, is_global=True)
    await delivery.post(CHANNEL, start_notice(), fresh_attempt())
    assert [c.status for c in discord_fake.calls_to("POST", MESSAGES)] == [429, 200]


async def test_a_long_429_goes_back_to_the_dispatcher_with_its_wait(
    delivery: ChatAdapter, discord_fake: FakeDiscord
) -> None:
    discord_fake.rate_limit("POST", MESSAGES, retry_after=45.0)
    with pytest.raises(TransientDeliveryError) as caught:
        await delivery.post(CHANNEL, start_notice(), fresh_attempt())
    assert caught.value.retry_after == 45.0
    assert discord_fake.channel_messages(ALERTS) == []


async def test_a_deleted_channel_is_permanent(
    delivery: ChatAdapter, discord_fake: FakeDiscord
) -> None:
    discord_fake.delete_channel(ALERTS)
    with pytest.raises(PermanentDeliveryError) as caught:
        await delivery.post(CHANNEL, start_notice(), fresh_attempt())
    assert "Unknown Channel" in caught.value.reason


async def test_a_forbidden_channel_is_permanent(
    delivery: ChatAdapter, discord_fake: FakeDiscord
) -> None:
    discord_fake.forbid_channel(ALERTS)
    with pytest.raises(PermanentDeliveryError) as caught:
        await delivery.post(CHANNEL, start_notice(), fresh_attempt())
    assert "Missing Access" in caught.value.reason


async def test_a_channel_the_bot_may_not_write_in_is_permanent(
    delivery: ChatAdapter, discord_fake: FakeDiscord
) -> None:
    with pytest.raises(PermanentDeliveryError) as caught:
        await delivery.post(Target("discord", READ_ONLY, GUILD_ID), start_notice(), fresh_attempt())
    assert "Missing Permissions" in caught.value.reason


async def test_a_deleted_root_is_thread_gone_for_reply_and_edit(
    delivery: ChatAdapter, discord_fake: FakeDiscord
) -> None:
    root = start_notice()
    ref = await delivery.post(CHANNEL, root, fresh_attempt())
    discord_fake.delete_message(ref.id)
    with pytest.raises(ThreadGoneError):
        await delivery.reply(
            CHANNEL, ref, update_of(root, "later"), fresh_attempt(), broadcast=False
        )
    with pytest.raises(ThreadGoneError):
        await delivery.edit(CHANNEL, ref, root)
    assert len(discord_fake.channel_messages(ALERTS)) == 1


async def test_server_errors_are_transient(
    delivery: ChatAdapter, discord_fake: FakeDiscord
) -> None:
    discord_fake.fail("POST", MESSAGES, 503)
    with pytest.raises(TransientDeliveryError):
        await delivery.post(CHANNEL, start_notice(), fresh_attempt())
    discord_fake.fail("POST", MESSAGES, 500)  # retried once by discord.py itself, after 1 s
    await delivery.post(CHANNEL, start_notice(), fresh_attempt())
    assert [c.status for c in discord_fake.calls_to("POST", MESSAGES)] == [503, 500, 200]


async def test_feed_text_that_tries_to_ping_everyone_pings_nobody(
    delivery: ChatAdapter, discord_fake: FakeDiscord
) -> None:
    hostile = start_notice("bad/summary-hostile.json")
    ref = await delivery.post(CHANNEL, hostile, fresh_attempt())
    await delivery.reply(
        CHANNEL, ref, update_of(hostile, hostile.text), fresh_attempt(), broadcast=True
    )
    for message in discord_fake.channel_messages(ALERTS):
        (body,) = discord_fake.bodies[message["id"]]
        assert body["allowed_mentions"] in (NO_MENTIONS, NO_MENTIONS_IN_REPLY)
        shown = text_of(body)
        assert "@\u200beveryone" in shown
        assert "@everyone" not in shown
        assert "@here" not in shown
    assert discord_fake.pings == []


async def test_a_huge_update_is_cut_not_rejected(
    delivery: ChatAdapter, discord_fake: FakeDiscord
) -> None:
    ref = await delivery.post(CHANNEL, start_notice("bad/summary-huge-body.json"), fresh_attempt())
    (body,) = sent(discord_fake, ref)
    (embed,) = body["embeds"]
    assert embed["description"].endswith("…")
    assert len(json.dumps(body)) < 20_000

"""The bot's alert messages carry their delivery as an enforced nonce, so a repeat of a
delivery whose answer was lost records the message Discord already made."""

from __future__ import annotations

import asyncio

import pytest

from adapters.discord import DiscordAdapter
from bot.notify.ports import Attempt, ChatAdapter, SentBeforeError, Target, TransientDeliveryError
from fakes.discord_api import ALERTS, GUILD_ID, FakeDiscord
from tests.integration.discord.messages import start_notice, update_of
from tests.integration.helpers import fresh_attempt

CHANNEL = Target("discord", ALERTS, GUILD_ID)
CREATE = rf"/channels/{ALERTS}/messages"


@pytest.fixture
def delivery(bot: DiscordAdapter) -> ChatAdapter:
    return bot.deliveries()["discord"]


def created(fake: FakeDiscord) -> list[dict[str, object]]:
    return [c.body for c in fake.calls_to("POST", CREATE)]


async def test_every_message_carries_its_delivery_as_an_enforced_nonce(
    delivery: ChatAdapter, discord_fake: FakeDiscord
) -> None:
    start, update = fresh_attempt(), fresh_attempt()
    root = await delivery.post(CHANNEL, start_notice(), start)
    await delivery.reply(CHANNEL, root, update_of(start_notice(), "More."), update, broadcast=False)
    assert [(b["nonce"], b["enforce_nonce"]) for b in created(discord_fake)] == [
        (start.delivery, True),
        (update.delivery, True),
    ]


async def test_a_repeated_try_gets_the_message_the_first_one_made(
    delivery: ChatAdapter, discord_fake: FakeDiscord
) -> None:
    attempt = fresh_attempt()
    first = await delivery.post(CHANNEL, start_notice(), attempt)
    update = fresh_attempt()
    reply = await delivery.reply(CHANNEL, first, start_notice(), update, broadcast=False)
    # The answers were lost (say): the next tries, with the same deliveries, post nothing new.
    again = await delivery.post(CHANNEL, start_notice(), Attempt(attempt.delivery))
    reply_again = await delivery.reply(
        CHANNEL, first, start_notice(), Attempt(update.delivery), broadcast=False
    )
    assert (again, reply_again) == (first, reply)
    assert len(discord_fake.channel_messages(ALERTS)) == 2
    assert len(created(discord_fake)) == 4


async def test_a_repeat_of_a_message_deleted_since_is_sent_before(
    delivery: ChatAdapter, discord_fake: FakeDiscord
) -> None:
    attempt = fresh_attempt()
    first = await delivery.post(CHANNEL, start_notice(), attempt)
    discord_fake.delete_message(first.id)
    with pytest.raises(SentBeforeError):
        await delivery.post(CHANNEL, start_notice(), attempt)
    assert len(discord_fake.channel_messages(ALERTS)) == 1


async def test_a_nonce_is_kept_only_a_few_minutes(
    delivery: ChatAdapter, discord_fake: FakeDiscord
) -> None:
    discord_fake.nonce_window = 0.2
    attempt = fresh_attempt()
    first = await delivery.post(CHANNEL, start_notice(), attempt)
    await asyncio.sleep(0.3)
    later = await delivery.post(CHANNEL, start_notice(), attempt)
    assert later.id != first.id  # what docs/reliability.md says remains after a long outage


async def test_a_nonce_longer_than_25_characters_is_refused(
    delivery: ChatAdapter, discord_fake: FakeDiscord
) -> None:
    with pytest.raises(TransientDeliveryError, match="50035"):
        await delivery.post(CHANNEL, start_notice(), Attempt("x" * 26))
    assert discord_fake.channel_messages(ALERTS) == []

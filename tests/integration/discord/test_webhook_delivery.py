"""Webhook-only alerts (``discord-webhook:URL``): no bot, no gateway."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from adapters.discord import DiscordAdapter, build
from bot.conversation import Core
from bot.notify.notices import NoticeKind
from bot.notify.ports import (
    ChatAdapter,
    PermanentDeliveryError,
    Target,
    ThreadGoneError,
    TransientDeliveryError,
)
from fakes.discord_api import ALERTS, FakeDiscord
from tests.integration.discord.conftest import discord_settings
from tests.integration.discord.messages import start_notice, text_of
from tests.integration.helpers import fresh_attempt

HOOK = r"/webhooks/\d+/[\w-]+"


@pytest.fixture
async def webhook_only(discord_fake: FakeDiscord, core: Core) -> AsyncIterator[DiscordAdapter]:
    adapter = build(
        discord_settings(discord_fake, token=False, webhooks=("https://x.invalid/",)), core
    )
    assert adapter is not None
    await adapter.start()
    yield adapter
    await adapter.stop()


@pytest.fixture
def hooks(webhook_only: DiscordAdapter) -> ChatAdapter:
    return webhook_only.deliveries()["discord-webhook"]


async def test_webhook_only_needs_no_bot(
    webhook_only: DiscordAdapter, discord_fake: FakeDiscord
) -> None:
    assert set(webhook_only.deliveries()) == {"discord-webhook"}
    assert discord_fake.calls == []
    assert discord_fake.sessions == []


async def test_execute_with_wait_then_reply_and_edit(
    hooks: ChatAdapter, discord_fake: FakeDiscord
) -> None:
    target = Target("discord-webhook", discord_fake.create_webhook(ALERTS))
    root = start_notice()
    ref = await hooks.post(target, root, fresh_attempt())
    (execute,) = discord_fake.calls_to("POST", HOOK)
    assert execute.query == {"wait": "true"}
    assert execute.body["allowed_mentions"] == {"parse": []}
    assert ref.channel == ALERTS
    assert discord_fake.messages[ref.id]["webhook_id"]

    update = replace(root, kind=NoticeKind.INCIDENT_UPDATED, text="Found the cause.")
    reply = await hooks.reply(target, ref, update, fresh_attempt(), broadcast=True)
    assert "Found the cause." in text_of(discord_fake.bodies[reply.id][0])

    assert root.started_at is not None
    await hooks.edit(target, ref, root.closed(root.started_at, "resolved"))
    (edit,) = discord_fake.calls_to("PATCH", HOOK + rf"/messages/{ref.id}")
    assert edit.body["allowed_mentions"] == {"parse": []}
    assert "Resolved within a minute: " in text_of(edit.body)
    assert len(discord_fake.channel_messages(ALERTS)) == 2
    assert discord_fake.pings == []


async def test_a_thread_id_in_the_url_is_kept(
    hooks: ChatAdapter, discord_fake: FakeDiscord
) -> None:
    target = Target("discord-webhook", discord_fake.create_webhook(ALERTS) + "?thread_id=123")
    ref = await hooks.post(target, start_notice(), fresh_attempt())
    await hooks.edit(target, ref, start_notice())
    assert discord_fake.calls_to("POST", HOOK)[0].query == {"thread_id": "123", "wait": "true"}
    assert discord_fake.calls_to("PATCH", HOOK + r"/messages/\d+")[0].query == {"thread_id": "123"}


async def test_429_gives_the_dispatcher_retry_after(
    hooks: ChatAdapter, discord_fake: FakeDiscord
) -> None:
    target = Target("discord-webhook", discord_fake.create_webhook(ALERTS))
    discord_fake.rate_limit("POST", HOOK, retry_after=1.25)
    with pytest.raises(TransientDeliveryError) as caught:
        await hooks.post(target, start_notice(), fresh_attempt())
    assert caught.value.retry_after == 1.25
    discord_fake.rate_limit("POST", HOOK, retry_after=7, proxy=True)  # no JSON: Retry-After
    with pytest.raises(TransientDeliveryError) as caught:
        await hooks.post(target, start_notice(), fresh_attempt())
    assert caught.value.retry_after == 7.0
    await hooks.post(target, start_notice(), fresh_attempt())
    assert len(discord_fake.channel_messages(ALERTS)) == 1


async def test_a_deleted_start_message_is_thread_gone(
    hooks: ChatAdapter, discord_fake: FakeDiscord
) -> None:
    target = Target("discord-webhook", discord_fake.create_webhook(ALERTS))
    root = start_notice()
    ref = await hooks.post(target, root, fresh_attempt())
    discord_fake.delete_message(ref.id)
    with pytest.raises(ThreadGoneError):
        await hooks.reply(target, ref, root, fresh_attempt(), broadcast=False)
    with pytest.raises(ThreadGoneError):
        await hooks.edit(target, ref, root)
    assert len(discord_fake.channel_messages(ALERTS)) == 1


async def test_a_deleted_webhook_or_wrong_token_is_permanent(
    hooks: ChatAdapter, discord_fake: FakeDiscord
) -> None:
    url = discord_fake.create_webhook(ALERTS)
    with pytest.raises(PermanentDeliveryError) as wrong:
        await hooks.post(Target("discord-webhook", url + "x"), start_notice(), fresh_attempt())
    assert "token" in wrong.value.reason
    discord_fake.webhooks.clear()
    with pytest.raises(PermanentDeliveryError) as deleted:
        await hooks.post(Target("discord-webhook", url), start_notice(), fresh_attempt())
    assert "Unknown Webhook" in deleted.value.reason


async def test_server_and_network_errors_are_transient_and_never_show_the_url(
    hooks: ChatAdapter,
    discord_fake: FakeDiscord,
    unused_tcp_port: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    url = discord_fake.create_webhook(ALERTS)
    discord_fake.fail("POST", HOOK, 502)
    with pytest.raises(TransientDeliveryError) as server:
        await hooks.post(Target("discord-webhook", url), start_notice(), fresh_attempt())
    unreachable = f"http://127.0.0.1:{unused_tcp_port}/api/webhooks/1/secret-token"
    with pytest.raises(TransientDeliveryError) as network:
        await hooks.post(Target("discord-webhook", unreachable), start_notice(), fresh_attempt())
    token = url.rsplit("/", 1)[1]
    for error in (server.value, network.value):
        assert token not in str(error)
        assert "secret-token" not in str(error)
    assert all(
        token not in r.getMessage() and "secret-token" not in r.getMessage() for r in caplog.records
    )


async def test_a_target_that_is_not_a_url_is_permanent(hooks: ChatAdapter) -> None:
    with pytest.raises(PermanentDeliveryError):
        await hooks.post(
            Target("discord-webhook", "ftp://example.com/hook"), start_notice(), fresh_attempt()
        )

"""Hostile input at the HTTP door of the whole bot: oversized bodies, forged and replayed
Slack requests, and one workspace trying to change another's subscriptions."""

from __future__ import annotations

import time

from bot.notify.ports import Target
from fakes.slack_api import sign, slash_command
from tests.integration.slack.conftest import Bot

BIG = "x" * (1024 * 1024)


async def test_oversized_bodies_are_refused_before_they_are_read(bot: Bot) -> None:
    async with bot.http.post(bot.url + "/slack/events", data=BIG) as response:
        assert response.status == 413
    # A webhook with a wrong token is turned away before its body is read at all.
    async with bot.http.post(bot.url + "/webhooks/statuspage/anything", data=BIG) as response:
        assert response.status == 404


async def test_a_request_signed_with_another_secret_or_too_old_is_401(bot: Bot) -> None:
    body = slash_command("subscribe", response_url=bot.slack.response_url())
    wrong, _ = await bot.post_events(
        body, "application/x-www-form-urlencoded", sign(body, secret="not-the-secret")
    )
    stale, _ = await bot.post_events(
        body, "application/x-www-form-urlencoded", sign(body, timestamp=int(time.time()) - 400)
    )
    assert (wrong, stale) == (401, 401)
    assert await bot.app.store.subscription(Target("slack", "C0GENERAL", "T0TEAM001")) is None


async def test_a_signed_body_cannot_be_replayed_with_other_words(bot: Bot) -> None:
    """The signature covers the body: a captured header on a changed body is refused."""
    original = slash_command("help", response_url=bot.slack.response_url())
    headers = sign(original)
    forged = slash_command("unsubscribe", response_url=bot.slack.response_url())
    status, _ = await bot.post_events(forged, "application/x-www-form-urlencoded", headers)
    assert status == 401


async def test_one_workspace_cannot_unsubscribe_anothers_channel(bot: Bot) -> None:
    await bot.command("subscribe", channel="C0SHARED1", team="T0TEAM001")
    await bot.command("unsubscribe", channel="C0SHARED1", team="T0OTHER01")
    mine = await bot.app.store.subscription(Target("slack", "C0SHARED1", "T0TEAM001"))
    assert mine is not None

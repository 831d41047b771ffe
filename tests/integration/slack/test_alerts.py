"""A whole incident through the whole bot into Slack: subscribed with the slash command, the
``api-elevated-errors`` scenario served by the fake page, alerts checked on the fake Slack."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from fakes.slack_api import FakeSlack, Message, texts
from fakes.statuspage import FakeStatuspage, scenario_steps
from tests.integration.slack.conftest import Bot, running_bot

STEPS = scenario_steps("api-elevated-errors")
NAME = "Elevated errors on the Claude API"


@pytest.fixture
async def bot(slack: FakeSlack, statuspage: FakeStatuspage, tmp_path: Path) -> AsyncIterator[Bot]:
    """The bot started on the scenario's first step (all operational)."""
    statuspage.set_step(STEPS[0])
    async with running_bot(slack, statuspage, tmp_path) as running:
        yield running


async def settle(bot: Bot, rounds: int = 40) -> None:
    """Deliver everything, moving time past each retry wait instead of sleeping it."""
    for _ in range(rounds):
        await bot.deliver()
        if not await bot.app.store.pending_count():
            return
        bot.clock.advance(301)
    raise AssertionError("notices still pending")


async def run_scenario(bot: Bot) -> None:
    for step in STEPS:
        await bot.poll(step)
        await settle(bot)


def thread(slack: FakeSlack, channel: str) -> tuple[Message, list[Message]]:
    [root] = slack.roots(channel)
    return root, slack.replies(channel, root.ts)


async def test_an_incident_is_one_root_its_updates_in_the_thread_and_the_root_edited(
    bot: Bot,
) -> None:
    await bot.command("subscribe", channel="C0ALERTS1")
    await run_scenario(bot)
    root, replies = thread(bot.slack, "C0ALERTS1")
    assert root.first_text == "🟡 *Minor incident:* " + NAME
    assert [r.reply_broadcast for r in replies] == [False, False, False, True]
    assert replies[-1].text.startswith("✅ *Resolved:* " + NAME)
    assert len(root.edits) == 1
    assert root.text == f"✅ *Resolved after 1 h 21 min:* {NAME}"
    assert "We are currently investigating" in texts(root.attachments)
    assert len(bot.slack.calls_to("chat.update")) == 1


async def test_429s_and_500s_along_the_way_change_nothing_but_the_timing(bot: Bot) -> None:
    await bot.command("subscribe", channel="C0ALERTS1")
    bot.slack.fail("chat.postMessage", status=429, retry_after=20, times=2)
    for index, step in enumerate(STEPS):
        if index == 3:
            bot.slack.fail("chat.postMessage", status=500)
            bot.slack.fail("conversations.history", status=429, retry_after=5)
        if index == 5:
            bot.slack.fail("chat.update", status=500, times=2)
        await bot.poll(step)
        await settle(bot)
    root, replies = thread(bot.slack, "C0ALERTS1")
    assert [r.reply_broadcast for r in replies] == [False, False, False, True]
    assert len(root.edits) == 1
    assert root.text.startswith("✅ *Resolved after ")
    posts = bot.slack.calls_to("chat.postMessage")
    assert len(posts) == 5 + 3  # one root and four replies, plus two 429s and one 500


async def test_a_429_storm_in_one_channel_does_not_hold_back_the_others(bot: Bot) -> None:
    for channel in ("C0ALERTS1", "C0ALERTS2", "C0ALERTS3"):
        await bot.command("subscribe", channel=channel)
    bot.slack.fail("chat.postMessage", channel="C0ALERTS2", status=429, retry_after=60, times=10)
    await bot.poll(STEPS[0])
    await bot.poll(STEPS[1])
    assert len(bot.slack.roots("C0ALERTS1")) == 1
    assert len(bot.slack.roots("C0ALERTS3")) == 1
    assert bot.slack.roots("C0ALERTS2") == []
    for step in STEPS[2:]:
        await bot.poll(step)
        await settle(bot)
    for channel in ("C0ALERTS1", "C0ALERTS2", "C0ALERTS3"):
        root, replies = thread(bot.slack, channel)
        assert len(replies) == 4
        assert len(root.edits) == 1


async def test_a_deleted_start_notice_starts_a_new_thread(bot: Bot) -> None:
    await bot.command("subscribe", channel="C0ALERTS1")
    for step in STEPS[:3]:
        await bot.poll(step)
    [first] = bot.slack.roots("C0ALERTS1")
    bot.slack.delete_message("C0ALERTS1", first.ts)
    for step in STEPS[3:]:
        await bot.poll(step)
        await settle(bot)
    roots = bot.slack.roots("C0ALERTS1")
    assert [r.ts for r in roots] == [first.ts, roots[1].ts]
    fresh = roots[1]
    assert fresh.first_text == "🟡 *Update:* " + NAME  # the update, posted standalone
    replies = bot.slack.replies("C0ALERTS1", fresh.ts)
    assert [r.reply_broadcast for r in replies] == [False, True]  # 05's update, the resolution
    assert len(fresh.edits) == 1  # the closed form lands on the root that exists
    assert fresh.text.startswith("✅ *Resolved after ")


async def test_a_channel_that_disappears_is_unsubscribed(bot: Bot) -> None:
    await bot.command("subscribe", channel="C0ALERTS1")
    await bot.command("subscribe", channel="C0ALERTS2")
    await bot.poll(STEPS[0])
    await bot.poll(STEPS[1])
    bot.slack.fail("chat.postMessage", channel="C0ALERTS2", error="channel_not_found", times=100)
    for step in STEPS[2:]:
        await bot.poll(step)
        await settle(bot)
    subscriptions = {s.target.channel for s in await bot.app.store.active_subscriptions()}
    assert subscriptions == {"C0ALERTS1"}
    tried = [
        c for c in bot.slack.calls_to("chat.postMessage") if c.params["channel"] == "C0ALERTS2"
    ]
    assert len(tried) == 2  # the root, then the first update, which found it gone
    assert len(thread(bot.slack, "C0ALERTS1")[1]) == 4


async def test_subscribing_mid_incident_announces_it_once(bot: Bot) -> None:
    for step in STEPS[:3]:
        await bot.poll(step)
    await bot.command("subscribe", channel="C0ALERTS1")
    await settle(bot)
    [root] = bot.slack.roots("C0ALERTS1")
    assert NAME in root.text
    for step in STEPS[3:]:
        await bot.poll(step)
        await settle(bot)
    root, replies = thread(bot.slack, "C0ALERTS1")
    assert [r.reply_broadcast for r in replies] == [False, False, True]

"""``/is-claude-down test`` in Slack: a sample start notice, its resolution in the thread
(also sent to the channel) and the edit of the start notice, all marked as a test."""

from __future__ import annotations

from fakes.slack_api import texts
from tests.integration.slack.conftest import Bot

SAMPLE = "Elevated errors on the Claude API"


async def test_test_posts_a_start_then_replies_in_its_thread_and_edits_it(bot: Bot) -> None:
    answer = await bot.command("test", channel="C0ALERTS1")
    bot.clock.advance(6)  # the resolution follows five seconds later
    await bot.deliver()
    [root] = bot.slack.roots("C0ALERTS1")
    replies = bot.slack.replies("C0ALERTS1", root.ts)
    assert "Posted a test alert" in answer["text"]
    assert "TEST" in root.first_text
    assert SAMPLE in root.first_text
    assert len(replies) == 1
    assert replies[0].reply_broadcast
    assert "TEST" in replies[0].text
    assert len(root.edits) == 1
    assert "Resolved" in root.text


async def test_test_is_limited_to_once_a_minute_per_channel(bot: Bot) -> None:
    await bot.command("test", channel="C0ALERTS1")
    again = await bot.command("test", channel="C0ALERTS1")
    other = await bot.command("test", channel="C0OTHER01")
    assert "less than a minute ago" in again["text"]
    assert "Posted a test alert" in other["text"]


async def test_test_says_what_to_do_where_the_bot_cannot_post(bot: Bot) -> None:
    bot.slack.add_channel("C0PRIVATE", private=True, member=False)
    answer = await bot.command("test", channel="C0PRIVATE")
    shown = answer["text"] + texts(answer.get("blocks", []))
    assert "could not post here" in shown
    assert "/invite @is-claude-down" in shown
    assert bot.slack.roots("C0PRIVATE") == []

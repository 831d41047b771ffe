"""Community reports through the whole bot into Slack: the real Reddit and GitHub sources
against their fakes, the watch, the poll, the outbox and slack-sdk against the fake Slack."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

from fakes.github_api import FakeGitHub
from fakes.reddit_api import FakeReddit
from fakes.slack_api import FakeSlack, texts
from fakes.statuspage import FakeStatuspage
from tests.integration.slack.conftest import Bot, running_bot

HOSTILE = [
    "<!channel> <!everyone> @here API Error: 529 Overloaded",
    "*Is Claude down?* `rm -rf` <https://evil.example|click> &amp; 500 Internal server error",
    "Overloaded " + "x" * 5000,
]


@asynccontextmanager
async def community_bot(
    slack: FakeSlack, page: FakeStatuspage, tmp_path: Path
) -> AsyncIterator[tuple[Bot, FakeReddit, FakeGitHub]]:
    async with FakeReddit() as reddit, FakeGitHub() as github:
        env = {
            "COMMUNITY": "reddit,github",
            "REDDIT_API_URL": reddit.url,
            "REDDIT_OAUTH_URL": reddit.url,
            "GITHUB_API_URL": github.url,
        }
        async with running_bot(slack, page, tmp_path, **env) as bot:
            yield bot, reddit, github


async def read_and_poll(bot: Bot) -> None:
    """One read of the community sources (when due), then one poll, delivered."""
    assert bot.app.community is not None
    await bot.app.community.read_due(bot.clock())
    await bot.poll()


async def test_quiet_sources_say_so_in_every_answer(
    slack: FakeSlack, statuspage: FakeStatuspage, tmp_path: Path
) -> None:
    async with community_bot(slack, statuspage, tmp_path) as (bot, reddit, github):
        reddit.add_post("Which MCP servers do you use?", bot.clock() - timedelta(minutes=3))
        await read_and_poll(bot)
        answer = texts(await bot.command(""))
        async with bot.http.get(f"{bot.url}/api/status") as response:
            document = await response.json()
    assert "r/ClaudeAI: quiet" in answer
    assert "anthropics/claude-code issues: quiet" in answer
    assert [(c["source"], c["state"]) for c in document["community"]] == [
        ("reddit:r/ClaudeAI", "quiet"),
        ("github:anthropics/claude-code", "quiet"),
    ]
    assert reddit.listings()
    assert github.requests


async def test_a_burst_raises_one_linked_warning_in_every_channel_and_a_503_cites_it(
    slack: FakeSlack, statuspage: FakeStatuspage, tmp_path: Path
) -> None:
    async with community_bot(slack, statuspage, tmp_path) as (bot, reddit, _):
        await bot.command("subscribe", channel="C0ALERTS1")
        await bot.command("subscribe", channel="C0ALERTS2")
        await read_and_poll(bot)  # first read: quiet
        now = bot.clock()
        for n in range(6):
            reddit.add_post(f"Claude down for anyone else? ({n})", now - timedelta(minutes=9 - n))
        for n, title in enumerate(HOSTILE):
            reddit.add_post(title, now - timedelta(minutes=2 - n * 0.5))
        bot.clock.advance(120)
        await read_and_poll(bot)  # second read: elevated, and the poll raises the warning
        await read_and_poll(bot)  # nothing new: no second warning
        answer = await bot.command("503")
        async with bot.http.get(f"{bot.url}/api/status") as response:
            document = await response.json()
    for channel in ("C0ALERTS1", "C0ALERTS2"):
        [root] = slack.roots(channel)
        shown = texts(root.as_json())
        assert "r/ClaudeAI: 9 posts about errors in 30 min (usually 1)" in shown
        links = re.findall(r"<(http://127\.0\.0\.1:\d+/r/ClaudeAI/comments/\w+/)\|([^>]*)>", shown)
        assert len(links) == 3
        assert all(url.startswith(reddit.url) for url, _ in links)
        assert_harmless(shown)
    advice = texts(answer)
    assert "r/ClaudeAI: 9 posts about errors in 30 min (usually 1): others see it too" in advice
    assert_harmless(advice)
    (elevated, _) = document["community"]
    assert elevated["state"] == "elevated"
    assert document["advice"]["kind"] in ("all-clear", "wait")
    assert len(elevated["top"]) == 3


def assert_harmless(shown: str) -> None:
    """No ping, no link but ours, nothing near 5,000 characters."""
    assert "<!channel>" not in shown
    assert "<!everyone>" not in shown
    assert "<!here" not in shown
    assert "<https://evil.example" not in shown
    assert "x" * 200 not in shown
    for target in re.findall(r"<([^|>]+)\|", shown):
        assert target.startswith(("http://127.0.0.1:", "!date^")), target  # ours only

"""Community reports through the whole bot into Discord: the real sources against the fake
Reddit and GitHub, the watch, the poll, the outbox, and discord.py against the fake Discord.
Hostile titles (pings, markup, disguised links, 5,000 characters) are posted harmlessly."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from bot.settings import load
from bot.wiring import build_app
from fakes.discord_api import ALERTS, MEMBER, TOKEN, FakeDiscord
from fakes.github_api import FakeGitHub
from fakes.reddit_api import FakeReddit
from fakes.statuspage import FakeStatuspage
from tests.integration.discord.messages import answer_to, text_of
from tests.integration.slack.conftest import MovableClock

HOSTILE = [  # oldest first: the newest three are linked
    "Claude down for anyone else? ||spoiler|| `code` > quote",
    "[Claude status](https://evil.example) **Is Claude down?** https://evil.example/x",
    "500 Internal server error " + "x" * 5000,
    "@everyone @here <@&123456789012345678> API Error: 529 Overloaded",
]


async def test_a_burst_of_hostile_titles_is_one_harmless_linked_warning(
    discord_fake: FakeDiscord, statuspage: FakeStatuspage, tmp_path: Path
) -> None:
    async with FakeReddit() as reddit, FakeGitHub() as github:
        env = {
            "STATUS_PAGE_URL": statuspage.url,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
            "HOST": "127.0.0.1",
            "PORT": "0",
            "POLL_INTERVAL_SECONDS": "3600",
            "DISCORD_BOT_TOKEN": TOKEN,
            "DISCORD_API_URL": discord_fake.api_url,
            "ALERT_CHANNELS": f"discord:{ALERTS}",
            "COMMUNITY": "reddit,github",
            "REDDIT_API_URL": reddit.url,
            "GITHUB_API_URL": github.url,
        }
        clock = MovableClock()
        app = build_app(load(env, env_file=None), "serve", clock)
        await app.start()
        try:
            await discord_fake.wait_connected()
            assert app.community is not None
            await app.poller.poll()
            await app.community.read_due(clock())  # the first read, also done on start: quiet
            clock.advance(120)
            now = clock()
            for n, title in enumerate(HOSTILE):
                reddit.add_post(title, now - timedelta(minutes=5 - n))
            github.add_issue("[BUG] API Error: 529 Overloaded", now - timedelta(minutes=1))
            await app.community.read_due(now)
            await app.poller.poll()
            await app.dispatcher.drain(timeout=10)
            interaction = await discord_fake.slash(MEMBER, "status", code="503")
            answer = await answer_to(discord_fake, interaction)
        finally:
            await app.stop()
    [warning] = [m for m in discord_fake.channel_messages(ALERTS) if "Unconfirmed" in text_of(m)]
    shown = text_of(warning)
    assert "r/ClaudeAI: 4 posts about errors in 30 min (usually 1)" in shown
    links = re.findall(r"\]\((http[^)]+)\)", shown)
    assert len(links) == 3
    assert all(link.startswith(f"{reddit.url}/r/ClaudeAI/comments/") for link in links)
    assert_harmless(shown)
    advice = text_of(answer)
    assert "r/ClaudeAI: 4 posts about errors in 30 min (usually 1): others see it too" in advice
    assert "anthropics/claude-code issues: quiet" in advice
    assert_harmless(advice)
    assert discord_fake.pings == []


def assert_harmless(shown: str) -> None:
    assert "](https://evil.example" not in shown  # no disguised link survives
    assert "https://evil.example" not in shown  # nor an address in a link's label
    assert "x" * 200 not in shown
    assert "@everyone" not in shown.replace("@\u200beveryone", "")
    assert "<@&" not in shown.replace("<@\u200b&", "")

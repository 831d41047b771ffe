"""Early warnings reach the channels of ``ALERT_CHANNELS`` through a real ``serve``, with the
fake Slack and the fake Discord:

- three developers' Claude Code failing: one warning in the Slack channel and the Discord one
  (clients' reports count for every channel);
- three teammates' chat ``report 503``: one warning in that team's static channel, which names
  no workspace (``slack:C…``, ``discord:…``): the single-workspace Slack app's workspace comes
  from ``auth.test``, the Discord channel's guild from Discord, so the team's warning finds it.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pytest

from fakes.discord_api import ALERTS as DISCORD_ALERTS
from fakes.discord_api import MEMBER, MOD, OWNER, TOKEN, FakeDiscord
from fakes.slack_api import (
    BOT_TOKEN,
    SIGNING_SECRET,
    FakeSlack,
    ThreadedFakeSlack,
    sign,
    slash_command,
)
from fakes.statuspage import FakeStatuspage
from tests.e2e.process import BotProcess, bot_env, run
from tests.e2e.test_claude_code_client import client_env, hook_input
from tests.e2e.test_serve import free_port

SLACK_ALERTS = "C0ALERTS1"
REPORT_TOKEN = "team-report-token-5678"
WARNING = "Unconfirmed"


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with ThreadedFakeSlack() as fake:
        yield fake


@pytest.fixture
async def discord_fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as fake:
        yield fake


def slack_warnings(slack: FakeSlack) -> list[str]:
    return [
        json.dumps([m.text, m.attachments, m.blocks])
        for m in slack.roots(SLACK_ALERTS)
        if WARNING in json.dumps([m.text, m.attachments, m.blocks])
    ]


def discord_warnings(discord_fake: FakeDiscord) -> list[str]:
    bodies = [
        json.dumps(discord_fake.bodies[m["id"]][0])
        for m in discord_fake.channel_messages(DISCORD_ALERTS)
    ]
    return [b for b in bodies if WARNING in b]


async def until(bot: BotProcess, check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 40
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}\n" + "\n".join(bot.stderr[-30:]))
        await asyncio.sleep(0.1)


async def serving(
    statuspage: FakeStatuspage, slack: FakeSlack, discord_fake: FakeDiscord, tmp_path: Path
) -> tuple[BotProcess, str]:
    port = free_port()
    env = bot_env(
        STATUS_PAGE_URL=statuspage.url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}",
        HOST="127.0.0.1",
        PORT=str(port),
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.api_url,
        DISCORD_BOT_TOKEN=TOKEN,
        DISCORD_API_URL=discord_fake.api_url,
        ALERT_CHANNELS=f"slack:{SLACK_ALERTS},discord:{DISCORD_ALERTS}",
        REPORT_TOKEN=REPORT_TOKEN,
    )
    bot = BotProcess(["serve"], env, tmp_path)
    base = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        try:
            return httpx.get(base + "/readyz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    await until(bot, ready, "serve to be ready")
    await discord_fake.wait_connected(timeout=30)
    return bot, base


async def test_three_developers_claude_code_warn_every_channel(
    statuspage: FakeStatuspage, slack: FakeSlack, discord_fake: FakeDiscord, tmp_path: Path
) -> None:
    bot, base = await serving(statuspage, slack, discord_fake, tmp_path)
    try:
        for name in ("alice", "bob", "carol"):
            home = tmp_path / name
            home.mkdir()
            env = client_env(
                home, IS_CLAUDE_DOWN_URL=base, REPORT_TOKEN=REPORT_TOKEN, REPORTER=f"dev-{name}"
            )
            result = await asyncio.to_thread(
                run, ["hook"], env, tmp_path, 30, hook_input("server-error-529")
            )
            assert (result.returncode, result.stdout) == (0, "")
        await until(
            bot,
            lambda: bool(slack_warnings(slack) and discord_warnings(discord_fake)),
            "the early warning in both channels",
        )
        await asyncio.sleep(2)  # a few more polls: still one each
    finally:
        bot.close()
    assert len(slack_warnings(slack)) == 1
    assert len(discord_warnings(discord_fake)) == 1
    assert "Claude Code hit 529" in slack_warnings(slack)[0]
    assert discord_fake.pings == []


async def test_teammates_reports_reach_their_teams_static_channels(
    statuspage: FakeStatuspage, slack: FakeSlack, discord_fake: FakeDiscord, tmp_path: Path
) -> None:
    bot, base = await serving(statuspage, slack, discord_fake, tmp_path)
    try:
        for user in ("U0ALICE01", "U0BOB0001", "U0CAROL01"):
            body = slash_command("report 503", response_url=slack.response_url(), user=user)
            headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}
            answer = httpx.post(base + "/slack/events", content=body, headers=headers, timeout=5)
            assert "noted" in answer.json()["text"]
        await until(bot, lambda: bool(slack_warnings(slack)), "the Slack team's warning")
        assert discord_warnings(discord_fake) == []  # the Slack team's, not the guild's

        for member in (OWNER, MOD, MEMBER):
            await discord_fake.mention(member, "report 503")
        await until(bot, lambda: bool(discord_warnings(discord_fake)), "the guild's warning")
    finally:
        bot.close()
    assert len(slack_warnings(slack)) == 1
    assert "3 people on this team reported 503" in slack_warnings(slack)[0]
    assert len(discord_warnings(discord_fake)) == 1

"""``is-claude-down serve`` with Discord: a real subprocess, the fake Discord and the fake page.

It connects, answers a mention and the slash command, refuses ``subscribe`` to a member
without Manage Channels, and takes a subscribed channel and a webhook through a whole
incident with exactly one message per step, across 429s and a restart.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from fakes.discord_api import ALERTS, GENERAL, MEMBER, TOKEN, FakeDiscord
from fakes.statuspage import FakeStatuspage, scenario_steps
from tests.e2e.process import BotProcess, bot_env
from tests.e2e.test_serve import free_port
from tests.integration.discord.messages import answer_to, reply_to, text_of

STEPS = scenario_steps("api-elevated-errors")
TITLE = "Elevated errors on the Claude API"
BOT_MESSAGES = rf"/channels/{ALERTS}/messages"
HOOK = r"/webhooks/\d+/[\w-]+"


@pytest.fixture
async def discord_fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as fake:
        yield fake


class Serve:
    """``serve`` as a subprocess, restartable on the same database."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.env, self.cwd = env, cwd
        self.process: BotProcess | None = None
        self.stderr: list[str] = []

    def start(self) -> None:
        self.process = BotProcess(["serve"], self.env, self.cwd)

    async def stop(self) -> None:
        if self.process is not None:
            code = await asyncio.to_thread(self.process.terminate)
            self.stderr += self.process.stderr
            self.process = None
            assert code == 0, "\n".join(self.stderr[-30:])

    async def ready(self, port: int) -> None:
        """Until ``/readyz`` says the feed was read."""
        async with httpx.AsyncClient() as client:
            for _ in range(400):
                try:
                    if (await client.get(f"http://127.0.0.1:{port}/readyz")).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.05)
        log = self.process.stderr if self.process else self.stderr
        raise AssertionError("serve never became ready\n" + "\n".join(log[-40:]))

    async def until(self, check: Callable[[], bool], what: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while not check():
            running = self.process is not None and self.process.returncode is None
            if time.monotonic() > deadline or not running:
                log = self.stderr + (self.process.stderr if self.process else [])
                raise AssertionError(f"timed out waiting for {what}\n" + "\n".join(log[-40:]))
            await asyncio.sleep(0.05)


def alerts(fake: FakeDiscord, channel: str, webhook: bool) -> list[dict[str, Any]]:
    return [
        m
        for m in fake.channel_messages(channel)
        if bool(m.get("webhook_id")) == webhook and TITLE in text_of(fake.bodies[m["id"]][0])
    ]


def edits(fake: FakeDiscord, message: dict[str, Any]) -> list[dict[str, Any]]:
    return fake.bodies[message["id"]][1:]


async def test_serve_answers_and_alerts_exactly_once(
    discord_fake: FakeDiscord, statuspage: FakeStatuspage, tmp_path: Path
) -> None:
    hook = discord_fake.create_webhook(GENERAL)
    port = free_port()
    statuspage.set_step(STEPS[0])
    serve = Serve(
        bot_env(
            DISCORD_BOT_TOKEN=TOKEN,
            DISCORD_API_URL=discord_fake.api_url,
            STATUS_PAGE_URL=statuspage.url,
            ALERT_CHANNELS=f"discord:{ALERTS},discord-webhook:{hook}",
            DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}",
            HOST="127.0.0.1",
            PORT=str(port),
        ),
        tmp_path,
    )

    def bot_alerts() -> list[dict[str, Any]]:
        return alerts(discord_fake, ALERTS, webhook=False)

    def hook_alerts() -> list[dict[str, Any]]:
        return alerts(discord_fake, GENERAL, webhook=True)

    serve.start()
    try:
        await discord_fake.wait_connected(timeout=30)
        await serve.ready(port)

        mention = await reply_to(
            discord_fake, await discord_fake.mention(MEMBER, "is claude down?")
        )
        assert "Claude is up" in text_of(mention)
        slash = await answer_to(discord_fake, await discord_fake.slash(MEMBER, "status"))
        assert "Claude is up" in text_of(slash)
        refused = await answer_to(discord_fake, await discord_fake.slash(MEMBER, "subscribe"))
        assert "Manage Channels" in refused["content"]

        async def step(index: int, count: int) -> None:
            statuspage.set_step(STEPS[index])
            await serve.until(
                lambda: len(bot_alerts()) >= count and len(hook_alerts()) >= count,
                f"{count} alerts in each channel after step {index + 1}",
            )

        await step(1, 1)  # the start
        discord_fake.rate_limit("POST", BOT_MESSAGES, retry_after=0.3, times=2)
        discord_fake.rate_limit("POST", HOOK, retry_after=0.5)
        await step(2, 2)  # an update, through 429s
        await step(3, 3)

        await serve.stop()  # a restart between two updates
        serve.start()
        await discord_fake.wait_connected(2, timeout=30)

        await step(4, 4)
        discord_fake.rate_limit("PATCH", rf"{BOT_MESSAGES}/\d+", retry_after=0.3)
        discord_fake.rate_limit("PATCH", HOOK + r"/messages/\d+", retry_after=0.5)
        await step(5, 5)  # the resolution
        await serve.until(
            lambda: all(edits(discord_fake, m[0]) for m in (bot_alerts(), hook_alerts())),
            "the start messages edited",
        )
        statuspage.set_step(STEPS[6])
        polls = len(statuspage.requests)
        await serve.until(lambda: len(statuspage.requests) >= polls + 3, "three more polls")
        await serve.stop()
    finally:
        if serve.process is not None:
            serve.process.close()

    for channel in (bot_alerts(), hook_alerts()):
        root, *replies = channel
        assert len(replies) == 4  # three updates and the resolution
        assert "Minor incident:" in text_of(discord_fake.bodies[root["id"]][0])
        assert "Resolved:" in text_of(discord_fake.bodies[replies[-1]["id"]][0])
        (edit,) = edits(discord_fake, root)
        assert "Resolved after" in text_of(edit)
        assert all(not edits(discord_fake, r) for r in replies)
    for reply in bot_alerts()[1:]:
        assert reply["message_reference"]["message_id"] == bot_alerts()[0]["id"]

    def rate_limited(method: str, path: str) -> int:
        return [c.status for c in discord_fake.calls_to(method, path)].count(429)

    assert rate_limited("POST", BOT_MESSAGES) == 2
    assert rate_limited("POST", HOOK) == 1
    assert rate_limited("PATCH", rf"{BOT_MESSAGES}/\d+") == 1
    assert rate_limited("PATCH", HOOK + r"/messages/\d+") == 1
    assert discord_fake.pings == []
    assert TOKEN not in "\n".join(serve.stderr)
    assert hook.rsplit("/", 1)[1] not in "\n".join(serve.stderr)

"""The whole bot in-process (``bot.wiring.build_app(..., "serve")``) with its Slack adapter
pointed at the fake Slack, and the fake Statuspage page as its feed.

Time can be moved forward (``bot.clock.advance``) so a Retry-After wait is skipped instead of
slept; everything else is real: slack-bolt, slack-sdk, aiohttp, the core, SQLite.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.app import BotApp
from bot.clock import utc_now
from bot.settings import load
from bot.wiring import build_app
from fakes.slack_api import (
    BOT_TOKEN,
    SIGNING_SECRET,
    FakeSlack,
    block_action,
    event_callback,
    sign,
    slash_command,
)
from fakes.statuspage import FakeStatuspage


class MovableClock:
    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return utc_now() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += timedelta(seconds=seconds)


@dataclass
class Bot:
    app: BotApp
    slack: FakeSlack
    page: FakeStatuspage
    clock: MovableClock
    http: aiohttp.ClientSession

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.app.port}"

    async def post_events(
        self, body: str, content_type: str, headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        sent = {"Content-Type": content_type, **(sign(body) if headers is None else headers)}
        async with self.http.post(f"{self.url}/slack/events", data=body, headers=sent) as resp:
            text = await resp.text()
            try:
                return resp.status, await resp.json(content_type=None)
            except ValueError:
                return resp.status, text

    async def command(self, text: str, **kw: str) -> dict[str, Any]:
        """``/is-claude-down TEXT``, signed; the ephemeral answer from the HTTP response."""
        body = slash_command(text, response_url=self.slack.response_url(), **kw)
        status, answer = await self.post_events(body, "application/x-www-form-urlencoded")
        assert status == 200, answer
        assert isinstance(answer, dict), answer
        return answer

    async def click(self, action_id: str, value: str, **kw: str) -> int:
        body = block_action(action_id, value, response_url=self.slack.response_url("click"), **kw)
        status, _ = await self.post_events(body, "application/x-www-form-urlencoded")
        return status

    async def event(self, event: dict[str, Any], event_id: str) -> int:
        status, _ = await self.post_events(
            event_callback(event, event_id=event_id), "application/json"
        )
        return status

    async def poll(self, step: dict[str, Any] | None = None) -> None:
        """Serve ``step`` on the page, poll once, and deliver what it queued."""
        if step is not None:
            self.page.set_step(step)
        await self.app.poller.poll()
        await self.deliver()

    async def deliver(self) -> None:
        await self.app.dispatcher.drain(timeout=10)


async def eventually(check: Callable[[], bool], timeout: float = 5.0) -> None:
    for _ in range(int(timeout / 0.01)):
        if check():
            return
        await asyncio.sleep(0.01)
    assert check(), "condition not met in time"


def bot_environ(
    slack: FakeSlack, page: FakeStatuspage, tmp_path: Path, **extra: str
) -> dict[str, str]:
    return {
        "STATUS_PAGE_URL": page.url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        "HOST": "127.0.0.1",
        "PORT": "0",
        "POLL_INTERVAL_SECONDS": "3600",
        "FEED_TIMEOUT_SECONDS": "2",
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
        "COMMUNITY": "off",  # tests reach only loopback; community tests point it at fakes
        **extra,
    }


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


@asynccontextmanager
async def running_bot(
    slack: FakeSlack, page: FakeStatuspage, tmp_path: Path, **extra: str
) -> AsyncIterator[Bot]:
    """The bot started (first poll done), stopped afterwards."""
    clock = MovableClock()
    settings = load(bot_environ(slack, page, tmp_path, **extra), env_file=None)
    app = build_app(settings, "serve", clock)
    await app.start()
    try:
        await eventually(lambda: app.poller.polled_once)
        async with aiohttp.ClientSession() as http:
            yield Bot(app, slack, page, clock, http)
    finally:
        await app.stop()


@pytest.fixture
async def bot(slack: FakeSlack, statuspage: FakeStatuspage, tmp_path: Path) -> AsyncIterator[Bot]:
    async with running_bot(slack, statuspage, tmp_path) as running:
        yield running

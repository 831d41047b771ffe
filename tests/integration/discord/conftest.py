"""discord.py for real against the fake Discord, with the real core behind the adapter.

The core answers from its poller's view, here built from fixture documents
(``page.show(...)``) instead of polled, and keeps subscriptions and reports in a SQLite
database of the test's own.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yarl
from aiohttp import web
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.discord import DiscordAdapter, build
from bot.clock import utc_now
from bot.conversation import Core
from bot.detect.view import StatusView
from bot.metrics import Metrics
from bot.poller import Poller
from bot.settings import AlertChannel, Secret, Settings
from bot.statuspage.client import FeedClient
from bot.statuspage.models import IncidentList, Summary
from bot.statuspage.snapshot import build_snapshot
from bot.store import Store
from fakes.discord_api import TOKEN, FakeDiscord

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "statuspage"
SOURCE = "https://status.claude.com"


def fixture(relative: str) -> Any:
    return json.loads((FIXTURES / relative).read_text(encoding="utf-8"))


@dataclass
class Page:
    """What the core believes the status page says: its poller's view."""

    poller: Poller

    def show(self, summary: str | dict[str, Any], incidents: str | None = None) -> None:
        document = fixture(summary) if isinstance(summary, str) else summary
        history = IncidentList.model_validate(fixture(incidents)) if incidents else None
        snapshot = build_snapshot(None, Summary.model_validate(document), history, None, utc_now())
        self.poller.view = StatusView(source=SOURCE, snapshot=snapshot, readable=True)


@pytest.fixture(autouse=True)
def _restore_discord_globals() -> Iterator[None]:
    """The adapter points discord.py's REST base and gateway at the fake, process-wide."""
    base, gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    yield
    Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = base, yarl.URL(gateway)


@pytest.fixture
async def discord_fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as fake:
        yield fake


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    store = Store.open(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    await store.migrate()
    yield store
    await store.close()


@pytest.fixture
async def poller(store: Store) -> AsyncIterator[Poller]:
    feed = FeedClient(SOURCE, 1.0)  # never polled here
    yield Poller(store, feed, source=SOURCE, lost_after=3, clock=utc_now, metrics=Metrics())
    await feed.close()


@pytest.fixture
def page(poller: Poller) -> Page:
    page = Page(poller)
    page.show("summary-minor-incident.json", "incidents.json")
    return page


@pytest.fixture
def core(store: Store, poller: Poller, page: Page) -> Core:
    settings = Settings(status_page_url=SOURCE)
    return Core(settings, store, poller, web.Application(), utc_now, Metrics(), _noop)


def _noop() -> None:
    return None


def discord_settings(
    fake: FakeDiscord, *, token: bool = True, webhooks: tuple[str, ...] = ()
) -> Settings:
    return Settings(
        discord_bot_token=Secret(TOKEN) if token else None,
        discord_api_url=fake.api_url,
        alert_channels=tuple(AlertChannel("discord-webhook", url) for url in webhooks),
    )


@pytest.fixture
async def bot(discord_fake: FakeDiscord, core: Core) -> AsyncIterator[DiscordAdapter]:
    """The adapter started and its gateway session up (READY and GUILD_CREATE sent)."""
    adapter = build(discord_settings(discord_fake), core)
    assert adapter is not None
    await adapter.start()
    await discord_fake.wait_connected()
    yield adapter
    await adapter.stop()

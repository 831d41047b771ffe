"""A community burst as an early warning, end to end in one process: the real Reddit source
against its fake, the watch, the fake status page, the poller, the outbox and a recording
chat. Raised for everyone with the posts linked, confirmed with its lead time when the page
posts, or cleared when the burst ages out."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

from bot.dispatcher import Dispatcher
from bot.metrics import Metrics
from bot.notify.notices import NoticeKind
from bot.notify.ports import Target
from bot.poller import Poller
from bot.signals.community.reddit import RedditSource
from bot.signals.community.watch import CommunityWatch
from bot.signals.gather import SignalGatherer
from bot.statuspage.client import FeedClient
from bot.store import Store
from fakes.reddit_api import FakeReddit
from fakes.statuspage import FakeStatuspage, scenario_steps
from tests.integration.helpers import ManualClock, RecordingChat

STEPS = scenario_steps("api-elevated-errors")
T1 = Target("slack", "C1", "T1")
T2 = Target("discord", "200", "G2")


@dataclass
class Rig:
    page: FakeStatuspage
    reddit: FakeReddit
    community: CommunityWatch
    poller: Poller
    dispatcher: Dispatcher
    chat: RecordingChat
    clock: ManualClock
    metrics: Metrics

    async def read_and_poll(self, step: int | None = None) -> list[str]:
        await self.community.read_due(self.clock())
        if step is not None:
            self.page.set_step(STEPS[step])
        result = await self.poller.poll()
        await self.dispatcher.drain()
        return [type(e).__name__ for e in result.events if type(e).__name__.startswith("Warning")]

    def burst(self, n: int) -> None:
        for i in range(n):
            created = self.clock() - timedelta(minutes=3) + timedelta(seconds=i)
            self.reddit.add_post(f"API Error: 529 Overloaded ({i})", created)

    def kinds(self, target: Target) -> list[tuple[str, NoticeKind]]:
        return [(s.action, s.notice.kind) for s in self.chat.to(target)]


@asynccontextmanager
async def rig(database_url: str, statuspage: FakeStatuspage) -> AsyncIterator[Rig]:
    clock, metrics, chat = ManualClock(), Metrics(), RecordingChat()
    store = Store.open(database_url)
    await store.migrate()
    for target in (T1, T2):
        await store.subscribe(target, (), "U0", "chat", clock())
    statuspage.set_step(STEPS[0])
    async with FakeReddit() as reddit:
        source = RedditSource("ClaudeAI", reddit.url, reddit.url)
        community = CommunityWatch(
            [source], store, interval_seconds=120, min_posts=4, metrics=metrics
        )
        warnings = SignalGatherer(store, 3, None, community=lambda: community.reports)
        feed = FeedClient(statuspage.url, timeout=1.0)
        poller = Poller(
            store,
            feed,
            source=statuspage.url,
            lost_after=3,
            clock=clock,
            metrics=metrics,
            warnings=warnings,
        )
        await poller.load()
        dispatcher = Dispatcher(store, {"slack": chat, "discord": chat}, clock, metrics)
        try:
            yield Rig(statuspage, reddit, community, poller, dispatcher, chat, clock, metrics)
        finally:
            await dispatcher.close()
            await feed.close()
            await community.close()
            await store.close()


async def test_a_burst_warns_everyone_with_the_posts_then_the_page_confirms_it(
    database_url: str, statuspage: FakeStatuspage
) -> None:
    async with rig(database_url, statuspage) as r:
        assert await r.read_and_poll() == []
        r.burst(6)
        r.clock.advance(2)
        assert await r.read_and_poll() == ["WarningRaised"]
        r.clock.advance(2)
        assert await r.read_and_poll() == []  # still elevated: one warning
        r.clock.advance(7)
        assert await r.read_and_poll(1) == ["WarningConfirmed"]
        metrics = r.metrics.render().decode()
    sent = r.kinds(T1)
    assert sent.count(("post", NoticeKind.EARLY_WARNING)) == 1
    assert ("reply", NoticeKind.EARLY_WARNING_CONFIRMED) in sent
    assert r.kinds(T2) == sent  # a community warning is everyone's
    warning = next(s.notice for s in r.chat.to(T1) if s.notice.kind is NoticeKind.EARLY_WARNING)
    assert "r/ClaudeAI: 6 posts about errors in 30 min (usually 1)" in warning.text
    assert [link.title for link in warning.links] == [
        "API Error: 529 Overloaded (5)",
        "API Error: 529 Overloaded (4)",
        "API Error: 529 Overloaded (3)",
    ]
    assert all(
        link.url.startswith(f"{r.reddit.url}/r/ClaudeAI/comments/") for link in warning.links
    )
    start = next(s for s in r.chat.to(T1) if s.notice.kind is NoticeKind.INCIDENT_STARTED)
    assert start.notice.early_warning_minutes == 9
    assert 'icd_community_elevated{source="reddit:r/ClaudeAI"} 1.0' in metrics
    assert "icd_early_warning_lead_minutes_sum 9.0" in metrics


async def test_the_warning_clears_when_the_burst_ages_out(
    database_url: str, statuspage: FakeStatuspage
) -> None:
    async with rig(database_url, statuspage) as r:
        r.burst(5)
        assert await r.read_and_poll() == ["WarningRaised"]
        r.clock.advance(20)
        assert await r.read_and_poll() == []
        r.clock.advance(12)  # the posts are now over 30 minutes old
        assert await r.read_and_poll() == ["WarningCleared"]
    assert r.kinds(T1) == [
        ("post", NoticeKind.EARLY_WARNING),
        ("reply", NoticeKind.EARLY_WARNING_CLEARED),
        ("edit", NoticeKind.EARLY_WARNING),
    ]


async def test_an_unreadable_source_neither_raises_nor_clears(
    database_url: str, statuspage: FakeStatuspage
) -> None:
    async with rig(database_url, statuspage) as r:
        r.burst(5)
        assert await r.read_and_poll() == ["WarningRaised"]
        r.reddit.fault = 503
        r.clock.advance(3)
        assert await r.read_and_poll() == []  # held: the last good read was elevated
        assert r.poller.view.verdict.value == "operational"  # and the verdict is the page's

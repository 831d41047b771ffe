"""The community watch end to end: the real sources against the fake Reddit and GitHub, the
database (SQLite and PostgreSQL), the pacers, and the standings worked out from the database."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from bot.detect.community import Post, Standing
from bot.metrics import Metrics
from bot.signals.community.github import GitHubSource
from bot.signals.community.reddit import RedditSource
from bot.signals.community.watch import CommunityWatch
from bot.store import Store
from fakes.github_api import FakeGitHub
from fakes.reddit_api import FakeReddit, Limit

INTERVAL = 120


@dataclass
class Rig:
    reddit: FakeReddit
    github: FakeGitHub
    store: Store
    watch: CommunityWatch
    metrics: Metrics
    now: datetime

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    async def read(self) -> dict[str, Standing]:
        await self.watch.read_due(self.now)
        return {r.source: r.standing for r in self.watch.reports}

    def burst(self, n: int, minutes_ago: float = 1) -> None:
        for i in range(n):
            created = self.now - timedelta(minutes=minutes_ago) + timedelta(seconds=i)
            self.reddit.add_post(f"API Error: 529 Overloaded ({i})", created)


def build_watch(
    reddit: FakeReddit, github: FakeGitHub, store: Store, metrics: Metrics
) -> CommunityWatch:
    sources = [
        RedditSource("ClaudeAI", reddit.url, reddit.url),
        GitHubSource("anthropics/claude-code", github.url),
    ]
    return CommunityWatch(sources, store, interval_seconds=INTERVAL, min_posts=4, metrics=metrics)


@asynccontextmanager
async def rig(database_url: str) -> AsyncIterator[Rig]:
    async with FakeReddit() as reddit, FakeGitHub() as github:
        store = Store.open(database_url)
        await store.migrate()
        metrics = Metrics()
        watch = build_watch(reddit, github, store, metrics)
        try:
            yield Rig(
                reddit, github, store, watch, metrics, datetime.now(UTC).replace(microsecond=0)
            )
        finally:
            await watch.close()
            await store.close()


QUIET = {"reddit:r/ClaudeAI": Standing.QUIET, "github:anthropics/claude-code": Standing.QUIET}


async def test_quiet_sources_then_a_burst_is_elevated_with_its_newest_posts(
    database_url: str,
) -> None:
    async with rig(database_url) as r:
        r.reddit.add_post("Which MCP servers do you use?", r.now - timedelta(minutes=5))
        r.github.add_issue("Feature request: vim mode", r.now - timedelta(minutes=5))
        assert await r.read() == QUIET
        r.burst(9)
        r.advance(INTERVAL)
        standings = await r.read()
        (reddit, github) = r.watch.reports
    assert standings["reddit:r/ClaudeAI"] is Standing.ELEVATED
    assert (reddit.posts_30m, reddit.usual_30m) == (9, 1.0)
    assert [p.title for p in reddit.top] == [f"API Error: 529 Overloaded ({i})" for i in (8, 7, 6)]
    assert all(p.url.startswith(f"{r.reddit.url}/r/ClaudeAI/comments/") for p in reddit.top)
    assert github.standing is Standing.QUIET


async def test_a_post_listed_again_counts_once_and_old_posts_leave_the_window(
    database_url: str,
) -> None:
    async with rig(database_url) as r:
        r.burst(5)
        await r.read()
        r.advance(INTERVAL)
        await r.read()
        assert r.watch.reports[0].posts_30m == 5
        r.advance(31 * 60)
        assert (await r.read())["reddit:r/ClaudeAI"] is Standing.QUIET
        assert r.watch.reports[0].posts_30m == 0


async def test_no_read_sooner_than_the_interval(database_url: str) -> None:
    async with rig(database_url) as r:
        await r.read()
        r.advance(INTERVAL - 1)
        await r.read()
        assert len(r.reddit.listings()) == 1
        assert len(r.github.requests) == 1
        r.advance(1)
        await r.read()
        assert len(r.reddit.listings()) == 2
        assert len(r.github.requests) == 2
        assert r.github.requests[1].status == 304


async def test_a_source_answering_429_is_not_called_again_before_its_reset(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.signals.community.watch")
    async with rig(database_url) as r:
        r.burst(9)
        await r.read()
        r.reddit.limit = Limit(reset_seconds=600)
        r.advance(INTERVAL)
        standings = await r.read()
        assert standings["reddit:r/ClaudeAI"] is Standing.UNAVAILABLE
        assert r.watch.reports[0].held  # elevated at its last good read: still counts as such
        for _ in range(4):  # 4 intervals = 480 s, still before the 600 s reset
            r.advance(INTERVAL)
            await r.read()
        assert len(r.reddit.listings()) == 2
        assert len(r.github.requests) == 6  # the other source goes on
        r.reddit.limit = None
        r.advance(INTERVAL)
        assert (await r.read())["reddit:r/ClaudeAI"] is Standing.ELEVATED  # 12 min old: still on
    warnings = [m for m in caplog.messages if "cannot be read" in m]
    assert len(warnings) == 1
    assert any("readable again" in m for m in caplog.messages)
    reads = {
        (s.labels["source"], s.labels["outcome"]): s.value
        for s in r.metrics.community_reads.collect()[0].samples
        if s.name.endswith("_total")
    }
    assert reads[("reddit:r/ClaudeAI", "rate-limited")] == 1


async def test_the_standing_survives_a_restart(database_url: str) -> None:
    async with rig(database_url) as r:
        r.burst(6)
        await r.read()
        metrics = Metrics()
        again = build_watch(r.reddit, r.github, r.store, metrics)
        try:
            await again.refresh(r.now)
        finally:
            await again.close()
    assert again.reports[0].standing is Standing.ELEVATED
    assert again.reports[0].posts_30m == 6


async def test_after_a_day_the_usual_count_is_the_source_own(database_url: str) -> None:
    async with rig(database_url) as r:
        start = r.now - timedelta(days=2)
        await r.store.record_community_read("reddit:r/ClaudeAI", "ok", [], start)
        # 190 posts about errors over the 47.5 h before the window: 2 per half hour
        history = [
            Post(
                f"t3_old{i}",
                "API Error: 500",
                "https://www.reddit.com/x",
                start + timedelta(minutes=15 * i),
            )
            for i in range(190)
        ]
        await r.store.record_community_read(
            "reddit:r/ClaudeAI", "ok", history, r.now - timedelta(hours=1)
        )
        r.burst(5)
        await r.read()
        assert r.watch.reports[0].usual_30m == 2.0
        assert r.watch.reports[0].standing is Standing.QUIET  # 5 < 3 x 2
        r.burst(1)
        r.advance(INTERVAL)
        await r.read()
        assert r.watch.reports[0].standing is Standing.ELEVATED

"""The community sources as configured: ``COMMUNITY`` names them (``off``: none, and then no
watch at all, so no request is ever made). The watch for the running bot; one read of each
for the one-shot ``status``, which has no history (the usual count is the floor)."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from bot.detect.community import WINDOW, CommunityReport, Tally, assess, is_web_url, unavailable
from bot.detect.outage_words import is_about_errors
from bot.metrics import Metrics
from bot.settings import Settings
from bot.signals.community.github import GitHubSource
from bot.signals.community.posts import CommunitySource, SourceError
from bot.signals.community.reddit import RedditSource
from bot.signals.community.watch import CommunityWatch
from bot.store import Store

log = logging.getLogger(__name__)


def community_watch(settings: Settings, store: Store, metrics: Metrics) -> CommunityWatch | None:
    sources = configured_sources(settings)
    if not sources:
        return None
    return CommunityWatch(
        sources,
        store,
        interval_seconds=settings.community_interval_seconds,
        min_posts=settings.community_min_posts,
        metrics=metrics,
    )


async def read_once(settings: Settings, now: datetime) -> tuple[CommunityReport, ...]:
    """Each configured source read once, at the same time; its posts about errors of the
    last 30 minutes against the floor."""
    sources = configured_sources(settings)
    try:
        return tuple(
            await asyncio.gather(
                *(_read_once(s, now, settings.community_min_posts) for s in sources)
            )
        )
    finally:
        for source in sources:
            await source.close()


async def _read_once(source: CommunitySource, now: datetime, min_posts: int) -> CommunityReport:
    try:
        reading = await source.read(now)
    except SourceError as error:
        log.info("community source %s cannot be read: %s", source.name, error)
        return unavailable(None, source.name, source.label)
    recent = sorted(
        (
            p
            for p in reading.posts
            if p.created_at >= now - WINDOW
            and is_web_url(p.url, source.home)
            and is_about_errors(p.title, p.text)
        ),
        key=lambda p: p.created_at,
        reverse=True,
    )
    return assess(source.name, source.label, Tally(tuple(recent), 0, timedelta()), min_posts)


def configured_sources(settings: Settings) -> list[CommunitySource]:
    sources: list[CommunitySource] = []
    timeout = settings.feed_timeout_seconds
    if "reddit" in settings.community:
        sources.append(
            RedditSource(
                settings.community_subreddit,
                settings.reddit_api_url,
                settings.reddit_oauth_url,
                settings.reddit_client_id,
                settings.reddit_client_secret,
                timeout=timeout,
            )
        )
    if "github" in settings.community:
        sources.append(
            GitHubSource(
                settings.community_github_repo,
                settings.github_api_url,
                settings.github_token,
                timeout=timeout,
            )
        )
    return sources

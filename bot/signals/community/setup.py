"""The community watch as configured: ``COMMUNITY`` names the sources (``off``: none, and then
no watch at all, so no request is ever made)."""

from __future__ import annotations

from bot.metrics import Metrics
from bot.settings import Settings
from bot.signals.community.github import GitHubSource
from bot.signals.community.posts import CommunitySource
from bot.signals.community.reddit import RedditSource
from bot.signals.community.watch import CommunityWatch
from bot.store import Store


def community_watch(settings: Settings, store: Store, metrics: Metrics) -> CommunityWatch | None:
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
    if not sources:
        return None
    return CommunityWatch(
        sources,
        store,
        interval_seconds=settings.community_interval_seconds,
        min_posts=settings.community_min_posts,
        metrics=metrics,
    )

"""The two community sources, with httpx, against fake Reddit and GitHub servers that speak
the real APIs' shapes (see the fakes' docstrings for where they were checked)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.settings import Secret
from bot.signals.community.github import GitHubSource, web_url
from bot.signals.community.posts import SourceError
from bot.signals.community.reddit import RedditSource
from fakes.github_api import TOKEN, FakeGitHub, Limit
from fakes.reddit_api import CLIENT_ID, CLIENT_SECRET, FakeReddit
from fakes.reddit_api import Limit as RedditLimit

NOW = datetime.now(UTC).replace(microsecond=0)


def minutes_ago(n: float) -> datetime:
    return NOW - timedelta(minutes=n)


# --- Reddit ---------------------------------------------------------------------------------


async def test_reddit_reads_new_posts_anonymously_with_a_descriptive_user_agent() -> None:
    async with FakeReddit() as reddit:
        reddit.add_post("Older post", minutes_ago(50), selftext="body text")
        newest = reddit.add_post("API Error: 529 Overloaded", minutes_ago(2))
        source = RedditSource("ClaudeAI", reddit.url, "http://127.0.0.1:9")
        try:
            reading = await source.read(NOW)
        finally:
            await source.close()
    assert [p.title for p in reading.posts] == ["API Error: 529 Overloaded", "Older post"]
    first = reading.posts[0]
    assert first.id == f"t3_{newest['id']}"
    assert first.url == f"{reddit.url}/r/ClaudeAI/comments/{newest['id']}/"
    assert first.created_at == minutes_ago(2)
    assert reading.posts[1].text == "body text"
    assert reading.not_before is None
    (seen,) = reddit.listings()
    assert seen.path == "/r/ClaudeAI/new.json"
    assert seen.query == {"limit": "100", "raw_json": "1"}
    assert seen.headers["User-Agent"].startswith("python:is-claude-down:v")
    assert "Authorization" not in seen.headers
    assert source.name == "reddit:r/ClaudeAI"


async def test_reddit_app_only_oauth_then_the_listing_from_the_oauth_host() -> None:
    async with FakeReddit() as reddit:
        reddit.add_post("Is Claude down?", minutes_ago(1))
        source = RedditSource("ClaudeAI", reddit.url, reddit.url, CLIENT_ID, Secret(CLIENT_SECRET))
        try:
            first = await source.read(NOW)
            await source.read(NOW + timedelta(minutes=2))
        finally:
            await source.close()
    grants = [r for r in reddit.requests if r.path == "/api/v1/access_token"]
    assert len(grants) == 1  # the token is kept until it expires
    listings = reddit.listings()
    assert [r.path for r in listings] == ["/r/ClaudeAI/new", "/r/ClaudeAI/new"]
    assert all(r.headers["Authorization"].startswith("bearer ") for r in listings)
    assert [p.title for p in first.posts] == ["Is Claude down?"]


async def test_reddit_wrong_credentials_are_an_auth_error_that_shows_no_secret() -> None:
    async with FakeReddit() as reddit:
        source = RedditSource("ClaudeAI", reddit.url, reddit.url, CLIENT_ID, Secret("wrong"))
        try:
            with pytest.raises(SourceError) as raised:
                await source.read(NOW)
        finally:
            await source.close()
    assert raised.value.kind == "auth"
    assert "wrong" not in str(raised.value)


@pytest.mark.parametrize("in_body", [False, True])
async def test_reddit_429_says_when_to_ask_again(in_body: bool) -> None:
    async with FakeReddit() as reddit:
        reddit.limit = RedditLimit(reset_seconds=300, limit_in_body=in_body)
        source = RedditSource("ClaudeAI", reddit.url, reddit.url)
        try:
            with pytest.raises(SourceError) as raised:
                await source.read(NOW)
        finally:
            await source.close()
    assert raised.value.kind == "rate-limited"
    assert raised.value.not_before == NOW + timedelta(seconds=300)


async def test_reddit_spent_limit_on_a_good_answer_is_passed_on() -> None:
    async with FakeReddit() as reddit:
        reddit.remaining, reddit.reset_seconds = 1.0, 200
        source = RedditSource("ClaudeAI", reddit.url, reddit.url)
        try:
            reading = await source.read(NOW)
        finally:
            await source.close()
    assert reading.not_before == NOW + timedelta(seconds=200)


async def test_reddit_server_error_and_hostile_listing_entries() -> None:
    async with FakeReddit() as reddit:
        good = reddit.add_post("fine", minutes_ago(1))
        bad = reddit.add_post("javascript link", minutes_ago(1))
        bad["id"] = "x/../../javascript:alert(1)"
        reddit.posts.append({"id": "abc", "name": "t3_abc"})  # no title, no time
        source = RedditSource("ClaudeAI", reddit.url, reddit.url)
        try:
            reading = await source.read(NOW)
            reddit.fault = 503
            with pytest.raises(SourceError) as raised:
                await source.read(NOW)
        finally:
            await source.close()
    assert [p.id for p in reading.posts] == [f"t3_{good['id']}"]
    assert raised.value.kind == "http-503"


# --- GitHub ---------------------------------------------------------------------------------


async def test_github_lists_new_issues_skips_pull_requests_and_builds_links() -> None:
    async with FakeGitHub() as github:
        github.add_issue("[BUG] API Error: 529 Overloaded", minutes_ago(3), body="log ...")
        github.add_issue("Add a flag", minutes_ago(2), pull_request=True)
        source = GitHubSource("anthropics/claude-code", github.url)
        try:
            reading = await source.read(NOW)
        finally:
            await source.close()
    (post,) = reading.posts
    assert post.title == "[BUG] API Error: 529 Overloaded"
    assert post.url == f"{github.url}/anthropics/claude-code/issues/1000"
    assert post.created_at == minutes_ago(3)
    assert post.text == "log ..."
    (seen,) = github.requests
    assert seen.path == "/repos/anthropics/claude-code/issues"
    assert seen.query == {"state": "all", "sort": "created", "direction": "desc", "per_page": "50"}
    assert seen.headers["Accept"] == "application/vnd.github+json"
    assert "Authorization" not in seen.headers


async def test_github_asks_with_the_etag_and_a_304_is_not_modified() -> None:
    async with FakeGitHub() as github:
        github.add_issue("Is it down?", minutes_ago(1))
        source = GitHubSource("anthropics/claude-code", github.url, Secret(TOKEN))
        try:
            first = await source.read(NOW)
            second = await source.read(NOW)
            github.add_issue("500 Internal server error", NOW)
            third = await source.read(NOW)
        finally:
            await source.close()
    assert len(first.posts) == 1
    assert second.not_modified
    assert second.posts == ()
    assert [p.title for p in third.posts] == ["500 Internal server error", "Is it down?"]
    assert [r.status for r in github.requests] == [200, 304, 200]
    assert "If-None-Match" not in github.requests[0].headers
    assert github.requests[1].headers["If-None-Match"].startswith('W/"')
    assert github.requests[0].headers["Authorization"] == f"Bearer {TOKEN}"


async def test_github_spent_primary_limit_waits_for_the_epoch_reset() -> None:
    reset = NOW + timedelta(minutes=37)
    async with FakeGitHub() as github:
        github.limit = Limit(status=403, reset_at=reset.timestamp())
        source = GitHubSource("anthropics/claude-code", github.url)
        try:
            with pytest.raises(SourceError) as raised:
                await source.read(NOW)
        finally:
            await source.close()
    assert raised.value.kind == "rate-limited"
    assert raised.value.not_before == reset


async def test_github_secondary_limit_honours_retry_after() -> None:
    async with FakeGitHub() as github:
        github.limit = Limit(status=429, reset_at=NOW.timestamp() - 10, retry_after=90)
        source = GitHubSource("anthropics/claude-code", github.url)
        try:
            with pytest.raises(SourceError) as raised:
                await source.read(NOW)
        finally:
            await source.close()
    assert raised.value.kind == "rate-limited"
    assert raised.value.not_before == NOW + timedelta(seconds=90)


async def test_github_bad_token_and_unreachable() -> None:
    async with FakeGitHub() as github:
        source = GitHubSource("anthropics/claude-code", github.url, Secret("ghp_wrong"))
        try:
            with pytest.raises(SourceError) as raised:
                await source.read(NOW)
        finally:
            await source.close()
    assert raised.value.kind == "http-401"
    nowhere = GitHubSource("anthropics/claude-code", "http://127.0.0.1:9")
    try:
        with pytest.raises(SourceError) as raised:
            await nowhere.read(NOW)
    finally:
        await nowhere.close()
    assert raised.value.kind == "unreachable"


def test_web_host_of_an_api_host() -> None:
    assert web_url("https://api.github.com") == "https://github.com"
    assert web_url("https://ghe.example.com/api/v3") == "https://ghe.example.com"

"""``COMMUNITY=off`` asks nothing of either source; the one-shot ``status`` reads each once."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli.status import run_status
from bot.settings import load
from bot.wiring import build_app
from fakes.github_api import FakeGitHub
from fakes.reddit_api import FakeReddit
from fakes.statuspage import FakeStatuspage


def environ(statuspage: FakeStatuspage, reddit: FakeReddit, github: FakeGitHub, tmp_path: Path):
    return {
        "STATUS_PAGE_URL": statuspage.url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        "HOST": "127.0.0.1",
        "PORT": "0",
        "REDDIT_API_URL": reddit.url,
        "REDDIT_OAUTH_URL": reddit.url,
        "GITHUB_API_URL": github.url,
        "COMMUNITY_INTERVAL_SECONDS": "1",
    }


async def test_community_off_makes_no_request_and_the_json_has_no_community_key(
    statuspage: FakeStatuspage, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async with FakeReddit() as reddit, FakeGitHub() as github:
        env = {**environ(statuspage, reddit, github, tmp_path), "COMMUNITY": "off"}
        settings = load(env, env_file=None)
        app = build_app(settings, "serve")
        await app.start()
        try:
            await app.poller.poll()
            assert app.community is None
            status = await run_status(settings, "503", None, as_json=True)
        finally:
            await app.stop()
        assert reddit.requests == []
        assert github.requests == []
    assert status == 0
    document = json.loads(capsys.readouterr().out)
    assert "community" not in document


async def test_the_one_shot_status_reads_each_source_once(
    statuspage: FakeStatuspage, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    now = datetime.now(UTC)
    async with FakeReddit() as reddit, FakeGitHub() as github:
        for n in range(5):
            reddit.add_post(f"API Error: 529 Overloaded {n}", now - timedelta(minutes=n + 1))
        reddit.add_post("An old outage?", now - timedelta(hours=3))
        github.fault = 503
        settings = load(environ(statuspage, reddit, github, tmp_path), env_file=None)
        status = await run_status(settings, "503", None, as_json=True)
        assert len(reddit.listings()) == 1
        assert len(github.requests) == 1
    document = json.loads(capsys.readouterr().out)
    assert status == 0
    reddit_report, github_report = document["community"]
    assert (reddit_report["state"], reddit_report["posts_30m"]) == ("elevated", 5)
    assert [t["title"] for t in reddit_report["top"]] == [
        "API Error: 529 Overloaded 0",
        "API Error: 529 Overloaded 1",
        "API Error: 529 Overloaded 2",
    ]
    assert github_report == {
        "source": "github:anthropics/claude-code",
        "state": "unavailable",
        "posts_30m": 0,
        "usual_30m": 1.0,
        "top": [],
    }
    assert document["advice"]["kind"] == "wait"
    assert "r/ClaudeAI: 5 posts about errors in 30 min (usually 1)" in document["advice"]["summary"]


async def test_the_standings_are_in_the_view_from_the_start(
    statuspage: FakeStatuspage, tmp_path: Path
) -> None:
    async with FakeReddit() as reddit, FakeGitHub() as github:
        settings = load(environ(statuspage, reddit, github, tmp_path), env_file=None)
        app = build_app(settings, "serve")
        await app.start()
        try:
            sources = [r.source for r in app.poller.view.community]
        finally:
            await app.stop()
    assert sources == ["reddit:r/ClaudeAI", "github:anthropics/claude-code"]

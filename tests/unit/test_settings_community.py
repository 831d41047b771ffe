"""The community variables: COMMUNITY*, REDDIT_*, GITHUB_*."""

from __future__ import annotations

import json

import pytest

from bot.settings import ConfigError, Secret, Settings, load


def _load(**env: str) -> Settings:
    return load(env, env_file=None)


def test_defaults_watch_both_sources() -> None:
    settings = _load()
    assert settings.community == ("reddit", "github")
    assert settings.community_interval_seconds == 120
    assert settings.community_subreddit == "ClaudeAI"
    assert settings.reddit_api_url == "https://www.reddit.com"
    assert settings.reddit_oauth_url == "https://oauth.reddit.com"
    assert settings.community_github_repo == "anthropics/claude-code"
    assert settings.github_api_url == "https://api.github.com"
    assert settings.community_min_posts == 4
    assert settings.github_token is None
    assert settings.reddit_client_secret is None


@pytest.mark.parametrize(
    ("raw", "sources"),
    [
        ("off", ()),
        ("OFF", ()),
        ("github", ("github",)),
        (" reddit , github,reddit", ("reddit", "github")),
    ],
)
def test_community_names_the_sources(raw: str, sources: tuple[str, ...]) -> None:
    assert _load(COMMUNITY=raw).community == sources


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"COMMUNITY": "reddit,hackernews"}, "COMMUNITY"),
        ({"COMMUNITY": "off,reddit"}, "COMMUNITY"),
        ({"COMMUNITY_INTERVAL_SECONDS": "0"}, "COMMUNITY_INTERVAL_SECONDS"),
        ({"COMMUNITY_SUBREDDIT": "r/ClaudeAI"}, "COMMUNITY_SUBREDDIT"),
        ({"COMMUNITY_SUBREDDIT": "../../api"}, "COMMUNITY_SUBREDDIT"),
        ({"COMMUNITY_GITHUB_REPO": "claude-code"}, "COMMUNITY_GITHUB_REPO"),
        ({"COMMUNITY_GITHUB_REPO": "a/b/../c"}, "COMMUNITY_GITHUB_REPO"),
        ({"REDDIT_API_URL": "www.reddit.com"}, "REDDIT_API_URL"),
        ({"REDDIT_OAUTH_URL": "javascript:alert(1)"}, "REDDIT_OAUTH_URL"),
        ({"GITHUB_API_URL": "api.github.com"}, "GITHUB_API_URL"),
        ({"COMMUNITY_MIN_POSTS": "0"}, "COMMUNITY_MIN_POSTS"),
        ({"REDDIT_CLIENT_ID": "abc"}, "REDDIT_CLIENT_SECRET"),
        ({"REDDIT_CLIENT_SECRET": "abc"}, "REDDIT_CLIENT_ID"),
    ],
)
def test_a_bad_value_names_its_variable(env: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load(env, env_file=None)
    assert caught.value.variable == variable


def test_the_secrets_are_kept_and_never_shown() -> None:
    settings = _load(
        REDDIT_CLIENT_ID="reddit-app",
        REDDIT_CLIENT_SECRET="REDDIT-SECRET-1",
        GITHUB_TOKEN="ghp_TOKEN-2",
    )
    assert settings.reddit_client_secret == Secret("REDDIT-SECRET-1")
    assert settings.github_token == Secret("ghp_TOKEN-2")
    shown = json.dumps(settings.redacted())
    assert "REDDIT-SECRET-1" not in shown
    assert "ghp_TOKEN-2" not in shown
    assert settings.redacted()["REDDIT_CLIENT_ID"] == "reddit-app"
    assert settings.redacted()["COMMUNITY"] == ["reddit", "github"]

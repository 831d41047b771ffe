"""Configuration from the environment (and a ``.env`` file in the working directory).

Every variable of the contract lives here once. Secrets may be given as ``NAME_FILE`` (a path
whose contents are the secret) for container secrets; they are held in ``Secret`` so that no
``repr``, log line or ``config`` output can show them.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from dotenv import dotenv_values

SECRET_NAMES: Final = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_CLIENT_SECRET",
    "DISCORD_BOT_TOKEN",
    "STATUSPAGE_WEBHOOK_TOKEN",
    "ANTHROPIC_API_KEY",
    "REPORT_TOKEN",
    "REDDIT_CLIENT_SECRET",
    "GITHUB_TOKEN",
)
COMMUNITY_SOURCES: Final = ("reddit", "github")
TARGET_PLATFORMS: Final = ("slack", "discord", "discord-webhook")


class ConfigError(ValueError):
    """A variable has a value we cannot use. The message names the variable."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable


class Secret:
    """A string that never shows itself: ``str``, ``repr`` and f-strings say ``**********``."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    def __str__(self) -> str:
        return "**********"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class AlertChannel:
    """One entry of ``ALERT_CHANNELS``: ``slack:C123``, ``slack:T1/C123``, ``discord:123``,
    ``discord-webhook:https://...``."""

    platform: str
    channel: str
    workspace: str | None = None

    def __repr__(self) -> str:
        # A discord-webhook "channel" is the webhook URL, a secret.
        channel = "<redacted>" if self.platform == "discord-webhook" else self.channel
        return f"AlertChannel({self.platform!r}, {channel!r}, {self.workspace!r})"


@dataclass(frozen=True)
class Settings:
    status_page_url: str = "https://status.claude.com"
    poll_interval_seconds: float = 30.0
    feed_timeout_seconds: float = 10.0
    database_url: str = "sqlite+aiosqlite:///is-claude-down.db"
    host: str = "0.0.0.0"  # noqa: S104 - the server is meant to be reachable in a container
    port: int = 3000
    components: tuple[str, ...] = ()
    alert_channels: tuple[AlertChannel, ...] = ()
    slack_bot_token: Secret | None = None
    slack_signing_secret: Secret | None = None
    slack_app_token: Secret | None = None
    slack_client_id: str | None = None
    slack_client_secret: Secret | None = None
    slack_api_url: str = "https://slack.com/api/"
    discord_bot_token: Secret | None = None
    discord_api_url: str = "https://discord.com/api/v10"
    statuspage_webhook_token: Secret | None = None
    log_level: str = "INFO"
    log_format: str = "text"
    early_warning_reports: int = 3
    probe: str = "off"
    probe_interval_seconds: float = 60.0
    probe_url: str = "https://api.anthropic.com"
    anthropic_api_key: Secret | None = None
    report_token: Secret | None = None
    """Enables ``POST /api/reports`` (Claude Code's hook, ``report``). The developer's side of
    the same variable is read by ``bot.cli.client``."""
    community: tuple[str, ...] = COMMUNITY_SOURCES
    community_interval_seconds: float = 120.0
    community_subreddit: str = "ClaudeAI"
    reddit_api_url: str = "https://www.reddit.com"
    reddit_oauth_url: str = "https://oauth.reddit.com"
    reddit_client_id: str | None = None
    reddit_client_secret: Secret | None = None
    community_github_repo: str = "anthropics/claude-code"
    github_api_url: str = "https://api.github.com"
    github_token: Secret | None = None
    community_min_posts: int = 4
    feed_lost_after_failures: int = 3
    extra: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __repr__(self) -> str:
        # The generated repr would show the webhook URLs and the database password.
        return f"Settings({self.redacted()!r})"

    def redacted(self) -> dict[str, Any]:
        """Every setting, secrets shown only as set or not set: what ``config`` prints."""
        shown: dict[str, Any] = {}
        for item in fields(self):
            if item.name == "extra":
                continue
            value = getattr(self, item.name)
            if isinstance(value, Secret):
                value = "<set, redacted>"
            elif item.name == "alert_channels":
                value = [
                    "discord-webhook:<redacted>"
                    if ch.platform == "discord-webhook"
                    else f"{ch.platform}:{ch.workspace + '/' if ch.workspace else ''}{ch.channel}"
                    for ch in value
                ]
            elif isinstance(value, str) and "://" in value:
                value = _redact_url_password(value)  # DATABASE_URL, or a proxy with a login
            elif isinstance(value, tuple):
                value = list(value)
            shown[item.name.upper()] = value
        return shown


def load(
    environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")
) -> Settings:
    """Read settings from ``environ`` (default: the process environment) over ``env_file``.

    Raises ConfigError naming the first variable that is wrong.
    """
    merged: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        merged.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    merged.update(os.environ if environ is None else environ)
    return _parse(merged)


def _parse(env: Mapping[str, str]) -> Settings:
    def text(name: str, default: str) -> str:
        value = env.get(name, "").strip()
        return value or default

    def secret(name: str) -> Secret | None:
        path = env.get(f"{name}_FILE", "").strip()
        if path:
            try:
                value = Path(path).read_text(encoding="utf-8").strip()
            except OSError as error:
                raise ConfigError(f"{name}_FILE", f"cannot read {path}: {error.strerror}") from None
            if not value:
                raise ConfigError(f"{name}_FILE", f"{path} is empty")
            return Secret(value)
        value = env.get(name, "").strip()
        return Secret(value) if value else None

    def number(name: str, default: float, minimum: float) -> float:
        raw = env.get(name, "").strip()
        if not raw:
            return default
        try:
            value = float(raw)
        except ValueError:
            raise ConfigError(name, f"must be a number, got {raw!r}") from None
        if not math.isfinite(value) or value < minimum:  # NaN, inf, or too small
            raise ConfigError(name, f"must be at least {minimum:g}, got {raw!r}")
        return value

    def integer(name: str, default: int, minimum: int, maximum: int) -> int:
        raw = env.get(name, "").strip()
        if not raw:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise ConfigError(name, f"must be a whole number, got {raw!r}") from None
        if not minimum <= value <= maximum:
            raise ConfigError(name, f"must be between {minimum} and {maximum}, got {value}")
        return value

    def choice(name: str, default: str, allowed: tuple[str, ...]) -> str:
        value = text(name, default)
        folded = value.lower() if name != "LOG_LEVEL" else value.upper()
        if folded not in allowed:
            raise ConfigError(name, f"must be one of {', '.join(allowed)}, got {value!r}")
        return folded

    settings = Settings(
        status_page_url=_http_url(
            "STATUS_PAGE_URL", text("STATUS_PAGE_URL", Settings.status_page_url)
        ),
        poll_interval_seconds=number("POLL_INTERVAL_SECONDS", Settings.poll_interval_seconds, 1),
        feed_timeout_seconds=number("FEED_TIMEOUT_SECONDS", Settings.feed_timeout_seconds, 0.1),
        database_url=_database_url(text("DATABASE_URL", Settings.database_url)),
        host=text("HOST", Settings.host),
        port=integer("PORT", Settings.port, 0, 65535),
        components=tuple(p.strip() for p in env.get("COMPONENTS", "").split(",") if p.strip()),
        alert_channels=_alert_channels(env.get("ALERT_CHANNELS", "")),
        slack_bot_token=secret("SLACK_BOT_TOKEN"),
        slack_signing_secret=secret("SLACK_SIGNING_SECRET"),
        slack_app_token=secret("SLACK_APP_TOKEN"),
        slack_client_id=text("SLACK_CLIENT_ID", "") or None,
        slack_client_secret=secret("SLACK_CLIENT_SECRET"),
        slack_api_url=_http_url("SLACK_API_URL", text("SLACK_API_URL", Settings.slack_api_url)),
        discord_bot_token=secret("DISCORD_BOT_TOKEN"),
        discord_api_url=_http_url(
            "DISCORD_API_URL", text("DISCORD_API_URL", Settings.discord_api_url)
        ).rstrip("/"),
        statuspage_webhook_token=secret("STATUSPAGE_WEBHOOK_TOKEN"),
        log_level=choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR")),
        log_format=choice("LOG_FORMAT", "text", ("text", "json")),
        early_warning_reports=integer("EARLY_WARNING_REPORTS", 3, 0, 1000),
        probe=choice("PROBE", "off", ("off", "keyless", "key")),
        probe_interval_seconds=number("PROBE_INTERVAL_SECONDS", 60.0, 1),
        probe_url=_http_url("PROBE_URL", text("PROBE_URL", Settings.probe_url)),
        anthropic_api_key=secret("ANTHROPIC_API_KEY"),
        report_token=secret("REPORT_TOKEN"),
        community=_community(env.get("COMMUNITY", "")),
        community_interval_seconds=number("COMMUNITY_INTERVAL_SECONDS", 120.0, 1),
        community_subreddit=_matching(
            "COMMUNITY_SUBREDDIT",
            text("COMMUNITY_SUBREDDIT", "ClaudeAI"),
            SUBREDDIT,
            "a subreddit name",
        ),
        reddit_api_url=_http_url("REDDIT_API_URL", text("REDDIT_API_URL", Settings.reddit_api_url)),
        reddit_oauth_url=_http_url(
            "REDDIT_OAUTH_URL", text("REDDIT_OAUTH_URL", Settings.reddit_oauth_url)
        ),
        reddit_client_id=text("REDDIT_CLIENT_ID", "") or None,
        reddit_client_secret=secret("REDDIT_CLIENT_SECRET"),
        community_github_repo=_matching(
            "COMMUNITY_GITHUB_REPO",
            text("COMMUNITY_GITHUB_REPO", Settings.community_github_repo),
            REPOSITORY,
            "OWNER/REPO",
        ),
        github_api_url=_http_url("GITHUB_API_URL", text("GITHUB_API_URL", Settings.github_api_url)),
        github_token=secret("GITHUB_TOKEN"),
        community_min_posts=integer("COMMUNITY_MIN_POSTS", 4, 1, 10000),
        extra={k: v for k, v in env.items() if k.startswith("IS_CLAUDE_DOWN_")},
    )
    _check_combinations(settings)
    return settings


def _check_combinations(settings: Settings) -> None:
    slack_wanted = settings.slack_bot_token or settings.slack_client_id or settings.slack_app_token
    if slack_wanted and settings.slack_signing_secret is None and settings.slack_app_token is None:
        raise ConfigError(
            "SLACK_SIGNING_SECRET",
            "is required with SLACK_BOT_TOKEN or SLACK_CLIENT_ID in HTTP mode "
            "(every request from Slack is verified with it)",
        )
    if settings.slack_app_token and not settings.slack_app_token.reveal().startswith("xapp-"):
        raise ConfigError("SLACK_APP_TOKEN", "must be an app-level token starting with xapp-")
    if settings.slack_client_id and settings.slack_client_secret is None:
        raise ConfigError("SLACK_CLIENT_SECRET", "is required when SLACK_CLIENT_ID is set")
    if settings.slack_app_token and not (settings.slack_bot_token or settings.slack_client_id):
        raise ConfigError("SLACK_BOT_TOKEN", "is required with SLACK_APP_TOKEN (Socket Mode)")
    if bool(settings.reddit_client_id) != (settings.reddit_client_secret is not None):
        raise ConfigError(
            "REDDIT_CLIENT_SECRET" if settings.reddit_client_id else "REDDIT_CLIENT_ID",
            "REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET go together (app-only OAuth)",
        )
    if settings.probe == "key" and settings.anthropic_api_key is None:
        raise ConfigError("ANTHROPIC_API_KEY", "is required when PROBE=key")


SUBREDDIT: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_]{1,20}")
REPOSITORY: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}")


def _community(raw: str) -> tuple[str, ...]:
    """``reddit,github`` (the default when empty), a subset, or ``off``."""
    names = tuple(dict.fromkeys(n.strip().lower() for n in raw.split(",") if n.strip()))
    if not names:
        return COMMUNITY_SOURCES
    if names == ("off",):
        return ()
    unknown = [n for n in names if n not in COMMUNITY_SOURCES]
    if unknown:
        raise ConfigError(
            "COMMUNITY", f"must be reddit, github, both (comma-separated) or off, got {raw!r}"
        )
    return names


def _matching(name: str, value: str, pattern: re.Pattern[str], shape: str) -> str:
    if not pattern.fullmatch(value):
        raise ConfigError(name, f"must be {shape}, got {value!r}")
    return value


def _http_url(name: str, value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(name, f"must be an http(s) URL, got {value!r}")
    return value


def _database_url(value: str) -> str:
    """Accept the plain SQLAlchemy spellings and pick the async driver for each."""
    if value.startswith("sqlite:"):
        value = "sqlite+aiosqlite:" + value.removeprefix("sqlite:")
    elif value.startswith(("postgres://", "postgresql://")):
        value = "postgresql+asyncpg://" + value.split("://", 1)[1]
    if not value.startswith(("sqlite+aiosqlite:", "postgresql+asyncpg:", "postgresql+psycopg:")):
        raise ConfigError(
            "DATABASE_URL",
            "must be sqlite:///PATH, postgresql+asyncpg://... or postgresql+psycopg://..., "
            f"got {_redact_url_password(value)!r}",
        )
    return value


def _redact_url_password(url: str) -> str:
    """The URL with the password of its login, and of its query (``?password=``), hidden."""
    parts = urlsplit(url)
    if parts.password:
        url = url.replace(f":{parts.password}@", ":<redacted>@", 1)
    if parts.query:
        base, _, query = url.partition("?")
        pairs = []
        for pair in query.split("&"):
            key, eq, _value = pair.partition("=")
            secret = eq and any(w in key.lower() for w in ("password", "secret", "token", "key"))
            pairs.append(f"{key}=<redacted>" if secret else pair)
        url = f"{base}?{'&'.join(pairs)}"
    return url


def _shown_entry(platform: str, rest: str) -> str:
    """An ALERT_CHANNELS entry as an error may show it: a URL in it may be a webhook's."""
    return f"{platform}:<redacted URL>" if "://" in rest else f"{platform}:{rest}"


def _alert_channels(raw: str) -> tuple[AlertChannel, ...]:
    channels: list[AlertChannel] = []
    for entry in (e.strip() for e in raw.split(",")):
        if not entry:
            continue
        platform, _, rest = entry.partition(":")
        platform = platform.strip().lower()
        rest = rest.strip()
        if platform not in TARGET_PLATFORMS or not rest:
            shown = _shown_entry(platform, rest) if rest else entry
            raise ConfigError(
                "ALERT_CHANNELS",
                f"{shown!r} is not slack:CHANNEL, slack:TEAM/CHANNEL, discord:CHANNEL "
                "or discord-webhook:URL",
            )
        if platform == "discord-webhook":
            if not rest.startswith(("https://", "http://")):
                raise ConfigError(
                    "ALERT_CHANNELS", "a discord-webhook: entry needs the webhook URL"
                )
            channels.append(AlertChannel(platform, rest))
        elif platform == "slack" and "/" in rest:
            team, _, channel = rest.partition("/")
            channels.append(AlertChannel(platform, channel, team))
        else:
            if platform == "discord" and not rest.isdigit():
                raise ConfigError(
                    "ALERT_CHANNELS",
                    f"discord channel ids are numbers, got {_shown_entry(platform, rest)!r}"
                    + (" (a webhook URL goes in discord-webhook:URL)" if "://" in rest else ""),
                )
            channels.append(AlertChannel(platform, rest))
    return tuple(channels)

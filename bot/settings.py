"""Configuration from the environment (and a ``.env`` file in the working directory).

Every variable is parsed here once; ``bot.variables`` is their table as users see it (names,
defaults, meanings). Secrets may be given as ``NAME_FILE`` (a path
whose contents are the secret) for container secrets; they are held in ``Secret`` so that no
``repr``, log line or ``config`` output can show them.
"""

from __future__ import annotations

import importlib.util
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from dotenv import dotenv_values

from bot.alert_channels import TARGET_PLATFORMS, AlertChannel, parse_alert_channels
from bot.community_variables import COMMUNITY_SOURCES, REPOSITORY, SUBREDDIT, matching, sources
from bot.secret import Secret, redact_url_password
from bot.variables import SECRET_NAMES, ConfigError, lookalikes

__all__ = [
    "SECRET_NAMES",
    "TARGET_PLATFORMS",
    "AlertChannel",
    "ConfigError",
    "Secret",
    "Settings",
    "load",
]


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
    extra: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)
    lookalikes: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)
    """Names set that are not ours but nearly (``STATUSPAGE_URL`` -> ``STATUS_PAGE_URL``)."""

    def __repr__(self) -> str:
        # The generated repr would show the webhook URLs and the database password.
        return f"Settings({self.redacted()!r})"

    def redacted(self) -> dict[str, Any]:
        """Every setting, secrets shown only as set or not set: what ``config`` prints."""
        shown: dict[str, Any] = {}
        for item in fields(self):
            if item.name in ("extra", "lookalikes"):
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
            elif item.name == "database_url":
                value = _as_written(redact_url_password(value))
            elif isinstance(value, str) and "://" in value:
                value = redact_url_password(value)  # DATABASE_URL, or a proxy with a login
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
        alert_channels=parse_alert_channels(env.get("ALERT_CHANNELS", "")),
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
        community=sources(env.get("COMMUNITY", "")),
        community_interval_seconds=number("COMMUNITY_INTERVAL_SECONDS", 120.0, 1),
        community_subreddit=matching(
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
        community_github_repo=matching(
            "COMMUNITY_GITHUB_REPO",
            text("COMMUNITY_GITHUB_REPO", Settings.community_github_repo),
            REPOSITORY,
            "OWNER/REPO",
        ),
        github_api_url=_http_url("GITHUB_API_URL", text("GITHUB_API_URL", Settings.github_api_url)),
        github_token=secret("GITHUB_TOKEN"),
        community_min_posts=integer("COMMUNITY_MIN_POSTS", 4, 1, 10000),
        extra={k: v for k, v in env.items() if k.startswith("IS_CLAUDE_DOWN_")},
        lookalikes=lookalikes(env),
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


def _http_url(name: str, value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(name, f"must be an http(s) URL, got {value!r}")
    return value


DRIVERS: Final = {"postgresql+asyncpg": "asyncpg", "postgresql+psycopg": "psycopg"}
POSTGRES_EXTRA: Final = "pip install 'is-claude-down[postgres]'"


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
            f"got {redact_url_password(value)!r}",
        )
    scheme = value.split(":", 1)[0]
    driver = DRIVERS.get(scheme)
    if driver is not None and not _installed(driver):
        raise ConfigError(
            "DATABASE_URL",
            f"PostgreSQL needs the {driver} driver, which is not installed: {POSTGRES_EXTRA}",
        )
    return value


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # ValueError: blocked in sys.modules
        return False


def _as_written(database_url: str) -> str:
    """The SQLite URL as users write it (``sqlite:///PATH``); the driver is ours to pick."""
    return database_url.replace("sqlite+aiosqlite:", "sqlite:", 1)

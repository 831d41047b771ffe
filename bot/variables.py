"""The table of environment variables: every name the bot reads, its default and meaning.

``bot.settings`` parses them; this table is what users are shown (``config --help``), what a
misspelt name is compared with (``lookalikes``), and which variable turns each chat adapter on.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final


class ConfigError(ValueError):
    """A variable has a value we cannot use. The message names the variable."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable


@dataclass(frozen=True)
class Variable:
    name: str
    default: str
    meaning: str
    secret: bool = False


VARIABLES: Final = (
    Variable("STATUS_PAGE_URL", "https://status.claude.com", "any Atlassian Statuspage page"),
    Variable("POLL_INTERVAL_SECONDS", "30", "seconds between polls (1 and up)"),
    Variable("FEED_TIMEOUT_SECONDS", "10", "how long one read of the status page may take"),
    Variable(
        "DATABASE_URL",
        "sqlite:///is-claude-down.db",
        "sqlite:///PATH, postgresql+asyncpg://... or postgresql+psycopg://...",
    ),
    Variable("HOST", "0.0.0.0", "the address the HTTP server of serve listens on"),  # noqa: S104
    Variable("PORT", "3000", "the port of the HTTP server of serve"),
    Variable("COMPONENTS", "all", "comma-separated component names to watch by default"),
    Variable(
        "ALERT_CHANNELS",
        "none",
        "static alert targets: slack:CHANNEL, slack:TEAM/CHANNEL, discord:CHANNEL, "
        "discord-webhook:URL",
    ),
    Variable("SLACK_BOT_TOKEN", "none", "a single-workspace Slack app (xoxb-...)", secret=True),
    Variable("SLACK_SIGNING_SECRET", "none", "verifies every request from Slack", secret=True),
    Variable("SLACK_APP_TOKEN", "none", "Socket Mode instead of HTTP (xapp-...)", secret=True),
    Variable("SLACK_CLIENT_ID", "none", "multi-workspace OAuth install at /slack/install"),
    Variable("SLACK_CLIENT_SECRET", "none", "with SLACK_CLIENT_ID", secret=True),
    Variable("SLACK_API_URL", "https://slack.com/api/", "Slack Web API base"),
    Variable("DISCORD_BOT_TOKEN", "none", "the Discord bot", secret=True),
    Variable("DISCORD_API_URL", "https://discord.com/api/v10", "Discord REST base"),
    Variable(
        "STATUSPAGE_WEBHOOK_TOKEN",
        "none",
        "enables POST /webhooks/statuspage/TOKEN (an immediate poll)",
        secret=True,
    ),
    Variable("LOG_LEVEL", "INFO", "DEBUG, INFO, WARNING or ERROR"),
    Variable("LOG_FORMAT", "text", "text, or json for one JSON object per line"),
    Variable(
        "EARLY_WARNING_REPORTS",
        "3",
        "teammates' reports within 10 minutes that raise an early warning (0: off)",
    ),
    Variable("PROBE", "off", "off, keyless or key: probe the API for an early warning"),
    Variable("PROBE_INTERVAL_SECONDS", "60", "seconds between probes"),
    Variable("PROBE_URL", "https://api.anthropic.com", "the API base the probe calls"),
    Variable("ANTHROPIC_API_KEY", "none", "only for PROBE=key", secret=True),
    Variable(
        "REPORT_TOKEN",
        "none",
        "on the bot: enables POST /api/reports; on a developer's machine: the token hook and "
        "report send",
        secret=True,
    ),
    Variable("COMMUNITY", "reddit,github", "community sources to watch, comma-separated, or off"),
    Variable("COMMUNITY_INTERVAL_SECONDS", "120", "seconds between reads of each community source"),
    Variable("COMMUNITY_SUBREDDIT", "ClaudeAI", "the subreddit the reddit source reads"),
    Variable("REDDIT_API_URL", "https://www.reddit.com", "Reddit base URL"),
    Variable("REDDIT_OAUTH_URL", "https://oauth.reddit.com", "Reddit's API host with OAuth"),
    Variable("REDDIT_CLIENT_ID", "none", "with REDDIT_CLIENT_SECRET: app-only OAuth"),
    Variable("REDDIT_CLIENT_SECRET", "none", "with REDDIT_CLIENT_ID", secret=True),
    Variable(
        "COMMUNITY_GITHUB_REPO", "anthropics/claude-code", "the repository whose issues are read"
    ),
    Variable("GITHUB_API_URL", "https://api.github.com", "GitHub REST base"),
    Variable("GITHUB_TOKEN", "none", "optional: raises GitHub's rate limit", secret=True),
    Variable(
        "COMMUNITY_MIN_POSTS",
        "4",
        "posts about errors in 30 min (and 3x the usual) that make a source elevated",
    ),
)
NAMES: Final = frozenset(v.name for v in VARIABLES)
CLIENT_NAMES: Final = frozenset({"IS_CLAUDE_DOWN_URL", "REPORTER", "STATUSLINE_CACHE_SECONDS"})
"""Read on a developer's machine by ``hook``, ``report`` and ``statusline`` (bot/cli/client.py)."""
SECRET_NAMES: Final = tuple(v.name for v in VARIABLES if v.secret)

CHAT_SWITCHES: Final[Mapping[str, str]] = {
    "slack": "set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode, "
    "or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET for several workspaces)",
    "discord": "set DISCORD_BOT_TOKEN (or ALERT_CHANNELS=discord-webhook:URL for alerts only)",
}
"""What turns each chat adapter on, for ``serve`` to say when one is off."""

_LOOKALIKE_CUTOFF: Final = 0.8
_SHORTEST: Final = 5  # HOST, PORT, PROBE: too short to guess from without false alarms


def known_names() -> frozenset[str]:
    """Every name the bot reads, with the ``_FILE`` form of each secret."""
    return NAMES | CLIENT_NAMES | {f"{name}_FILE" for name in SECRET_NAMES}


def lookalikes(names: Iterable[str]) -> dict[str, str]:
    """Names that are not ours but nearly one of ours (``STATUSPAGE_URL``, ``POLL_INTERVAL``),
    each with the name it probably meant. Other programs' names match nothing: ``PATH`` and
    ``HOME`` are far from ours, and ``TEST_DATABASE_URL`` builds on ours on purpose."""
    known = sorted(known_names())
    found: dict[str, str] = {}
    for name in names:
        if name in known or len(name) < _SHORTEST or not name.isupper():
            continue
        if any(name.endswith(f"_{ours}") for ours in known):
            continue  # another program's variable, named after ours
        cut_short = [ours for ours in known if ours.startswith(f"{name}_")]
        close = (
            cut_short
            if len(cut_short) == 1
            else difflib.get_close_matches(name, known, n=1, cutoff=_LOOKALIKE_CUTOFF)
        )
        if close:
            found[name] = close[0]
    return found

"""The community variables' shapes: which sources ``COMMUNITY`` may name, and what a subreddit
and a repository name look like. ``bot.settings`` parses with them."""

from __future__ import annotations

import re
from typing import Final

from bot.variables import ConfigError

COMMUNITY_SOURCES: Final = ("reddit", "github")
SUBREDDIT: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_]{1,20}")
REPOSITORY: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}")


def sources(raw: str) -> tuple[str, ...]:
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


def matching(name: str, value: str, pattern: re.Pattern[str], shape: str) -> str:
    """``value`` when it has the shape ``pattern`` describes, else a ConfigError naming ``name``."""
    if not pattern.fullmatch(value):
        raise ConfigError(name, f"must be {shape}, got {value!r}")
    return value

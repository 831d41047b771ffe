"""A developer's machine and the team's bot: where the bot is (``IS_CLAUDE_DOWN_URL``), the
token (``REPORT_TOKEN``), who is reporting (``REPORTER``). HTTP is ``bot.cli.http_json``.

``hook``, ``report`` and ``statusline`` run inside Claude Code's loop, so this module uses the
standard library only, and little of it (the status line's fresh-cache path imports this and
never makes a request). It does not read ``bot.settings``: that validates the whole bot's
configuration, which a developer's machine does not have and should not need.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

REPORTS_PATH = "/api/reports"
STATUS_PATH = "/api/status"
DEFAULT_STATUS_PAGE = "https://status.claude.com"
DEFAULT_CACHE_SECONDS = 30.0
MAX_REPORTER = 128


class Unreachable(Exception):
    """No usable answer in time: refused, timed out, DNS, TLS, or a hang past the deadline."""


def finish(code: int) -> int:
    """``code``, or, when a deadline left work running in a thread, exit at once with it: a
    daemon thread caught mid-print (or mid-anything) by the interpreter's shutdown can abort
    the process, and Claude Code would see a crash instead of our line."""
    threading = sys.modules.get("threading")  # imported only if a request was made
    if threading is not None and threading.active_count() > 1:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


class ClientConfig:
    """What the client commands read from the environment (and ``.env``), all optional."""

    __slots__ = ("_reporter", "bot_url", "cache_seconds", "status_page_url", "token")

    def __init__(
        self,
        bot_url: str | None,
        token: str | None,
        reporter: str | None,
        cache_seconds: float,
        status_page_url: str,
    ) -> None:
        self.bot_url = bot_url
        self.token = token
        self._reporter = reporter
        self.cache_seconds = cache_seconds
        self.status_page_url = status_page_url

    @property
    def reporter(self) -> str:
        """``REPORTER``, else the anonymous id (worked out only when a report is sent)."""
        return self._reporter or reporter_id()

    @property
    def can_report(self) -> bool:
        return self.bot_url is not None and self.token is not None

    def missing(self) -> list[str]:
        """The variables ``report`` still needs, by name."""
        needed = [("IS_CLAUDE_DOWN_URL", self.bot_url), ("REPORT_TOKEN", self.token)]
        return [name for name, value in needed if value is None]


def load_client_config(environ: Mapping[str, str] | None = None) -> ClientConfig:
    """Lenient on purpose: a value that cannot be used counts as not set, so the hook and the
    status line never fail on configuration (``report`` says what is missing)."""
    env = _environment() if environ is None else environ
    return ClientConfig(
        bot_url=_http_url(env.get("IS_CLAUDE_DOWN_URL", "")),
        token=_token(env),
        reporter=_reporter(env.get("REPORTER", "")),
        cache_seconds=_seconds(env.get("STATUSLINE_CACHE_SECONDS", "")),
        status_page_url=_http_url(env.get("STATUS_PAGE_URL", "")) or DEFAULT_STATUS_PAGE,
    )


def reporter_id() -> str:
    """A stable anonymous id for this user on this machine: a hash, never the names."""
    user = os.environ.get("USER") or os.environ.get("USERNAME") or os.environ.get("LOGNAME")
    if not user:
        import getpass

        try:
            user = getpass.getuser()
        except Exception:  # no name for this uid (a container): the host alone still counts
            user = "?"
    import hashlib

    host = os.uname().nodename if hasattr(os, "uname") else os.environ.get("COMPUTERNAME", "")
    digest = hashlib.sha256(f"is-claude-down:{user}@{host}".encode()).hexdigest()
    return f"anon-{digest[:16]}"


def _environment() -> Mapping[str, str]:
    """The process environment over a ``.env`` file in the working directory, as ``serve``."""
    if not os.path.isfile(".env"):
        return os.environ
    from dotenv import dotenv_values

    try:
        merged = {k: v for k, v in dotenv_values(".env").items() if v is not None}
    except (OSError, UnicodeDecodeError):
        return os.environ
    merged.update(os.environ)
    return merged


def _http_url(value: str) -> str | None:
    value = value.strip().rstrip("/")
    scheme, _, rest = value.partition("://")
    return value if scheme in ("http", "https") and rest and rest[0] not in "/?#" else None


def _token(env: Mapping[str, str]) -> str | None:
    path = env.get("REPORT_TOKEN_FILE", "").strip()
    if path:
        try:
            token = Path(path).expanduser().read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            return None
    else:
        token = env.get("REPORT_TOKEN", "").strip()
    return token or None


def _reporter(value: str) -> str | None:
    value = "".join(ch for ch in value.strip() if ch.isprintable())
    return value[:MAX_REPORTER] or None


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        return DEFAULT_CACHE_SECONDS
    return seconds if 0 <= seconds < 86400 else DEFAULT_CACHE_SECONDS

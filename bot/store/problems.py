"""Why a database cannot be opened, in one line a user can act on (no traceback)."""

from __future__ import annotations

from urllib.parse import urlsplit

from bot.secret import redact_url_password


class DatabaseUnusable(Exception):
    """The database of ``DATABASE_URL`` cannot be opened or brought up to date: a
    configuration problem, reported as one line that says what to check."""


def describe(url: str, error: BaseException) -> str:
    """``cannot open sqlite:///x.db: unable to open database file; check ...``."""
    cause = getattr(error, "orig", None) or error  # SQLAlchemy wraps the driver's error
    lines = str(cause).strip().splitlines()
    reason = lines[0] if lines else type(cause).__name__
    password = urlsplit(url).password
    if password:
        reason = reason.replace(password, "<redacted>")
    shown = redact_url_password(url).replace("sqlite+aiosqlite:", "sqlite:", 1)
    if url.startswith("sqlite"):
        hint = "check that its folder exists and that this user may write there"
    else:
        hint = "check that the server runs, and the host, port, user, password and database name"
    return f"cannot open {shown}: {reason}; {hint}"

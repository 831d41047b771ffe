"""bot.store.problems: a database that cannot be opened is one line, without its password."""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import OperationalError

from bot.store.problems import describe


def test_a_driver_error_wrapped_by_sqlalchemy_is_one_line_with_what_to_check() -> None:
    wrapped = OperationalError(
        "connect", {}, sqlite3.OperationalError("unable to open database file")
    )
    line = describe("sqlite+aiosqlite:///no/such/bot.db", wrapped)
    assert line == (
        "cannot open sqlite:///no/such/bot.db: unable to open database file; "
        "check that its folder exists and that this user may write there"
    )
    assert "\n" not in line


def test_the_password_is_never_shown_even_when_the_driver_repeats_it() -> None:
    url = "postgresql+asyncpg://bot:S3CRET-PW@db.internal:5432/bot"
    line = describe(url, OSError("could not connect as bot:S3CRET-PW\nsecond line"))
    assert "S3CRET-PW" not in line
    assert line.startswith("cannot open postgresql+asyncpg://bot:<redacted>@db.internal:5432/bot: ")
    assert "check that the server runs" in line

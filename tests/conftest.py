"""Shared fixtures: the fake Statuspage page and the databases (SQLite and PostgreSQL).

PostgreSQL tests use the server named by ``TEST_POSTGRES_URL`` (default: the one on
127.0.0.1:5432 with trust auth). Without one they are skipped with a message, except in CI
(``CI=true``), where a missing PostgreSQL is a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from fakes.statuspage import FakeStatuspage

POSTGRES_ADMIN = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture
def statuspage() -> Iterator[FakeStatuspage]:
    with FakeStatuspage(hang_seconds=5) as page:
        yield page


def _postgres_available() -> str | None:
    """None when reachable, else why not."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    try:
        with psycopg.connect(POSTGRES_ADMIN, connect_timeout=3):
            return None
    except Exception as error:
        return f"{type(error).__name__}: {error}".strip()


@pytest.fixture(scope="session")
def postgres_admin() -> str:
    problem = _postgres_available()
    if problem is not None:
        message = (
            f"PostgreSQL at {POSTGRES_ADMIN} is not reachable ({problem}). "
            "Start one and set TEST_POSTGRES_URL=postgresql://USER@HOST:PORT/DB to run these tests."
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return POSTGRES_ADMIN


@pytest.fixture
def postgres_url(postgres_admin: str) -> Iterator[str]:
    """A fresh, empty database for one test, dropped afterwards."""
    import psycopg

    name = f"icd_test_{uuid.uuid4().hex[:12]}"

    def admin(sql: str) -> None:
        with psycopg.connect(postgres_admin, autocommit=True) as conn:
            conn.execute(sql)

    admin(f'CREATE DATABASE "{name}"')
    base = postgres_admin.rsplit("/", 1)[0].split("://", 1)[1]
    yield f"postgresql+asyncpg://{base}/{name}"
    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the fault and crash tests' counts (recorded with ``record_property("reliability",
    ...)``; xdist carries them back from the workers) at the end of every run."""
    lines = [
        f"{report.nodeid.split('::')[-1]}: {value}"
        for outcome in ("passed", "failed")
        for report in terminalreporter.stats.get(outcome, [])
        if getattr(report, "when", "call") == "call"
        for key, value in getattr(report, "user_properties", [])
        if key == "reliability"
    ]
    if lines:
        terminalreporter.section("reliability counts")
        for line in sorted(lines):
            terminalreporter.write_line(line)

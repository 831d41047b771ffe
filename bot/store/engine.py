"""The database engine: SQLite embedded by default, PostgreSQL for replicas. Opening, closing,
the readiness ping, the migration runner, and the write turn every table group writes through."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Self

import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

MIGRATIONS = Path(__file__).parent / "migrations"
MIGRATION_LOCK_ID = 0x1C1A0DE  # PostgreSQL advisory lock: one replica migrates at a time


def create_engine(url: str) -> AsyncEngine:
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30})

        @sa_event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            # WAL + NORMAL survives a killed process (only a power cut can lose the newest
            # commit) and makes a commit cheap: the window between posting a notice and
            # recording it, where a crash would repeat it, shrinks to a fraction of a ms.
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_async_engine(url, pool_pre_ping=True)


class Database:
    """The engine and what every table group shares: the write turn, open/close, migrations."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._write_turn = asyncio.Lock()

    @property
    def shared(self) -> bool:
        """Whether several processes may use this database at once (PostgreSQL)."""
        return self.engine.dialect.name == "postgresql"

    @classmethod
    def open(cls, url: str) -> Self:
        return cls(create_engine(url))

    @contextlib.asynccontextmanager
    async def _writing(self) -> AsyncIterator[AsyncConnection]:
        """A write transaction. On SQLite this process's outbox writes take turns here first:
        SQLite has one writer at a time, and a connection that finds the write lock taken
        sleeps in SQLite's busy handler (1, 2, 5, 10 … ms) however soon the lock frees, which
        with the dispatcher's parallel workers cost far more than the writes themselves."""
        if self.shared:
            async with self.engine.begin() as conn:
                yield conn
            return
        async with self._write_turn, self.engine.begin() as conn:
            yield conn

    async def close(self) -> None:
        await self.engine.dispose()

    async def migrate(self) -> None:
        """Bring the schema to the newest version; safe with several replicas starting."""
        async with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                await conn.execute(sa.text(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_ID})"))
            await conn.run_sync(_upgrade)

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as conn:
                await conn.execute(sa.text("SELECT 1"))
        except Exception:  # any failure means "not ready"; the caller logs it
            return False
        return True


def insert_ignore(conn: AsyncConnection, table: sa.Table) -> Any:
    """INSERT that does nothing on a unique conflict, on SQLite and PostgreSQL alike."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()


def upsert(conn: AsyncConnection, table: sa.Table) -> Any:
    """INSERT that can be told what to do on a conflict (``on_conflict_do_update``)."""
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(table)


def _upgrade(sync_connection: sa.Connection) -> None:
    # Imported here: alembic costs half a second of start-up, and only migrating needs it.
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = sync_connection
    command.upgrade(config, "head")

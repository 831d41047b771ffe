"""Who polls: with several replicas on one PostgreSQL database exactly one of them does.

The poller holds a session-level PostgreSQL advisory lock on a connection of its own. When it
dies, its connection closes, the lock is released, and another replica's next try takes it:
takeover within one or two poll intervals. On SQLite (one process by design) this process
always polls.
"""

from __future__ import annotations

import logging
from typing import Final

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)
POLLER_LOCK_ID: Final = 0x1C1A0DF


class PollerLease:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._shared = engine.dialect.name == "postgresql"
        self._conn: AsyncConnection | None = None

    @property
    def held(self) -> bool:
        return not self._shared or self._conn is not None

    async def acquire(self) -> bool:
        """True when this process should poll now (keeps the lock once it has it)."""
        if not self._shared:
            return True
        if self._conn is not None:
            if await self._alive(self._conn):
                return True
            log.warning("lost the poller lock (database connection dropped)")
            await self._drop()
        try:
            conn = await self._engine.connect()
        except Exception as error:  # the database is briefly away: not the poller this time
            log.warning("cannot reach the database to take the poller lock: %s", error)
            return False
        try:
            result = await conn.execute(sa.text(f"SELECT pg_try_advisory_lock({POLLER_LOCK_ID})"))
            got = bool(result.scalar_one())
            await conn.commit()
        except Exception:
            await conn.close()
            raise
        if not got:
            await conn.close()
            return False
        self._conn = conn
        log.info("this replica is now the poller")
        return True

    async def release(self) -> None:
        if self._conn is not None:
            try:
                await self._conn.execute(sa.text(f"SELECT pg_advisory_unlock({POLLER_LOCK_ID})"))
                await self._conn.commit()
            except Exception:  # closing the connection releases it anyway
                log.debug("unlock failed; closing the connection releases the lock", exc_info=True)
            await self._drop()

    async def _alive(self, conn: AsyncConnection) -> bool:
        try:
            await conn.execute(sa.text("SELECT 1"))
            await conn.commit()
        except Exception:
            return False
        return True

    async def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                await conn.close()
            except Exception:
                log.debug("closing a dead connection failed", exc_info=True)

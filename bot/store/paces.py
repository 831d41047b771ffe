"""Paces: a platform's send window shared by replicas on PostgreSQL (``send_starts``).

Each grant is a row stamped with the database's clock, so replicas whose clocks differ still
share one window; a transaction-scoped advisory lock per pace makes "count the window, then
add to it" one step across replicas. Rows that left the window are dropped as it moves on.
"""

from __future__ import annotations

from typing import Final

import sqlalchemy as sa

from bot.store import tables as t
from bot.store.engine import Database

PACE_LOCK_SPACE: Final = 0x1C1A
"""First key of ``pg_advisory_xact_lock(int, int)``; the second is the pace's name hashed."""


class Paces(Database):
    async def take_sends(self, pace: str, count: int, per: float, want: int) -> tuple[int, float]:
        """Up to ``want`` of the at most ``count`` sends any ``per`` seconds allow, granted now
        and counted in the window; when none is free, (0, seconds until one is). PostgreSQL
        only: on SQLite one process sends, and paces itself."""
        s = t.send_starts
        async with self.engine.begin() as conn:
            await conn.execute(
                sa.select(sa.func.pg_advisory_xact_lock(PACE_LOCK_SPACE, sa.func.hashtext(pace)))
            )
            now = float(
                (
                    await conn.execute(sa.select(sa.extract("epoch", sa.func.clock_timestamp())))
                ).scalar_one()
            )
            await conn.execute(s.delete().where(s.c.pace == pace, s.c.at <= now - per))
            used, oldest = (
                await conn.execute(
                    sa.select(sa.func.count(), sa.func.min(s.c.at)).where(s.c.pace == pace)
                )
            ).one()
            free = count - int(used)
            if free <= 0:
                return 0, float(oldest) + per - now
            granted = min(free, want)
            await conn.execute(s.insert(), [{"pace": pace, "at": now}] * granted)
            return granted, 0.0

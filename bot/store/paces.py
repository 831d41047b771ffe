"""Paces: a platform's send window shared by replicas on PostgreSQL (``send_starts``).

Each granted send is a row: granted ``at``, and ``ended_at`` once its replica reports the
answer (NULL while in flight). Both are on the database's clock, so replicas whose clocks
differ still share one window; an end travels as an age (seconds ago, on the replica's clock)
and is stamped ``clock_timestamp()`` less that age. A transaction-scoped advisory lock per
pace makes "count the window, then add to it" one step across replicas. Rows that left the
window are dropped as it moves on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store import tables as t
from bot.store.engine import Database

PACE_LOCK_SPACE: Final = 0x1C1A
"""First key of ``pg_advisory_xact_lock(int, int)``; the second is the pace's name hashed."""

IN_FLIGHT_EXPIRY: Final = 30.0
"""Seconds after its grant that a send never reported ended stops counting: its replica died
(or lost the database) before it could say so. No send takes that long in practice; one
that did would still hold its place in its own replica's ``Pacer``."""


class Paces(Database):
    async def take_sends(
        self, pace: str, count: int, per: float, want: int, ended: Sequence[tuple[int, float]]
    ) -> tuple[list[int], float]:
        """Record ``ended`` (row, seconds ago), then grant up to ``want`` of the at most
        ``count`` sends any ``per`` seconds allow: the rows granted, each counted from now
        until ``per`` after its end. When none is free: no rows, and the seconds until one
        may be. PostgreSQL only: on SQLite one process sends, and paces itself."""
        s = t.send_starts
        async with self.engine.begin() as conn:
            await conn.execute(
                sa.select(sa.func.pg_advisory_xact_lock(PACE_LOCK_SPACE, sa.func.hashtext(pace)))
            )
            await _record_ends(conn, ended)
            now = float(
                (
                    await conn.execute(sa.select(sa.extract("epoch", sa.func.clock_timestamp())))
                ).scalar_one()
            )
            await conn.execute(
                s.delete().where(
                    s.c.pace == pace,
                    sa.or_(
                        s.c.ended_at <= now - per,
                        sa.and_(s.c.ended_at.is_(None), s.c.at <= now - IN_FLIGHT_EXPIRY),
                    ),
                )
            )
            used, oldest_end = (
                await conn.execute(
                    sa.select(sa.func.count(), sa.func.min(s.c.ended_at)).where(s.c.pace == pace)
                )
            ).one()
            free = count - int(used)
            if free <= 0:
                # A send still in flight ends now at the soonest, so leaves ``per`` from now.
                return [], per if oldest_end is None else float(oldest_end) + per - now
            rows = await conn.execute(
                s.insert().values([{"pace": pace, "at": now}] * min(free, want)).returning(s.c.id)
            )
            return list(rows.scalars()), 0.0

    async def end_sends(self, ended: Sequence[tuple[int, float]]) -> None:
        """Record ``ended`` (row, seconds ago) when no request for sends follows to carry it."""
        async with self.engine.begin() as conn:
            await _record_ends(conn, ended)


async def _record_ends(conn: AsyncConnection, ended: Sequence[tuple[int, float]]) -> None:
    """One statement for all of them. The age was measured before this statement left, so
    ``clock_timestamp()`` less it is never before the answer: a late report only holds a
    place longer."""
    if not ended:
        return
    s = t.send_starts
    rows, ages = zip(*ended, strict=True)
    ends = (
        sa.func.unnest(
            sa.bindparam("rows", list(rows), type_=ARRAY(sa.Integer)),
            sa.bindparam("ages", list(ages), type_=ARRAY(sa.Float)),
        )
        .table_valued("send", "age")
        .render_derived(name="ends")
    )
    await conn.execute(
        s.update()
        .where(s.c.id == ends.c.send, s.c.ended_at.is_(None))
        .values(ended_at=sa.extract("epoch", sa.func.clock_timestamp()) - ends.c.age)
    )

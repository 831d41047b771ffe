"""Claims on the outbox: which rows are due, in order per channel, and which replica holds
each. A claim is a compare-and-set with a lease, so of several replicas sharing one database
each row goes to exactly one, and a dead replica's claims run out a lease later.

A claim also records the try it is for, before the call (``attempted_at``, kept when an
earlier try's is still there): a row claimed again with one set was tried by a process that
never learned the answer, and the platform may hold the message already. The claim's
statement returns the row as changed, so a row whose ``attempted_at`` is this claim's own
``now`` had no such earlier try."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from bot.store import tables as t
from bot.store.engine import Database
from bot.store.outbox import OutboxRow, outbox_row


class Claims(Database):
    async def due_heads(
        self,
        now: datetime,
        limit: int = 1000,
        *,
        skip: Collection[str] = (),
        owner: str | None = None,
    ) -> list[OutboxRow]:
        """The oldest pending row of each target, where it is due: deliveries to one channel
        go strictly in order, and a channel waiting out a retry holds back only itself.

        Longest due first, at most ``limit``; targets whose keys are in ``skip`` (those a
        worker is on) are left out, and so are heads another replica has claimed and still
        holds (given our ``owner``)."""
        async with self.engine.connect() as conn:
            rows = await conn.execute(_heads(now, limit, skip, owner, t.outbox.c))
            return [outbox_row(r) for r in rows.mappings()]

    async def claim_due(
        self,
        now: datetime,
        limit: int,
        *,
        skip: Collection[str],
        owner: str,
        lease: timedelta,
        platform: str | None = None,
        skip_platforms: Collection[str] = (),
    ) -> list[OutboxRow]:
        """``due_heads`` and ``claim`` of each in one transaction: the heads this ``owner``
        now holds for ``lease``, longest due first, only on ``platform`` when given, none on
        the ``skip_platforms``. Of several replicas asking at once each head goes to exactly
        one.

        SQLite has one writer: one statement finds and claims. On PostgreSQL the heads are
        first found and locked, skipping rows another transaction holds, then claimed. Found
        and claimed in one statement, a head could be read as due, then sent by the replica
        that held it (its claim cleared), and still be claimed when the update reached it
        (only the update's own conditions are checked again): a notice sent twice. And
        replicas waiting on each other's rows deadlocked."""
        o = t.outbox
        heads = _heads(now, limit, skip, owner, [o.c.id])
        if platform is not None:
            heads = (
                heads.where(o.c.platform == platform)
                .order_by(None)
                .order_by(o.c.platform, o.c.next_attempt_at, o.c.id)
            )
        if skip_platforms:
            heads = heads.where(o.c.platform.not_in(list(skip_platforms)))
        async with self._writing() as conn:
            found: sa.Select[Any] | list[int] = heads
            if self.shared:
                locked = heads.with_for_update(skip_locked=True, of=o)
                found = list((await conn.execute(locked)).scalars())
            result = await conn.execute(
                sa.update(o)
                .where(o.c.id.in_(found), _claimable(owner, now))
                .values(claimed_by=owner, claimed_until=now + lease, attempted_at=_attempt(now))
                .returning(*o.c)
            )
            rows = [outbox_row(r, claimed_at=now) for r in result.mappings()]
        return sorted(rows, key=lambda r: (r.next_attempt_at, r.id))

    async def claim(self, row: OutboxRow, owner: str, now: datetime, lease: timedelta) -> bool:
        """Take ``row`` for delivery, unless another replica holds it: a compare-and-set, so
        of several replicas exactly one wins (SQLite and PostgreSQL alike)."""
        c = t.outbox.c
        async with self._writing() as conn:
            result = await conn.execute(
                sa.update(t.outbox)
                .where(c.id == row.id, c.state == "pending", _claimable(owner, now))
                .values(claimed_by=owner, claimed_until=now + lease, attempted_at=_attempt(now))
            )
            return bool(result.rowcount)

    async def release_claims(self, owner: str | None = None) -> int:
        """Forget claims on pending rows: every claim, only for a single process (SQLite)
        starting up, whose claims can only be left over from a crash of itself; or those of
        ``owner``, a dispatcher stopping, so another replica need not wait out their lease."""
        c = t.outbox.c
        query = sa.update(t.outbox).where(c.claimed_by.is_not(None), c.state == "pending")
        if owner is not None:
            query = query.where(c.claimed_by == owner)
        async with self._writing() as conn:
            result = await conn.execute(query.values(claimed_by=None, claimed_until=None))
            return int(result.rowcount or 0)

    async def renew_claims(self, owner: str, now: datetime, lease: timedelta) -> int:
        """Extend ``owner``'s claims on pending rows to ``now + lease``: a replica keeps what it
        is sending, while a dead replica's claims run out a short lease later."""
        c = t.outbox.c
        async with self._writing() as conn:
            result = await conn.execute(
                sa.update(t.outbox)
                .where(c.claimed_by == owner, c.state == "pending")
                .values(claimed_until=now + lease)
            )
            return int(result.rowcount or 0)


def _heads(
    now: datetime,
    limit: int,
    skip: Collection[str],
    owner: str | None,
    columns: Iterable[sa.ColumnElement[Any]],
) -> sa.Select[Any]:
    """Due heads, longest due first. The scan walks the due rows in ``ix_outbox_due`` order
    and stops at ``limit``, testing each for an earlier pending row of its channel with one
    probe of ``ix_outbox_target_pending``: its cost follows the rows it returns, not the size
    of the outbox, and rows waiting out a retry are never read."""
    o = t.outbox
    earlier = o.alias("earlier")
    query = (
        sa.select(*columns)
        .where(
            o.c.state == "pending",
            o.c.next_attempt_at <= now,
            ~sa.exists().where(
                earlier.c.target_key == o.c.target_key,
                earlier.c.state == "pending",
                earlier.c.id < o.c.id,
            ),
        )
        .order_by(o.c.next_attempt_at, o.c.id)
        .limit(limit)
    )
    if skip:
        query = query.where(o.c.target_key.not_in(list(skip)))
    if owner is not None:
        query = query.where(_claimable(owner, now))
    return query


def _claimable(owner: str, now: datetime) -> sa.ColumnElement[bool]:
    """Rows nobody holds: never claimed, the claim's lease ran out, or claimed by ``owner``."""
    c = t.outbox.c
    return sa.or_(c.claimed_until.is_(None), c.claimed_until < now, c.claimed_by == owner)


def _attempt(now: datetime) -> sa.ColumnElement[Any]:
    """``attempted_at`` for a claim: an earlier unanswered try's start, else ``now``."""
    return sa.func.coalesce(t.outbox.c.attempted_at, sa.bindparam(None, now, t.UTCDateTime()))

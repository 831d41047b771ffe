"""The outbox: one row per delivery, queued by the poller (or a command) and marked by the
dispatcher as sent, to retry, or dead. Which rows are due and who holds them is ``claims``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.notify.deliveries import Delivery, delivery_key
from bot.notify.notices import Action, Notice
from bot.notify.ports import Attempt, MessageRef, Target
from bot.store import tables as t
from bot.store.engine import Database, insert_ignore
from bot.store.threads import put_thread_roots


@dataclass(frozen=True)
class OutboxRow:
    """A queued delivery as the dispatcher reads it back."""

    id: int
    event_id: str
    action: Action
    target: Target
    notice: Notice
    attempts: int
    next_attempt_at: datetime
    maybe_sent_at: datetime | None = None
    """When an earlier try began whose answer never came back (see ``Attempt``)."""

    @property
    def attempt(self) -> Attempt:
        """This try, as the adapter is given it."""
        key = delivery_key(self.event_id, self.target, self.action)
        return Attempt(key, self.maybe_sent_at)


class Outbox(Database):
    async def queue(self, deliveries: Iterable[Delivery], now: datetime) -> int:
        async with self._writing() as conn:
            return await queue_rows(conn, deliveries, now)

    async def release_held(
        self, now: datetime, build: Callable[[list[Delivery]], list[Delivery]]
    ) -> int:
        """Held deliveries whose quiet hours have ended, replaced by what ``build`` makes of
        them (the digests), in one transaction: a crash leaves them held, never told twice.
        Returns how many rows were queued."""
        c = t.outbox.c
        due = sa.and_(c.state == "held", c.next_attempt_at <= now)
        async with self.engine.connect() as conn:  # most polls: nothing held, no write turn
            if (await conn.execute(sa.select(c.id).where(due).limit(1))).first() is None:
                return 0
        async with self._writing() as conn:
            result = await conn.execute(sa.select(t.outbox).where(due).order_by(c.id))
            rows = [outbox_row(r) for r in result.mappings()]
            if not rows:
                return 0
            await conn.execute(
                sa.update(t.outbox)
                .where(c.id.in_([r.id for r in rows]), c.state == "held")
                .values(state="digested")
            )
            held = [Delivery(r.event_id, r.action, r.target, r.notice) for r in rows]
            return await queue_rows(conn, build(held), now)

    async def next_due_at(self, after: datetime | None = None) -> datetime | None:
        """When the next pending row falls due; with ``after``, the first one due later than
        that (rows due already are being worked on, or wait for a free worker)."""
        c = t.outbox.c
        query = sa.select(sa.func.min(c.next_attempt_at)).where(c.state == "pending")
        if after is not None:
            query = query.where(c.next_attempt_at > after)
        async with self.engine.connect() as conn:
            result = await conn.execute(query)
            value = result.scalar_one_or_none()
            return t.UTCDateTime().process_result_value(value, conn.dialect) if value else None

    async def pending_count(self) -> int:
        async with self.engine.connect() as conn:
            result = await conn.execute(
                sa.select(sa.func.count())
                .select_from(t.outbox)
                .where(t.outbox.c.state == "pending")
            )
            return int(result.scalar_one())

    async def mark_sent(self, row: OutboxRow, ref: MessageRef | None, now: datetime) -> None:
        """Record the delivery and, for a thread root, the thread it starts."""
        await self.mark_sent_many([(row, ref)], now)

    async def mark_sent_many(
        self, sent: Sequence[tuple[OutboxRow, MessageRef | None]], now: datetime
    ) -> None:
        """``mark_sent`` of several rows in one transaction (the dispatcher's group commit:
        one write lock and one commit for every delivery that ended meanwhile)."""
        if not sent:
            return
        o = t.outbox
        rows = [
            {
                "row_id": row.id,
                "attempts_now": row.attempts + 1,
                "ref": ref.to_json() if ref else None,
            }
            for row, ref in sent
        ]
        roots = [
            (row.target.key, row.notice.thread_key, ref)
            for row, ref in sent
            if ref is not None and row.action is Action.POST and row.notice.thread_key
        ]
        async with self._writing() as conn:
            await conn.execute(
                sa.update(o)
                .where(o.c.id == sa.bindparam("row_id"))
                .values(
                    state="sent",
                    sent_at=now,
                    attempts=sa.bindparam("attempts_now"),
                    message_ref=sa.bindparam("ref"),
                    last_error=None,
                    claimed_by=None,
                    claimed_until=None,
                    attempted_at=None,
                ),
                rows,
            )
            if roots:
                await put_thread_roots(conn, roots, now)

    async def mark_retry(
        self, row: OutboxRow, error: str, at: datetime, *, settled: bool = False
    ) -> None:
        """Try ``row`` again at ``at``. ``settled``: no try of it can have posted it (this
        one met a rate limit, and none came before), so the next need not look for it;
        otherwise (a timeout, a 5xx) its ``attempted_at`` stays."""
        values: dict[str, Any] = {
            "attempts": row.attempts + 1,
            "next_attempt_at": at,
            "last_error": error[:1000],
            "claimed_by": None,
            "claimed_until": None,
        }
        if settled:
            values["attempted_at"] = None
        async with self._writing() as conn:
            await conn.execute(sa.update(t.outbox).where(t.outbox.c.id == row.id).values(values))

    async def mark_dead(self, row: OutboxRow, error: str) -> None:
        async with self._writing() as conn:
            await conn.execute(
                sa.update(t.outbox)
                .where(t.outbox.c.id == row.id)
                .values(state="dead", attempts=row.attempts + 1, last_error=error[:1000])
            )

    async def queued_since(self, target: Target, event_prefix: str, since: datetime) -> int:
        """How many deliveries whose event id starts with ``event_prefix`` were queued for
        ``target`` since ``since`` (the ``test`` word's one-per-minute limit)."""
        c = t.outbox.c
        async with self.engine.connect() as conn:
            result = await conn.execute(
                sa.select(sa.func.count())
                .select_from(t.outbox)
                .where(
                    c.target_key == target.key,
                    c.event_id.startswith(event_prefix, autoescape=True),
                    c.created_at >= since,
                )
            )
            return int(result.scalar_one())

    async def delivery_outcome(
        self, event_id: str, target: Target, action: Action
    ) -> tuple[str, int, str | None] | None:
        """(state, attempts, last error) of one delivery, or None when there is no such row."""
        c = t.outbox.c
        async with self.engine.connect() as conn:
            result = await conn.execute(
                sa.select(c.state, c.attempts, c.last_error).where(
                    c.event_id == event_id, c.target_key == target.key, c.action == action.value
                )
            )
            row = result.first()
            return (row.state, row.attempts, row.last_error) if row else None


async def queue_rows(conn: AsyncConnection, deliveries: Iterable[Delivery], now: datetime) -> int:
    """All rows in one statement execution (SQLAlchemy sends them as multi-row INSERTs, one
    compiled statement for any number), not one round trip per row; a repeat of an existing
    ``(event_id, target, action)`` is ignored and not counted: the ids RETURNING gives back
    are the rows inserted (a rowcount would not say, with several rows, on asyncpg)."""
    # One event's notice is shared by all its rows: encode it once (the notice is kept
    # alongside, so its id cannot be reused by another object while we look it up).
    encoded: dict[int, tuple[Notice, dict[str, Any]]] = {}
    rows = []
    for d in deliveries:
        known = encoded.get(id(d.notice))
        if known is None:
            known = encoded[id(d.notice)] = (d.notice, d.notice.to_json())
        notice = known[1]
        rows.append(
            {
                "event_id": d.event_id,
                "action": d.action.value,
                "target_key": d.target.key,
                "platform": d.target.platform,
                "workspace": d.target.workspace or "",
                "channel": d.target.channel,
                "thread_key": d.notice.thread_key,
                "notice": notice,
                "state": "held" if d.held else "pending",
                "attempts": 0,
                "next_attempt_at": d.not_before or now,
                "created_at": now,
            }
        )
    if not rows:
        return 0
    result = await conn.execute(insert_ignore(conn, t.outbox).returning(t.outbox.c.id), rows)
    return len(result.all())


def outbox_row(row: Any, claimed_at: datetime | None = None) -> OutboxRow:
    """A row read back; ``claimed_at``: the ``now`` of the claim that just read it, which set
    ``attempted_at`` to it unless an earlier try's was still there (see ``claims``)."""
    attempted_at = row.get("attempted_at")
    return OutboxRow(
        id=row["id"],
        event_id=row["event_id"],
        action=Action(row["action"]),
        target=Target(row["platform"], row["channel"], row["workspace"] or None),
        notice=Notice.from_json(row["notice"]),
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"],
        maybe_sent_at=None if attempted_at == claimed_at else attempted_at,
    )

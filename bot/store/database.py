"""The database: the only durable state. SQLite embedded by default, PostgreSQL for replicas.

Everything a poll decides (new snapshot, feed health, events, outbox rows) is written in one
transaction, so a crash leaves either all of it or none of it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import event as sa_event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from bot.detect.feed_health import FeedHealth
from bot.notify.notices import Action, Notice
from bot.notify.ports import MessageRef, Target
from bot.statuspage.snapshot import Snapshot
from bot.store import tables as t

MIGRATIONS = Path(__file__).parent / "migrations"
MIGRATION_LOCK_ID = 0x1C1A0DE  # PostgreSQL advisory lock: one replica migrates at a time


@dataclass(frozen=True)
class Subscription:
    id: int
    target: Target
    components: tuple[str, ...]
    """Component ids this channel watches; empty means all."""
    source: str
    created_by: str | None


@dataclass(frozen=True)
class TeamReports:
    platform: str
    workspace: str
    people: int
    codes: tuple[str, ...]


@dataclass(frozen=True)
class Delivery:
    """An outbox row to insert: one event's notice for one target."""

    event_id: str
    action: Action
    target: Target
    notice: Notice
    not_before: datetime | None = None
    """Hold the delivery until then (the ``test`` alert's resolution, a few seconds later)."""


@dataclass(frozen=True)
class OutboxRow:
    id: int
    event_id: str
    action: Action
    target: Target
    notice: Notice
    attempts: int
    next_attempt_at: datetime


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


class Store:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._write_turn = asyncio.Lock()

    @property
    def shared(self) -> bool:
        """Whether several processes may use this database at once (PostgreSQL)."""
        return self.engine.dialect.name == "postgresql"

    @classmethod
    def open(cls, url: str) -> Store:
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

    # --- poll state -------------------------------------------------------------------

    async def load_snapshot(self) -> Snapshot | None:
        value = await self._state("snapshot")
        return Snapshot.model_validate(value) if value is not None else None

    async def load_health(self) -> FeedHealth:
        value = await self._state("feed_health")
        return FeedHealth.from_json(value) if value is not None else FeedHealth()

    async def load_state(self, key: str) -> Any:
        """A JSON value kept under ``key`` (None when never saved)."""
        return await self._state(key)

    async def _state(self, key: str) -> Any:
        async with self.engine.connect() as conn:
            row = await conn.execute(sa.select(t.state.c.value).where(t.state.c.key == key))
            return row.scalar_one_or_none()

    async def commit_poll(
        self,
        *,
        snapshot: Snapshot | None,
        health: FeedHealth,
        events: Sequence[tuple[str, str, dict[str, Any]]],
        deliveries: Iterable[Delivery],
        now: datetime,
        extra_state: dict[str, Any] | None = None,
    ) -> int:
        """Save what one poll decided, atomically. ``events`` are (id, kind, payload).
        Returns how many new outbox rows were queued (repeats are ignored)."""
        async with self.engine.begin() as conn:
            if snapshot is not None:
                await self._put_state(conn, "snapshot", snapshot.model_dump(mode="json"), now)
            await self._put_state(conn, "feed_health", health.to_json(), now)
            for key, value in (extra_state or {}).items():
                await self._put_state(conn, key, value, now)
            for event_id, kind, payload in events:
                await conn.execute(
                    _insert_ignore(conn, t.events).values(
                        id=event_id, kind=kind, detected_at=now, payload=payload
                    )
                )
            return await self._queue(conn, deliveries, now)

    async def queue(self, deliveries: Iterable[Delivery], now: datetime) -> int:
        async with self._writing() as conn:
            return await self._queue(conn, deliveries, now)

    async def _queue(
        self, conn: AsyncConnection, deliveries: Iterable[Delivery], now: datetime
    ) -> int:
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
                    "state": "pending",
                    "attempts": 0,
                    "next_attempt_at": d.not_before or now,
                    "created_at": now,
                }
            )
        if not rows:
            return 0
        result = await conn.execute(_insert_ignore(conn, t.outbox).returning(t.outbox.c.id), rows)
        return len(result.all())

    async def _put_state(self, conn: AsyncConnection, key: str, value: Any, now: datetime) -> None:
        updated = await conn.execute(
            sa.update(t.state).where(t.state.c.key == key).values(value=value, updated_at=now)
        )
        if not updated.rowcount:
            await conn.execute(sa.insert(t.state).values(key=key, value=value, updated_at=now))

    # --- subscriptions ----------------------------------------------------------------

    async def active_subscriptions(self) -> list[Subscription]:
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                sa.select(t.subscriptions)
                .where(t.subscriptions.c.active)
                .order_by(t.subscriptions.c.id)
            )
            return [_subscription(r) for r in rows.mappings()]

    async def subscription(self, target: Target) -> Subscription | None:
        async with self.engine.connect() as conn:
            row = await conn.execute(sa.select(t.subscriptions).where(*_target_is(target)))
            found = row.mappings().first()
            return _subscription(found) if found and found["active"] else None

    async def subscribe(
        self, target: Target, components: Sequence[str], by: str | None, source: str, now: datetime
    ) -> bool:
        """Subscribe (or change the components of) ``target``. True when it was not active."""
        values = {
            "components": list(components) or None,
            "active": True,
            "disabled_reason": None,
            "updated_at": now,
            "created_by": by,
            "source": source,
        }
        async with self.engine.begin() as conn:
            row = await conn.execute(sa.select(t.subscriptions.c.active).where(*_target_is(target)))
            was_active = row.scalar_one_or_none()
            if was_active is None:
                await conn.execute(
                    _insert_ignore(conn, t.subscriptions).values(
                        platform=target.platform,
                        workspace=target.workspace or "",
                        channel=target.channel,
                        created_at=now,
                        **values,
                    )
                )
            else:
                await conn.execute(
                    sa.update(t.subscriptions).where(*_target_is(target)).values(**values)
                )
            return not was_active

    async def unsubscribe(self, target: Target, reason: str, now: datetime) -> bool:
        """Stop alerts to ``target`` and drop what is queued for it. True when it was active."""
        async with self.engine.begin() as conn:
            result = await conn.execute(
                sa.update(t.subscriptions)
                .where(*_target_is(target), t.subscriptions.c.active)
                .values(active=False, disabled_reason=reason, updated_at=now)
            )
            await conn.execute(
                sa.update(t.outbox)
                .where(t.outbox.c.target_key == target.key, t.outbox.c.state == "pending")
                .values(state="dead", last_error=reason)
            )
            return bool(result.rowcount)

    async def disable_workspace(
        self, platform: str, workspace: str, reason: str, now: datetime
    ) -> list[Target]:
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                sa.select(t.subscriptions).where(
                    t.subscriptions.c.platform == platform,
                    t.subscriptions.c.workspace == workspace,
                    t.subscriptions.c.active,
                )
            )
            targets = [_subscription(r).target for r in rows.mappings()]
        for target in targets:
            await self.unsubscribe(target, reason, now)
        return targets

    async def sync_static(self, targets: Sequence[Target], now: datetime) -> list[Target]:
        """Make the static targets (``ALERT_CHANNELS``, the console) exactly ``targets``.
        Returns those that were not active before (they get a catch-up)."""
        wanted = {target.key for target in targets}
        fresh = [
            target for target in targets if await self.subscribe(target, (), None, "static", now)
        ]
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                sa.select(t.subscriptions).where(
                    t.subscriptions.c.source == "static", t.subscriptions.c.active
                )
            )
            stale = [
                s.target for s in map(_subscription, rows.mappings()) if s.target.key not in wanted
            ]
        for target in stale:
            await self.unsubscribe(target, "no longer configured", now)
        return fresh

    # --- team reports -----------------------------------------------------------------

    async def add_report(
        self, platform: str, workspace: str | None, user: str, code: str | None, now: datetime
    ) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(
                sa.insert(t.reports).values(
                    platform=platform,
                    workspace=workspace or "",
                    user_id=user,
                    code=code,
                    reported_at=now,
                )
            )

    async def teams_reporting(self, since: datetime, at_least: int) -> list[TeamReports]:
        """Teams where at least ``at_least`` distinct people reported since ``since``."""
        r = t.reports.c
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                sa.select(r.platform, r.workspace, r.user_id, r.code).where(r.reported_at >= since)
            )
            people: dict[tuple[str, str], set[str]] = {}
            codes: dict[tuple[str, str], set[str]] = {}
            for platform, workspace, user, code in rows:
                people.setdefault((platform, workspace), set()).add(user)
                if code:
                    codes.setdefault((platform, workspace), set()).add(code)
        return [
            TeamReports(
                platform, workspace, len(who), tuple(sorted(codes.get((platform, workspace), ())))
            )
            for (platform, workspace), who in sorted(people.items())
            if len(who) >= at_least
        ]

    async def count_reporters(self, platform: str, workspace: str | None, since: datetime) -> int:
        """Distinct people of one team who reported since ``since``."""
        async with self.engine.connect() as conn:
            result = await conn.execute(
                sa.select(sa.func.count(sa.distinct(t.reports.c.user_id))).where(
                    t.reports.c.platform == platform,
                    t.reports.c.workspace == (workspace or ""),
                    t.reports.c.reported_at >= since,
                )
            )
            return int(result.scalar_one())

    # --- the outbox -------------------------------------------------------------------

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
            return [_outbox_row(r) for r in rows.mappings()]

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
        """``due_heads`` and ``claim`` of each in one statement: the heads this ``owner`` now
        holds for ``lease``, longest due first, only on ``platform`` when given, none on the
        ``skip_platforms``. The claim is the same compare-and-set, so of several replicas
        asking at once each head goes to exactly one (PostgreSQL re-checks the claim
        condition on a row another transaction just claimed)."""
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
            result = await conn.execute(
                sa.update(o)
                .where(o.c.id.in_(heads), _claimable(owner, now))
                .values(claimed_by=owner, claimed_until=now + lease)
                .returning(*o.c)
            )
            rows = [_outbox_row(r) for r in result.mappings()]
        return sorted(rows, key=lambda r: (r.next_attempt_at, r.id))

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

    async def claim(self, row: OutboxRow, owner: str, now: datetime, lease: timedelta) -> bool:
        """Take ``row`` for delivery, unless another replica holds it: a compare-and-set, so
        of several replicas exactly one wins (SQLite and PostgreSQL alike)."""
        c = t.outbox.c
        async with self._writing() as conn:
            result = await conn.execute(
                sa.update(t.outbox)
                .where(c.id == row.id, c.state == "pending", _claimable(owner, now))
                .values(claimed_by=owner, claimed_until=now + lease)
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

    async def mark_sent(self, row: OutboxRow, ref: MessageRef | None, now: datetime) -> None:
        """Record the delivery and, for a thread root, the thread it starts."""
        async with self._writing() as conn:
            await conn.execute(
                sa.update(t.outbox)
                .where(t.outbox.c.id == row.id)
                .values(
                    state="sent",
                    sent_at=now,
                    attempts=row.attempts + 1,
                    message_ref=ref.to_json() if ref else None,
                    last_error=None,
                    claimed_by=None,
                    claimed_until=None,
                )
            )
            if ref is not None and row.action is Action.POST and row.notice.thread_key:
                await self._set_thread(conn, row.target.key, row.notice.thread_key, ref, now)

    async def mark_retry(self, row: OutboxRow, error: str, at: datetime) -> None:
        async with self._writing() as conn:
            await conn.execute(
                sa.update(t.outbox)
                .where(t.outbox.c.id == row.id)
                .values(
                    attempts=row.attempts + 1,
                    next_attempt_at=at,
                    last_error=error[:1000],
                    claimed_by=None,
                    claimed_until=None,
                )
            )

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

    async def thread_root(self, target: Target, thread_key: str) -> MessageRef | None:
        async with self.engine.connect() as conn:
            result = await conn.execute(
                sa.select(t.threads.c.root_ref).where(
                    t.threads.c.target_key == target.key, t.threads.c.thread_key == thread_key
                )
            )
            value = result.scalar_one_or_none()
            return MessageRef.from_json(value) if value else None

    async def set_thread(
        self, target: Target, thread_key: str, ref: MessageRef, now: datetime
    ) -> None:
        async with self.engine.begin() as conn:
            await self._set_thread(conn, target.key, thread_key, ref, now)

    async def _set_thread(
        self,
        conn: AsyncConnection,
        target_key: str,
        thread_key: str,
        ref: MessageRef,
        now: datetime,
    ) -> None:
        """Insert or replace the thread's root in one statement (an upsert on the key)."""
        values = {
            "target_key": target_key,
            "thread_key": thread_key,
            "root_ref": ref.to_json(),
            "created_at": now,
        }
        insert = (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(
            t.threads
        ).values(**values)
        await conn.execute(
            insert.on_conflict_do_update(
                index_elements=[t.threads.c.target_key, t.threads.c.thread_key],
                set_={
                    "root_ref": insert.excluded.root_ref,
                    "created_at": insert.excluded.created_at,
                },
            )
        )


def _upgrade(sync_connection: sa.Connection) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = sync_connection
    command.upgrade(config, "head")


def _insert_ignore(conn: AsyncConnection, table: sa.Table) -> Any:
    """INSERT that does nothing on a unique conflict, on SQLite and PostgreSQL alike."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()


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


def _target_is(target: Target) -> tuple[sa.ColumnElement[bool], ...]:
    c = t.subscriptions.c
    return (
        c.platform == target.platform,
        c.workspace == (target.workspace or ""),
        c.channel == target.channel,
    )


def _subscription(row: Any) -> Subscription:
    return Subscription(
        id=row["id"],
        target=Target(row["platform"], row["channel"], row["workspace"] or None),
        components=tuple(row["components"] or ()),
        source=row["source"],
        created_by=row["created_by"],
    )


def _outbox_row(row: Any) -> OutboxRow:
    return OutboxRow(
        id=row["id"],
        event_id=row["event_id"],
        action=Action(row["action"]),
        target=Target(row["platform"], row["channel"], row["workspace"] or None),
        notice=Notice.from_json(row["notice"]),
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"],
    )

"""The database: the only durable state. SQLite embedded by default, PostgreSQL for replicas.

Everything a poll decides (new snapshot, feed health, events, outbox rows) is written in one
transaction, so a crash leaves either all of it or none of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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

from bot import tables as t
from bot.feed_health import FeedHealth
from bot.notices import Action, Notice
from bot.ports import MessageRef, Target
from bot.snapshot import Snapshot

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

    @property
    def shared(self) -> bool:
        """Whether several processes may use this database at once (PostgreSQL)."""
        return self.engine.dialect.name == "postgresql"

    @classmethod
    def open(cls, url: str) -> Store:
        return cls(create_engine(url))

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
        async with self.engine.begin() as conn:
            return await self._queue(conn, deliveries, now)

    async def _queue(
        self, conn: AsyncConnection, deliveries: Iterable[Delivery], now: datetime
    ) -> int:
        queued = 0
        for d in deliveries:
            result = await conn.execute(
                _insert_ignore(conn, t.outbox).values(
                    event_id=d.event_id,
                    action=d.action.value,
                    target_key=d.target.key,
                    platform=d.target.platform,
                    workspace=d.target.workspace or "",
                    channel=d.target.channel,
                    thread_key=d.notice.thread_key,
                    notice=d.notice.to_json(),
                    state="pending",
                    attempts=0,
                    next_attempt_at=d.not_before or now,
                    created_at=now,
                )
            )
            queued += result.rowcount or 0
        return queued

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

    async def due_heads(self, now: datetime, limit: int = 1000) -> list[OutboxRow]:
        """The oldest pending row of each target, where it is due: deliveries to one channel
        go strictly in order, and a channel waiting out a retry holds back only itself."""
        heads = (
            sa.select(sa.func.min(t.outbox.c.id).label("id"))
            .where(t.outbox.c.state == "pending")
            .group_by(t.outbox.c.target_key)
            .subquery()
        )
        query = (
            sa.select(t.outbox)
            .join(heads, heads.c.id == t.outbox.c.id)
            .where(t.outbox.c.next_attempt_at <= now)
            .order_by(t.outbox.c.id)
            .limit(limit)
        )
        async with self.engine.connect() as conn:
            rows = await conn.execute(query)
            return [_outbox_row(r) for r in rows.mappings()]

    async def next_due_at(self) -> datetime | None:
        async with self.engine.connect() as conn:
            result = await conn.execute(
                sa.select(sa.func.min(t.outbox.c.next_attempt_at)).where(
                    t.outbox.c.state == "pending"
                )
            )
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
        async with self.engine.begin() as conn:
            result = await conn.execute(
                sa.update(t.outbox)
                .where(
                    c.id == row.id,
                    c.state == "pending",
                    sa.or_(c.claimed_until.is_(None), c.claimed_until < now, c.claimed_by == owner),
                )
                .values(claimed_by=owner, claimed_until=now + lease)
            )
            return bool(result.rowcount)

    async def release_claims(self) -> int:
        """Forget every claim: only for a single process (SQLite) starting up, whose claims
        can only be left over from a crash of itself."""
        async with self.engine.begin() as conn:
            result = await conn.execute(
                sa.update(t.outbox)
                .where(t.outbox.c.claimed_by.is_not(None), t.outbox.c.state == "pending")
                .values(claimed_by=None, claimed_until=None)
            )
            return int(result.rowcount or 0)

    async def mark_sent(self, row: OutboxRow, ref: MessageRef | None, now: datetime) -> None:
        """Record the delivery and, for a thread root, the thread it starts."""
        async with self.engine.begin() as conn:
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
        async with self.engine.begin() as conn:
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
        async with self.engine.begin() as conn:
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
        updated = await conn.execute(
            sa.update(t.threads)
            .where(t.threads.c.target_key == target_key, t.threads.c.thread_key == thread_key)
            .values(root_ref=ref.to_json(), created_at=now)
        )
        if not updated.rowcount:
            await conn.execute(
                sa.insert(t.threads).values(
                    target_key=target_key,
                    thread_key=thread_key,
                    root_ref=ref.to_json(),
                    created_at=now,
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

"""Poll state: the last snapshot, the feed's health and other small JSON values kept by key,
and ``commit_poll``, the one transaction in which everything a poll decided is saved, so a
crash leaves either all of it or none of it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.detect.feed_health import FeedHealth
from bot.notify.deliveries import Delivery
from bot.statuspage.snapshot import Snapshot
from bot.store import tables as t
from bot.store.engine import Database, insert_ignore
from bot.store.outbox import queue_rows


class PollState(Database):
    async def load_snapshot(self) -> Snapshot | None:
        value = await self.load_state("snapshot")
        return Snapshot.model_validate(value) if value is not None else None

    async def load_health(self) -> FeedHealth:
        value = await self.load_state("feed_health")
        return FeedHealth.from_json(value) if value is not None else FeedHealth()

    async def load_state(self, key: str) -> Any:
        """A JSON value kept under ``key`` (None when never saved)."""
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
                await _put_state(conn, "snapshot", snapshot.model_dump(mode="json"), now)
            await _put_state(conn, "feed_health", health.to_json(), now)
            for key, value in (extra_state or {}).items():
                await _put_state(conn, key, value, now)
            for event_id, kind, payload in events:
                await conn.execute(
                    insert_ignore(conn, t.events).values(
                        id=event_id, kind=kind, detected_at=now, payload=payload
                    )
                )
            return await queue_rows(conn, deliveries, now)


async def _put_state(conn: AsyncConnection, key: str, value: Any, now: datetime) -> None:
    updated = await conn.execute(
        sa.update(t.state).where(t.state.c.key == key).values(value=value, updated_at=now)
    )
    if not updated.rowcount:
        await conn.execute(sa.insert(t.state).values(key=key, value=value, updated_at=now))

"""Threads: the root message of each (channel, thread key), so replies and edits find it."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.notify.notices import Notice
from bot.notify.ports import MessageRef, Target
from bot.store import tables as t
from bot.store.engine import Database, upsert


class Threads(Database):
    async def thread_root(self, target: Target, thread_key: str) -> MessageRef | None:
        async with self.engine.connect() as conn:
            result = await conn.execute(
                sa.select(t.threads.c.root_ref).where(
                    t.threads.c.target_key == target.key, t.threads.c.thread_key == thread_key
                )
            )
            value = result.scalar_one_or_none()
            return MessageRef.from_json(value) if value else None

    async def announced(self, thread_keys: Collection[str]) -> frozenset[tuple[str, str]]:
        """(target key, thread key) of each channel whose thread of one of ``thread_keys`` has
        a root: posted (the threads table) or queued (a live ``post`` row in the outbox)."""
        if not thread_keys:
            return frozenset()
        keys = sorted(set(thread_keys))
        posted = sa.select(t.threads.c.target_key, t.threads.c.thread_key).where(
            t.threads.c.thread_key.in_(keys)
        )
        queued = sa.select(t.outbox.c.target_key, t.outbox.c.thread_key).where(
            t.outbox.c.thread_key.in_(keys),
            t.outbox.c.action == "post",
            t.outbox.c.state != "dead",
        )
        async with self.engine.connect() as conn:
            rows = await conn.execute(sa.union(posted, queued))
            return frozenset((str(r[0]), str(r[1])) for r in rows)

    async def linked_to_earlier(self, target: Target, notice: Notice) -> Notice:
        """``notice`` with this channel's root of the incident it comes back from (when the
        channel got one), so the renderer can link it."""
        earlier = notice.earlier
        if earlier is None:
            return notice
        root = await self.thread_root(target, earlier.thread_key)
        if root is None:
            return notice
        linked = replace(earlier, root=root.to_json(), workspace=target.workspace)
        return replace(notice, earlier=linked)

    async def set_thread(
        self, target: Target, thread_key: str, ref: MessageRef, now: datetime
    ) -> None:
        async with self.engine.begin() as conn:
            await put_thread_roots(conn, [(target.key, thread_key, ref)], now)


async def put_thread_roots(
    conn: AsyncConnection, roots: Sequence[tuple[str, str, MessageRef]], now: datetime
) -> None:
    """Insert or replace each thread's root (``target_key``, ``thread_key``, root) in one
    statement execution (an upsert on the key)."""
    insert = upsert(conn, t.threads)
    await conn.execute(
        insert.on_conflict_do_update(
            index_elements=[t.threads.c.target_key, t.threads.c.thread_key],
            set_={
                "root_ref": insert.excluded.root_ref,
                "created_at": insert.excluded.created_at,
            },
        ),
        [
            {
                "target_key": target_key,
                "thread_key": thread_key,
                "root_ref": ref.to_json(),
                "created_at": now,
            }
            for target_key, thread_key, ref in roots
        ],
    )

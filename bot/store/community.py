"""Community reports: per source, when it was first and last read and how that went, and the
posts about errors it showed (ids, so a post counts once however often it is listed). What a
source's standing is can then be worked out by any replica, after any restart, from here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

import sqlalchemy as sa

from bot.detect.community import WINDOW, Post, Tally
from bot.store import tables as t
from bot.store.engine import Database, insert_ignore, upsert

USUAL_SPAN: Final = timedelta(days=7)
"""How far back the usual count looks; older posts are deleted."""
OK: Final = "ok"
TOP_KEPT: Final = 3


@dataclass(frozen=True)
class SourceRecord:
    tally: Tally
    last_outcome: str
    """``ok``, or the kind of the last read's failure (``rate-limited``, ``http-503``, ...)."""


class Community(Database):
    async def record_community_read(
        self, source: str, outcome: str, posts: Sequence[Post], now: datetime
    ) -> int:
        """Save one read: its outcome and the posts about errors it listed (a failed read has
        none). Returns how many of them were new."""
        async with self._writing() as conn:
            values = {"last_read_at": now, "last_outcome": outcome}
            first = {"watched_since": now} if outcome == OK else {"watched_since": None}
            statement = upsert(conn, t.community_sources).values(source=source, **values, **first)
            await conn.execute(
                statement.on_conflict_do_update(index_elements=["source"], set_=values)
            )
            if outcome == OK:
                src = t.community_sources.c
                await conn.execute(
                    sa.update(t.community_sources)
                    .where(src.source == source, src.watched_since.is_(None))
                    .values(watched_since=now)
                )
            p = t.community_posts.c
            known = await conn.execute(
                sa.select(p.post_id).where(
                    p.source == source, p.post_id.in_([post.id for post in posts])
                )
            )
            seen = set(known.scalars())
            fresh = [post for post in posts if post.id not in seen]
            for post in fresh:  # ignore: another replica may have just saved it
                await conn.execute(
                    insert_ignore(conn, t.community_posts).values(
                        source=source,
                        post_id=post.id,
                        created_at=post.created_at,
                        title=post.title,
                        url=post.url,
                        seen_at=now,
                    )
                )
            await conn.execute(
                sa.delete(t.community_posts).where(p.created_at < now - USUAL_SPAN - WINDOW)
            )
            return len(fresh)

    async def community_record(self, source: str, now: datetime) -> SourceRecord | None:
        """The source's tally at ``now``; None when it was never read."""
        p, src = t.community_posts.c, t.community_sources.c
        window_start = now - WINDOW
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
                    sa.select(src.watched_since, src.last_outcome).where(src.source == source)
                )
            ).one_or_none()
            if row is None:
                return None
            watched_since, outcome = row
            recent = await conn.execute(
                sa.select(p.post_id, p.title, p.url, p.created_at)
                .where(p.source == source, p.created_at >= window_start)
                .order_by(p.created_at.desc(), p.post_id)
            )
            posts = tuple(Post(i, title, url, created) for i, title, url, created in recent)
            earlier, watched = 0, timedelta()
            if watched_since is not None:
                since = max(watched_since, window_start - USUAL_SPAN)
                watched = max(timedelta(), window_start - since)
                counted = await conn.execute(
                    sa.select(sa.func.count()).where(
                        p.source == source, p.created_at >= since, p.created_at < window_start
                    )
                )
                earlier = int(counted.scalar_one())
        return SourceRecord(Tally(posts, earlier, watched), outcome)

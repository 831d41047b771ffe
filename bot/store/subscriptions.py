"""Subscriptions: which channels get alerts, for which components, and who asked."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from bot.notify.deliveries import Subscription
from bot.notify.ports import Target
from bot.preferences import Preferences
from bot.store import tables as t
from bot.store.engine import Database, insert_ignore
from bot.store.preferences import preferences_of


class Subscriptions(Database):
    async def active_subscriptions(self) -> list[Subscription]:
        async with self.engine.connect() as conn:
            s, p = t.subscriptions, t.channel_preferences
            joined = s.outerjoin(
                p,
                sa.and_(
                    p.c.platform == s.c.platform,
                    p.c.workspace == s.c.workspace,
                    p.c.channel == s.c.channel,
                ),
            )
            rows = await conn.execute(
                sa.select(
                    s,
                    p.c.updated_at.label("preferences_at"),
                    *(p.c[name] for name in _PREFERENCE_COLUMNS),
                )
                .select_from(joined)
                .where(s.c.active)
                .order_by(s.c.id)
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
                    insert_ignore(conn, t.subscriptions).values(
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
                .where(
                    t.outbox.c.target_key == target.key,
                    t.outbox.c.state.in_(("pending", "held")),
                )
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


def _target_is(target: Target) -> tuple[sa.ColumnElement[bool], ...]:
    c = t.subscriptions.c
    return (
        c.platform == target.platform,
        c.workspace == (target.workspace or ""),
        c.channel == target.channel,
    )


_PREFERENCE_COLUMNS = (
    "impact",
    "updates",
    "maintenance",
    "warnings",
    "quiet_start",
    "quiet_end",
    "quiet_zone",
)


def _subscription(row: Any) -> Subscription:
    """A subscription row, with its channel's preferences when the row was joined to them."""
    has_preferences = row.get("preferences_at") is not None
    return Subscription(
        id=row["id"],
        target=Target(row["platform"], row["channel"], row["workspace"] or None),
        components=tuple(row["components"] or ()),
        source=row["source"],
        created_by=row["created_by"],
        preferences=preferences_of(row) if has_preferences else Preferences(),
    )

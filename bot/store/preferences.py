"""Channel preferences: the ``alerts`` settings of each channel (one row once changed)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from bot.notify.ports import Target
from bot.preferences import Preferences, quiet_hours
from bot.store import tables as t
from bot.store.engine import Database, upsert


class ChannelPreferences(Database):
    async def preferences(self, target: Target) -> Preferences:
        """``target``'s settings; the defaults (every notice) when it never changed them."""
        async with self.engine.connect() as conn:
            row = await conn.execute(sa.select(t.channel_preferences).where(*_target_is(target)))
            found = row.mappings().first()
            return preferences_of(found) if found else Preferences()

    async def set_preferences(
        self, target: Target, preferences: Preferences, by: str | None, now: datetime
    ) -> None:
        quiet = preferences.quiet
        values = {
            "impact": preferences.impact,
            "updates": preferences.updates,
            "maintenance": preferences.maintenance,
            "warnings": preferences.warnings,
            "quiet_start": f"{quiet.start:%H:%M}" if quiet else None,
            "quiet_end": f"{quiet.end:%H:%M}" if quiet else None,
            "quiet_zone": quiet.zone if quiet else None,
            "updated_by": by,
            "updated_at": now,
        }
        async with self._writing() as conn:
            insert = upsert(conn, t.channel_preferences).values(
                platform=target.platform,
                workspace=target.workspace or "",
                channel=target.channel,
                **values,
            )
            c = t.channel_preferences.c
            await conn.execute(
                insert.on_conflict_do_update(
                    index_elements=[c.platform, c.workspace, c.channel],
                    set_={name: insert.excluded[name] for name in values},
                )
            )
            if quiet is None:  # no quiet hours now: what was held is told at the next poll
                o = t.outbox.c
                await conn.execute(
                    sa.update(t.outbox)
                    .where(o.target_key == target.key, o.state == "held")
                    .values(next_attempt_at=now)
                )


def preferences_of(row: Any) -> Preferences:
    """A ``channel_preferences`` row (or the matching columns of a join) as a value."""
    quiet = None
    if row["quiet_start"] and row["quiet_end"] and row["quiet_zone"]:
        quiet = quiet_hours(f"{row['quiet_start']}-{row['quiet_end']}", row["quiet_zone"])
    return Preferences(
        impact=row["impact"] or "any",
        updates=bool(row["updates"]),
        maintenance=bool(row["maintenance"]),
        warnings=bool(row["warnings"]),
        quiet=quiet,
    )


def _target_is(target: Target) -> tuple[sa.ColumnElement[bool], ...]:
    c = t.channel_preferences.c
    return (
        c.platform == target.platform,
        c.workspace == (target.workspace or ""),
        c.channel == target.channel,
    )

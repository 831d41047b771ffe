"""Team reports: people saying "it's down for me", counted per team for early warnings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from bot.store import tables as t
from bot.store.engine import Database


@dataclass(frozen=True)
class TeamReports:
    platform: str
    workspace: str
    people: int
    codes: tuple[str, ...]


class Reports(Database):
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

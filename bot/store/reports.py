"""Reports: people saying "it's down for me". Chat reports count per team; reports from
developers' clients (``POST /api/reports``: Claude Code's hook, ``report``) are stored beside
them with ``platform = "api"`` and count for the whole bot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

import sqlalchemy as sa

from bot.detect.client_reports import ClientReport
from bot.store import tables as t
from bot.store.engine import Database

API: Final = "api"
"""The ``platform`` of a client's report: no chat team, every channel."""


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
                sa.select(r.platform, r.workspace, r.user_id, r.code).where(
                    r.reported_at >= since, r.platform != API
                )
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

    async def reporters_since(self, since: datetime) -> list[tuple[str, str, str, datetime]]:
        """(platform, workspace, user, their latest report) of everyone who reported since."""
        r = t.reports.c
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                sa.select(r.platform, r.workspace, r.user_id, sa.func.max(r.reported_at))
                .where(r.reported_at >= since)
                .group_by(r.platform, r.workspace, r.user_id)
            )
            return [(p, w, u, at) for p, w, u, at in rows]

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

    async def add_client_report(self, report: ClientReport, window: timedelta) -> bool:
        """Store a client's report unless its reporter has one within ``window``: True when
        stored. Two replicas taking one reporter's reports in the same instant may both store
        one; every count is of distinct reporters, so it still counts once."""
        r = t.reports.c
        async with self._writing() as conn:
            earlier = await conn.execute(
                sa.select(r.id)
                .where(
                    r.platform == API,
                    r.user_id == report.reporter,
                    r.reported_at > report.at - window,
                )
                .limit(1)
            )
            if earlier.first() is not None:
                return False
            await conn.execute(
                sa.insert(t.reports).values(
                    platform=API,
                    workspace="",
                    user_id=report.reporter,
                    code=report.code,
                    source=report.source,
                    reported_at=report.at,
                )
            )
        return True

    async def client_reports(self, since: datetime) -> list[ClientReport]:
        """Clients' reports from ``since`` on, oldest first."""
        r = t.reports.c
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                sa.select(r.user_id, r.code, r.source, r.reported_at)
                .where(r.platform == API, r.reported_at >= since)
                .order_by(r.reported_at)
            )
            return [ClientReport(user, code, source, at) for user, code, source, at in rows]

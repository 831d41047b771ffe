"""Reading the community sources: each one when its schedule allows, what it showed saved in the
database, and every source's standing worked out from there (so a restart or another replica
sees the same). A source that fails is "unavailable" and is logged once per run of failures;
it never stops the others and never changes the verdict."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.detect.community import CommunityReport, assess, is_web_url, unavailable
from bot.detect.outage_words import is_about_errors
from bot.metrics import Metrics
from bot.signals.community.politeness import ReadSchedule
from bot.signals.community.posts import CommunitySource, SourceError
from bot.store import Store
from bot.store.community import OK

log = logging.getLogger(__name__)


class CommunityWatch:
    def __init__(
        self,
        sources: Sequence[CommunitySource],
        store: Store,
        *,
        interval_seconds: float,
        min_posts: int,
        metrics: Metrics,
    ) -> None:
        self._sources = tuple(sources)
        self._store = store
        self._min_posts = min_posts
        self._metrics = metrics
        self._schedules = {
            s.name: ReadSchedule(timedelta(seconds=interval_seconds)) for s in sources
        }
        self._failing: set[str] = set()
        self._reading = asyncio.Lock()
        self.reports: tuple[CommunityReport, ...] = ()

    async def read_due(self, now: datetime) -> None:
        """Read every source that is due, then work out the standings (one caller at a time:
        a schedule only learns of a request when it is answered)."""
        async with self._reading:
            for source in self._sources:
                if self._schedules[source.name].due(now):
                    await self._read(source, now)
            await self.refresh(now)

    async def refresh(self, now: datetime) -> None:
        """The standings from the database alone (the replicas that do not read)."""
        reports: list[CommunityReport] = []
        for source in self._sources:
            record = await self._store.community_record(source.name, now)
            if record is None:
                report = unavailable(None, source.name, source.label)
            else:
                report = assess(source.name, source.label, record.tally, self._min_posts)
                if record.last_outcome != OK:
                    report = unavailable(report, source.name, source.label)
            self._metrics.community_elevated.labels(source.name).set(1 if report.elevated else 0)
            reports.append(report)
        self.reports = tuple(reports)

    async def close(self) -> None:
        for source in self._sources:
            await source.close()

    async def _read(self, source: CommunitySource, now: datetime) -> None:
        schedule = self._schedules[source.name]
        try:
            reading = await source.read(now)
        except SourceError as error:
            schedule.asked(now, error.not_before)
            self._metrics.community_reads.labels(source.name, error.kind).inc()
            if source.name not in self._failing:
                self._failing.add(source.name)
                log.warning(
                    "community source %s cannot be read (%s); answers say it is unavailable "
                    "until it is back",
                    source.name,
                    error,
                )
            await self._store.record_community_read(source.name, error.kind, (), now)
            return
        schedule.asked(now, reading.not_before)
        self._metrics.community_reads.labels(
            source.name, "not-modified" if reading.not_modified else "ok"
        ).inc()
        if source.name in self._failing:
            self._failing.discard(source.name)
            log.info("community source %s is readable again", source.name)
        about = [
            p
            for p in reading.posts
            if is_web_url(p.url, source.home) and is_about_errors(p.title, p.text)
        ]
        new = await self._store.record_community_read(source.name, OK, about, now)
        self._metrics.community_posts.labels(source.name).inc(new)

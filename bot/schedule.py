"""The poll schedule: APScheduler 3 runs the poll every interval, never two at once, with a
little jitter; ``poll_now()`` asks for an immediate one (the Statuspage webhook uses it).

The jitter only ever shortens a gap: APScheduler 3 adds it to the run it computes from the
previous (already jittered) run, so a gap of ``interval`` plus jitter would let each gap grow
by up to the jitter and an alert by polling miss "interval + 1 s". Scheduling every
``interval - jitter`` plus up to ``jitter`` keeps every gap between the two.

A request that arrives while a poll runs is not dropped: the running poll is followed by one
more, so a webhook's news is read even if it came mid-poll.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

log = logging.getLogger(__name__)
JOB_ID = "poll"
MAX_JITTER_SECONDS = 2.0


def poll_trigger(interval_seconds: float) -> IntervalTrigger:
    """Gaps between ``interval - jitter`` and ``interval``, the jitter a tenth of the interval
    (at most 2 s), so replicas and installations do not poll the page in step."""
    jitter = min(MAX_JITTER_SECONDS, interval_seconds * 0.1)
    return IntervalTrigger(seconds=interval_seconds - jitter, jitter=jitter, timezone=UTC)


class PollSchedule:
    def __init__(self, poll: Callable[[], Awaitable[object]], interval_seconds: float) -> None:
        self._poll = poll
        self._interval = interval_seconds
        self._scheduler = AsyncIOScheduler(timezone=UTC)
        self._lock = asyncio.Lock()
        self._again = False
        self._idle = asyncio.Event()
        self._idle.set()

    def start(self) -> None:
        self._scheduler.add_job(
            self._run,
            poll_trigger(self._interval),
            id=JOB_ID,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=max(1, int(self._interval)),
            next_run_time=datetime.now(UTC),
        )
        self._scheduler.start()

    def poll_now(self) -> None:
        if self._lock.locked():
            self._again = True
            return
        job = self._scheduler.get_job(JOB_ID)
        if job is not None:
            job.modify(next_run_time=datetime.now(UTC))

    async def stop(self, timeout: float) -> None:
        """Stop scheduling; let a poll in flight finish (within ``timeout``), then shut the
        scheduler down (which would cancel a poll still running)."""
        if not self._scheduler.running:
            return
        self._scheduler.pause()
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            log.warning("a poll was still running after %.0fs; stopping anyway", timeout)
        self._scheduler.shutdown(wait=False)

    async def _run(self) -> None:
        async with self._lock:
            self._idle.clear()
            try:
                while True:
                    self._again = False
                    try:
                        await self._poll()
                    except Exception:  # a bug in one poll must not stop the schedule
                        log.exception("poll failed")
                    if not self._again:
                        break
            finally:
                self._idle.set()

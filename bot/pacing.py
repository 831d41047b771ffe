"""Pacing: at most so many sends in any window, for a platform whose limit spans all its
channels (Discord: 50 requests per second per bot). ``Pacer`` keeps the window in this
process (SQLite: one process); ``SharedPacer`` in the database, for replicas sharing a bot.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Final

log = logging.getLogger(__name__)


class Pacer:
    """At most ``count`` starts in any ``per`` seconds (a sliding window), in arrival order."""

    def __init__(self, count: int, per: float) -> None:
        self._count = count
        self._per = per
        self._starts: deque[float] = deque()
        self._turn = asyncio.Lock()

    async def wait(self) -> None:
        async with self._turn:
            loop = asyncio.get_running_loop()
            while True:
                now = loop.time()
                while self._starts and self._starts[0] <= now - self._per:
                    self._starts.popleft()
                if len(self._starts) < self._count:
                    self._starts.append(now)
                    return
                await asyncio.sleep(self._starts[0] + self._per - now)


Take = Callable[[int], Awaitable[tuple[int, float]]]
"""Ask the shared window for up to ``n`` starts now: (how many it granted, and when it granted
none, the seconds until the oldest start in it leaves the window)."""


class SharedPacer:
    """The same sliding window kept in the database (``take``), so that replicas together keep
    to a limit that spans all of them. In one process, waiters line up as with ``Pacer`` and
    the first asks for as many starts as are waiting, so a busy fan-out costs one round trip
    per batch, not per send. A grant is used at once or not at all: it was recorded as a
    start when given."""

    GRANT_SECONDS: Final = 0.05
    RETRY_SECONDS: Final = 1.0

    def __init__(self, take: Take) -> None:
        self._take = take
        self._turn = asyncio.Lock()
        self._waiting = 0
        self._granted = 0
        self._granted_until = 0.0

    async def wait(self) -> None:
        loop = asyncio.get_running_loop()
        self._waiting += 1
        try:
            async with self._turn:
                while not (self._granted and loop.time() <= self._granted_until):
                    try:
                        granted, wait = await self._take(self._waiting)
                    except Exception as error:  # the database is away: sends wait with it
                        log.warning("could not take a send from the shared pace: %s", error)
                        granted, wait = 0, self.RETRY_SECONDS
                    self._granted = granted
                    self._granted_until = loop.time() + self.GRANT_SECONDS
                    if not granted:
                        await asyncio.sleep(max(wait, 0.001))
                self._granted -= 1
        finally:
            self._waiting -= 1
